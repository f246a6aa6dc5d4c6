/**
 * The coordinator's entry points: {@link io.nines.coordinator.Coordinator} serves the HTTP API
 * configured by {@link io.nines.coordinator.CoordinatorOptions}. Timelines and availability live in
 * {@link io.nines.coordinator.timeline}, raw results in {@link io.nines.coordinator.store}.
 */
package io.nines.coordinator;
