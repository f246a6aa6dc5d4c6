/**
 * Read models of the dashboard and the API: the services summary, service detail, daily bars, risk
 * matrix, monthly report and status page as JSON, and the JSON shapes they share ({@code Views}).
 * Pure functions of the fetched results; the API's routes serve them.
 */
package io.nines.coordinator.readmodel;
