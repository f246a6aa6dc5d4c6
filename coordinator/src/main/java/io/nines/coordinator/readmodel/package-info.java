/**
 * The JSON of the dashboard's and the API's read models: the services summary, service detail and
 * daily bars computed here, and the risk matrix, monthly report and status page rendered from the
 * pure models of {@code io.nines.availability.report} (which also renders the report's CSV); plus
 * the JSON shapes they share ({@code Views}). Pure functions of the fetched timelines; the API's
 * routes serve them.
 */
package io.nines.coordinator.readmodel;
