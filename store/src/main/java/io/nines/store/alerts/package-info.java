/**
 * Alerting's state: each service's {@link io.nines.store.alerts.AlertStore} state (applied
 * atomically per service) and the notification {@link io.nines.store.alerts.Outbox} with its
 * delivery log, in memory, written through to JDBC, or in the cluster's maps; their JSON forms
 * ({@code AlertJson}). The decisions are the pure engine's ({@link
 * io.nines.availability.incident}); the loop that runs it and the senders are the coordinator's.
 */
package io.nines.store.alerts;
