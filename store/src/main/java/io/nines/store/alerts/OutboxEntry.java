package io.nines.store.alerts;

import io.nines.availability.incident.Notification;
import java.time.Instant;
import java.util.List;

/**
 * A notification in the outbox, with its delivery log.
 *
 * @param notification what to deliver
 * @param status where it stands
 * @param queuedAt when it was queued
 * @param nextAttemptAt when the next attempt is due; null once sent or given up
 * @param deliveries every attempt, in order
 */
public record OutboxEntry(
    Notification notification,
    Status status,
    Instant queuedAt,
    Instant nextAttemptAt,
    List<Delivery> deliveries) {
  public OutboxEntry {
    deliveries = List.copyOf(deliveries);
  }

  /** Where a notification stands. */
  public enum Status {
    /** Waiting for its first attempt. */
    QUEUED,
    /** Delivered. */
    SENT,
    /** An attempt failed; another is due at {@link #nextAttemptAt}. */
    RETRYING,
    /** Every attempt for 24 hours failed, or the receiver refused it for good. */
    FAILED
  }
}
