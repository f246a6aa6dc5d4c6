/**
 * Availability queries: fetch a service's results from the store and merge them into timelines and
 * reports with the pure core. Used by alerting, the read models and the API alike; depends on
 * neither.
 */
package io.nines.coordinator.query;
