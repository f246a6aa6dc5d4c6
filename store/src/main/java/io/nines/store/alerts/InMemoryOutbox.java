package io.nines.store.alerts;

import io.nines.availability.incident.Notification;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link Outbox} in memory, for a single coordinator; it keeps at most {@code capacity} entries,
 * dropping the oldest finished ones first. Thread-safe (synchronized: the work per call is small).
 */
public final class InMemoryOutbox implements Outbox {
  /** {@link Outbox#ofIncident}'s order: when queued, then by key. */
  static final Comparator<OutboxEntry> QUEUEING_ORDER =
      Comparator.comparing(OutboxEntry::queuedAt).thenComparing(e -> e.notification().key());

  /** {@link Outbox#recent}'s order: newest notification first, then by key. */
  static final Comparator<OutboxEntry> NEWEST_FIRST =
      Comparator.comparing((OutboxEntry e) -> e.notification().at())
          .reversed()
          .thenComparing(e -> e.notification().key());

  private final int capacity;
  private final Map<String, OutboxEntry> entries = new LinkedHashMap<>();
  private final Map<String, Instant> leases = new LinkedHashMap<>();
  private final List<String> dropped = new ArrayList<>();

  public InMemoryOutbox(int capacity) {
    this.capacity = capacity;
  }

  @Override
  public synchronized Future<Integer> enqueue(List<Notification> notifications, Instant now) {
    int added = 0;
    for (Notification n : notifications) {
      if (!entries.containsKey(n.key())) {
        entries.put(n.key(), new OutboxEntry(n, OutboxEntry.Status.QUEUED, now, now, List.of()));
        added++;
      }
    }
    trim();
    return Future.succeededFuture(added);
  }

  private void trim() {
    var it = entries.entrySet().iterator();
    while (entries.size() > capacity && it.hasNext()) {
      OutboxEntry e = it.next().getValue();
      if (e.nextAttemptAt() == null) {
        it.remove();
        dropped.add(e.notification().key());
      }
    }
  }

  /**
   * Puts entries read back from a durable copy, oldest queued first, before the first {@link
   * #enqueue}. They carry no lease: an attempt that was in flight is made again.
   */
  synchronized void restore(List<OutboxEntry> loaded) {
    loaded.stream()
        .sorted(Comparator.comparing(OutboxEntry::queuedAt))
        .forEach(e -> entries.put(e.notification().key(), e));
  }

  /** The entry of {@code key}, or null when there is none (never was, or dropped). */
  synchronized OutboxEntry entry(String key) {
    return entries.get(key);
  }

  /** The keys of the finished entries dropped to stay within the capacity since the last call. */
  synchronized List<String> drainDropped() {
    List<String> out = List.copyOf(dropped);
    dropped.clear();
    return out;
  }

  @Override
  public synchronized Future<List<OutboxEntry>> take(Instant now, int max, long leaseSeconds) {
    List<OutboxEntry> due = new ArrayList<>();
    for (OutboxEntry e : entries.values()) {
      if (due.size() >= max) {
        break;
      }
      String key = e.notification().key();
      Instant lease = leases.get(key);
      if (e.nextAttemptAt() != null
          && !e.nextAttemptAt().isAfter(now)
          && (lease == null || !lease.isAfter(now))) {
        leases.put(key, now.plusSeconds(leaseSeconds));
        due.add(e);
      }
    }
    return Future.succeededFuture(due);
  }

  @Override
  public synchronized Future<Void> record(String key, Delivery delivery, Instant nextAttemptAt) {
    OutboxEntry e = entries.get(key);
    leases.remove(key);
    if (e != null) {
      List<Delivery> log = new ArrayList<>(e.deliveries());
      log.add(delivery);
      OutboxEntry.Status status =
          delivery.ok()
              ? OutboxEntry.Status.SENT
              : nextAttemptAt == null ? OutboxEntry.Status.FAILED : OutboxEntry.Status.RETRYING;
      entries.put(key, new OutboxEntry(e.notification(), status, e.queuedAt(), nextAttemptAt, log));
    }
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<List<OutboxEntry>> ofIncident(String incidentId) {
    return Future.succeededFuture(
        entries.values().stream()
            .filter(e -> e.notification().incidentId().equals(incidentId))
            .sorted(QUEUEING_ORDER)
            .toList());
  }

  @Override
  public synchronized Future<List<OutboxEntry>> recent(int limit) {
    List<OutboxEntry> all = new ArrayList<>(entries.values());
    all.sort(NEWEST_FIRST);
    return Future.succeededFuture(all.subList(0, Math.min(limit, all.size())));
  }
}
