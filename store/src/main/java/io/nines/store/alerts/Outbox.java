package io.nines.store.alerts;

import io.nines.availability.incident.Notification;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;

/**
 * Notifications decided but not yet delivered, and the log of those that were. Keyed by {@link
 * Notification#key()}: queueing a key that is already there changes nothing, so a decision replayed
 * after a crash queues nothing twice.
 */
public interface Outbox {

  /** Queues what is new among {@code notifications}; completes with how many were new. */
  Future<Integer> enqueue(List<Notification> notifications, Instant now);

  /**
   * Takes up to {@code max} entries due at {@code now} for delivery. A taken entry is not returned
   * again until {@link #record} is called for it or {@code leaseSeconds} pass.
   */
  Future<List<OutboxEntry>> take(Instant now, int max, long leaseSeconds);

  /**
   * Records an attempt.
   *
   * @param nextAttemptAt when to try again; null when there is nothing more to do
   */
  Future<Void> record(String key, Delivery delivery, Instant nextAttemptAt);

  /**
   * The entries of an incident, in queueing order; those queued at the same instant (the
   * notifications of one decision) by key, so the order is the same on every backend and after a
   * restart.
   */
  Future<List<OutboxEntry>> ofIncident(String incidentId);

  /** The newest entries, newest first; those of the same instant by key. */
  Future<List<OutboxEntry>> recent(int limit);
}
