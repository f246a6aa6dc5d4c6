package io.nines.store.alerts;

import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MapStoreConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.nines.availability.incident.Notification;
import io.nines.common.Checks;
import io.nines.store.internal.ClusterCalls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * An {@link Outbox} in the cluster's map {@value #MAP_NAME}: notification key to the JSON of its
 * {@link OutboxEntry} and delivery lease, with one synchronous backup, so a queued notification
 * survives the crash of the member that queued it.
 *
 * <p>Exactly one member delivers a given entry: {@link #take} returns only entries whose key this
 * member's partitions own ({@code localKeySet}), and marks each taken with a lease written by
 * compare-and-set. When the owner crashes, the backup's member owns the key and delivers what was
 * not recorded as sent, once the lease of an attempt that was in flight has run out. A delivery
 * that reached the receiver but was not recorded before the crash is sent again, with the same
 * idempotency key.
 *
 * <p>Finished entries (sent, or failed for good) are the delivery log: each member drops its own
 * once their notification is older than {@link #FINISHED_KEPT}, while taking, so the map (and its
 * rows in the database) stays bounded however long the cluster runs. The blocking Hazelcast calls
 * run on Vert.x worker threads. Thread-safe.
 */
public final class HazelcastOutbox implements Outbox {
  /** The documents' kind in the database. */
  public static final String KIND = "outbox";

  /** The map's name. */
  public static final String MAP_NAME = "nines.outbox";

  private static final int MAX_TRIES = 20;

  /** How long a finished entry stays in the delivery log, from its notification's time. */
  public static final Duration FINISHED_KEPT = Duration.ofDays(30);

  private final Vertx vertx;
  private final IMap<String, String> map;
  private final LongAdder timeouts;

  public HazelcastOutbox(Vertx vertx, HazelcastInstance hazelcast) {
    this(vertx, hazelcast, new LongAdder());
  }

  /**
   * @param timeouts counts the calls that gave up waiting for the cluster ({@link
   *     ClusterCalls#TIMEOUT}); may be shared
   */
  public HazelcastOutbox(Vertx vertx, HazelcastInstance hazelcast, LongAdder timeouts) {
    this.vertx = Checks.notNull(vertx, "vertx");
    this.map = Checks.notNull(hazelcast, "hazelcast").getMap(MAP_NAME);
    this.timeouts = Checks.notNull(timeouts, "timeouts");
  }

  /** Declares the map in {@code config}: one synchronous backup, memory only. */
  public static Config configure(Config config) {
    return configure(config, null);
  }

  /**
   * Declares the map in {@code config}: one synchronous backup, and written behind to the database
   * by {@code mapStore} (from {@code Database.documentMapStoreConfig(KIND)}; null for memory only),
   * so that a restart of the whole cluster keeps what was queued and the delivery log.
   */
  public static Config configure(Config config, MapStoreConfig mapStore) {
    MapConfig map = new MapConfig(MAP_NAME).setBackupCount(1).setAsyncBackupCount(0);
    if (mapStore != null) {
      map.setMapStoreConfig(mapStore);
    }
    config.addMapConfig(map);
    return config;
  }

  @Override
  public Future<Integer> enqueue(List<Notification> notifications, Instant now) {
    if (notifications.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return bounded(
        "queueing notifications",
        vertx.executeBlocking(
            () -> {
              int added = 0;
              for (Notification n : notifications) {
                OutboxEntry e = new OutboxEntry(n, OutboxEntry.Status.QUEUED, now, now, List.of());
                if (map.putIfAbsent(n.key(), AlertJson.encode(e, null)) == null) {
                  added++;
                }
              }
              return added;
            },
            false));
  }

  @Override
  public Future<List<OutboxEntry>> take(Instant now, int max, long leaseSeconds) {
    return bounded(
        "taking notifications to deliver",
        vertx.executeBlocking(
            () -> {
              List<OutboxEntry> due = new ArrayList<>();
              for (String key : map.localKeySet()) {
                if (due.size() >= max) {
                  break;
                }
                String json = map.get(key);
                if (json == null) {
                  continue;
                }
                OutboxEntry e = AlertJson.decodeOutboxEntry(json);
                if (finished(e) && e.notification().at().isBefore(now.minus(FINISHED_KEPT))) {
                  map.remove(key, json);
                  continue;
                }
                Instant lease = AlertJson.leaseUntil(json);
                if (e.nextAttemptAt() == null
                    || e.nextAttemptAt().isAfter(now)
                    || (lease != null && lease.isAfter(now))) {
                  continue;
                }
                // Lost to a concurrent take or record: leave it to the next period.
                if (map.replace(key, json, AlertJson.encode(e, now.plusSeconds(leaseSeconds)))) {
                  due.add(e);
                }
              }
              return due;
            },
            false));
  }

  private static boolean finished(OutboxEntry e) {
    return e.status() == OutboxEntry.Status.SENT || e.status() == OutboxEntry.Status.FAILED;
  }

  @Override
  public Future<Void> record(String key, Delivery delivery, Instant nextAttemptAt) {
    return bounded(
        "recording a delivery",
        vertx.executeBlocking(
            () -> {
              for (int i = 0; i < MAX_TRIES; i++) {
                String json = map.get(key);
                if (json == null) {
                  return null;
                }
                OutboxEntry e = AlertJson.decodeOutboxEntry(json);
                List<Delivery> log = new ArrayList<>(e.deliveries());
                log.add(delivery);
                OutboxEntry.Status status =
                    delivery.ok()
                        ? OutboxEntry.Status.SENT
                        : nextAttemptAt == null
                            ? OutboxEntry.Status.FAILED
                            : OutboxEntry.Status.RETRYING;
                OutboxEntry next =
                    new OutboxEntry(e.notification(), status, e.queuedAt(), nextAttemptAt, log);
                if (map.replace(key, json, AlertJson.encode(next, null))) {
                  return null;
                }
              }
              throw new IllegalStateException(
                  "outbox entry '"
                      + key
                      + "': "
                      + MAX_TRIES
                      + " concurrent writes in a row while recording a delivery (expected: one member"
                      + " delivering it)");
            },
            false));
  }

  @Override
  public Future<List<OutboxEntry>> ofIncident(String incidentId) {
    return entries()
        .map(
            all ->
                all.stream()
                    .filter(e -> incidentId.equals(e.notification().incidentId()))
                    .sorted(InMemoryOutbox.QUEUEING_ORDER)
                    .toList());
  }

  @Override
  public Future<List<OutboxEntry>> recent(int limit) {
    return entries()
        .map(all -> all.stream().sorted(InMemoryOutbox.NEWEST_FIRST).limit(limit).toList());
  }

  private Future<List<OutboxEntry>> entries() {
    return bounded(
        "reading the delivery log",
        vertx.executeBlocking(
            () -> {
              List<OutboxEntry> out = new ArrayList<>();
              for (String v : map.values()) {
                out.add(AlertJson.decodeOutboxEntry(v));
              }
              return out;
            },
            false));
  }

  /**
   * {@code call}, failed as unavailable when the cluster takes longer than {@link
   * ClusterCalls#TIMEOUT}.
   */
  private <T> Future<T> bounded(String doing, Future<T> call) {
    return ClusterCalls.bounded(call, ClusterCalls.TIMEOUT, MAP_NAME, doing, timeouts);
  }
}
