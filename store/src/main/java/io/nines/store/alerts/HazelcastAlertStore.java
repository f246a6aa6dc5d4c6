package io.nines.store.alerts;

import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MapStoreConfig;
import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.nines.availability.incident.Command;
import io.nines.availability.incident.IncidentEngine;
import io.nines.availability.incident.ServiceAlerts;
import io.nines.common.Checks;
import io.nines.config.Fleet;
import io.nines.store.internal.ClusterCalls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * An {@link AlertStore} in the cluster's map {@value #MAP_NAME}: service id to the JSON of its
 * {@link ServiceAlerts}, with one synchronous backup, so a member that crashes loses no decision.
 *
 * <p>{@link #apply} reads the state, decides with the {@link IncidentEngine}, and writes the result
 * back with compare-and-set, deciding again when another member wrote meanwhile. When an {@link
 * Outbox} is given, the notifications a decision makes are queued <em>before</em> the state that
 * records them is written: a crash in between leaves the old state, the next period decides again
 * and queues the same keys, which the outbox ignores, so no page is lost.
 *
 * <p>The blocking Hazelcast calls run on Vert.x worker threads. Thread-safe.
 */
public final class HazelcastAlertStore implements AlertStore {
  /** The documents' kind in the database. */
  public static final String KIND = "alerts";

  /** The map's name. */
  public static final String MAP_NAME = "nines.alerts";

  private final Vertx vertx;
  private final IMap<String, String> map;
  private final LongAdder timeouts;
  private final Supplier<Fleet> fleet;
  private final Outbox writeAhead;
  private volatile Fleet engineFleet;
  private volatile IncidentEngine engine;

  /**
   * @param writeAhead where a decision's notifications are queued before its state is written; null
   *     to leave queueing to the caller only
   */
  public HazelcastAlertStore(
      Vertx vertx, HazelcastInstance hazelcast, Supplier<Fleet> fleet, Outbox writeAhead) {
    this(vertx, hazelcast, fleet, writeAhead, new LongAdder());
  }

  /**
   * @param writeAhead where a decision's notifications are queued before its state is written; null
   *     to leave queueing to the caller only
   * @param timeouts counts the calls that gave up waiting for the cluster ({@link
   *     ClusterCalls#TIMEOUT}); may be shared
   */
  public HazelcastAlertStore(
      Vertx vertx,
      HazelcastInstance hazelcast,
      Supplier<Fleet> fleet,
      Outbox writeAhead,
      LongAdder timeouts) {
    this.timeouts = Checks.notNull(timeouts, "timeouts");
    this.vertx = Checks.notNull(vertx, "vertx");
    this.map = Checks.notNull(hazelcast, "hazelcast").getMap(MAP_NAME);
    this.fleet = Checks.notNull(fleet, "fleet");
    this.writeAhead = writeAhead;
  }

  /**
   * Declares the map in {@code config}: one synchronous backup, memory only, and the merge policy
   * that heals a split brain without orphan pages ({@link AlertsMergePolicy}).
   */
  public static Config configure(Config config) {
    return configure(config, null);
  }

  /**
   * Declares the map in {@code config}: one synchronous backup, {@link AlertsMergePolicy} to unite
   * the two sides' states of a service after a split brain, and written behind to the database by
   * {@code mapStore} (from {@code Database.documentMapStoreConfig(KIND)}; null for memory only), so
   * that a restart of the whole cluster keeps it.
   */
  public static Config configure(Config config, MapStoreConfig mapStore) {
    MapConfig map =
        new MapConfig(MAP_NAME)
            .setBackupCount(1)
            .setAsyncBackupCount(0)
            .setMergePolicyConfig(
                new MergePolicyConfig(
                    AlertsMergePolicy.class.getName(), MergePolicyConfig.DEFAULT_BATCH_SIZE));
    if (mapStore != null) {
      map.setMapStoreConfig(mapStore);
    }
    config.addMapConfig(map);
    return config;
  }

  private IncidentEngine engine() {
    Fleet f = fleet.get();
    if (f != engineFleet) {
      engine = new IncidentEngine(f);
      engineFleet = f;
    }
    return engine;
  }

  @Override
  public Future<IncidentEngine.Step> apply(String serviceId, Command command) {
    return attempt(serviceId, command, 0);
  }

  private Future<IncidentEngine.Step> attempt(String serviceId, Command command, int tries) {
    IncidentEngine e = engine();
    return bounded(
            "reading the alerting state of a service",
            vertx.executeBlocking(
                () -> {
                  String old = map.get(serviceId);
                  ServiceAlerts s =
                      old == null
                          ? ServiceAlerts.initial(serviceId)
                          : AlertJson.decodeServiceAlerts(old);
                  return new Decision(old, command.applyTo(e, s));
                },
                false))
        .compose(
            d ->
                d.step.notifications().isEmpty() || writeAhead == null
                    ? Future.succeededFuture(d)
                    : writeAhead.enqueue(d.step.notifications(), command.at()).map(n -> d))
        .compose(
            d ->
                bounded(
                    "writing the alerting state of a service",
                    vertx.executeBlocking(
                        () -> {
                          String next = AlertJson.encode(d.step.next());
                          boolean written =
                              next.equals(d.old)
                                  || (d.old == null
                                      ? map.putIfAbsent(serviceId, next) == null
                                      : map.replace(serviceId, d.old, next));
                          return written ? d.step : null;
                        },
                        false)))
        .compose(
            step -> {
              if (step != null) {
                return Future.succeededFuture(step);
              }
              if (tries >= 20) {
                return Future.failedFuture(
                    new IllegalStateException(
                        "alerts of service '"
                            + serviceId
                            + "': 20 concurrent writes in a row (expected: one member deciding"
                            + " for a service at a time)"));
              }
              return attempt(serviceId, command, tries + 1);
            });
  }

  private record Decision(String old, IncidentEngine.Step step) {}

  @Override
  public Future<Optional<ServiceAlerts>> get(String serviceId) {
    return bounded(
        "reading the alerting state of a service",
        vertx.executeBlocking(
            () -> Optional.ofNullable(map.get(serviceId)).map(AlertJson::decodeServiceAlerts),
            false));
  }

  @Override
  public Future<List<ServiceAlerts>> all() {
    return bounded(
        "reading every service's alerting state",
        vertx.executeBlocking(
            () -> {
              List<ServiceAlerts> out = new ArrayList<>();
              for (String v : map.values()) {
                out.add(AlertJson.decodeServiceAlerts(v));
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
