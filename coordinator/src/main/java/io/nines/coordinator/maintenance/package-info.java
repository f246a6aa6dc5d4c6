/**
 * Maintenance windows: the configured ones and the ad hoc ones operators open, kept in the
 * documents store so that every member and a restart see them. Its routes are in {@code api}.
 */
package io.nines.coordinator.maintenance;
