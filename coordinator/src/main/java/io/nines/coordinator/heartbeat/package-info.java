/**
 * Heartbeat checks: passive checks whose jobs report to the coordinator. {@link
 * io.nines.coordinator.heartbeat.Heartbeats} turns each ping into a result through the ordinary,
 * idempotent {@code ResultStore.append}, and, once a period on the member that owns the check's
 * key, records missed runs and over-long runs as failing results with deterministic ids, so that
 * two members that both see a miss record it once. See docs/api.md#heartbeats.
 */
package io.nines.coordinator.heartbeat;
