/**
 * Availability queries: fetch the location timelines of checks from the store ({@code Queries}),
 * asynchronously, for the pure read models of {@code io.nines.availability.report} to merge. Used
 * by alerting, the read models and the API alike; depends on neither.
 */
package io.nines.coordinator.query;
