/**
 * The coordinator's entry points: {@link io.nines.coordinator.Coordinator} serves the HTTP API
 * configured by {@link io.nines.coordinator.CoordinatorOptions}, in one process or as a member of a
 * cluster ({@link io.nines.coordinator.cluster}). Timelines and availability live in {@link
 * io.nines.availability}, raw results and evaluations in {@link io.nines.coordinator.store}.
 */
package io.nines.coordinator;
