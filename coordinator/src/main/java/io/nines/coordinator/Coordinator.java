package io.nines.coordinator;

import io.nines.common.Checks;
import io.nines.config.Fleet;
import io.nines.coordinator.alerting.AlertStore;
import io.nines.coordinator.alerting.Alerting;
import io.nines.coordinator.alerting.HazelcastAlertStore;
import io.nines.coordinator.alerting.HazelcastOutbox;
import io.nines.coordinator.alerting.InMemoryAlertStore;
import io.nines.coordinator.alerting.InMemoryOutbox;
import io.nines.coordinator.alerting.Outbox;
import io.nines.coordinator.cluster.ClusterMember;
import io.nines.coordinator.fleet.AgentAuth;
import io.nines.coordinator.fleet.HazelcastAgentRegistry;
import io.nines.coordinator.fleet.InMemoryAgentRegistry;
import io.nines.coordinator.internal.Access;
import io.nines.coordinator.internal.AlertingRoutes;
import io.nines.coordinator.internal.Api;
import io.nines.coordinator.internal.ConfigHistory;
import io.nines.coordinator.internal.ConfigRoutes;
import io.nines.coordinator.internal.FleetRoutes;
import io.nines.coordinator.internal.MaintenanceRegistry;
import io.nines.coordinator.internal.MaintenanceRoutes;
import io.nines.coordinator.internal.OpenApiRoutes;
import io.nines.coordinator.store.ResultStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * One coordinator: the HTTP API that agents post results to and that people and the CLI read
 * availability from. It runs in a single process with an in-memory store, or as one member of a
 * cluster ({@link CoordinatorOptions#cluster()}), where every member serves the same data.
 *
 * <p>Lifecycle: {@link #start(Vertx)} once, then {@link #stop()} once. Both may be called from any
 * thread; their futures complete on a Vert.x context. Request handlers never block the event loop:
 * the store is asynchronous (a cluster's answers come back on the handler's context), and timeline
 * arithmetic runs on a named worker pool ({@value #WORKER_POOL}).
 *
 * <pre>{@code
 * PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * // A single process:
 * Coordinator coordinator = new Coordinator(CoordinatorOptions.builder()
 *     .port(0).agentTokens(Set.of(token)).fleet(fleet).meterRegistry(registry).build());
 * coordinator.start(vertx).onSuccess(port -> log("listening on " + port));
 *
 * // A cluster member (see ClusterMember):
 * ClusterMember member = ClusterMember.start(clusterOptions, new VertxOptions()).await();
 * Coordinator clustered = new Coordinator(CoordinatorOptions.builder().cluster(member)
 *     .agentTokens(Set.of(token)).fleet(fleet).meterRegistry(registry).build());
 * clustered.start(member.vertx());
 * }</pre>
 */
public final class Coordinator {
  private static final Logger LOG = Logger.getLogger(Coordinator.class.getName());

  /** The name of the worker pool that handlers hand blocking and heavy work to. */
  public static final String WORKER_POOL = "nines-coordinator";

  private static final int WORKER_POOL_SIZE = 4;

  /** How often the fleet supplier is asked whether the configuration changed. */
  public static final long CONFIG_POLL_MILLIS = 5_000;

  private final CoordinatorOptions options;
  private volatile HttpServer server;
  private volatile WorkerExecutor worker;
  private volatile boolean started;

  private final AlertingOptions alertingOptions;
  private volatile Alerting alerting;
  private volatile AgentAuth auth;
  private volatile Vertx vertxOf;

  private final MaintenanceRegistry maintenance;
  private final ConfigHistory configHistory;

  /** The configuration as loaded, with the ad hoc maintenance windows: what everything reads. */
  private final Supplier<Fleet> fleet;

  private volatile Router router;
  private volatile long configTimer = -1;
  private volatile Vertx vertx;

  public Coordinator(CoordinatorOptions options) {
    this(options, null);
  }

  /**
   * A coordinator that also raises incidents and delivers notifications.
   *
   * @param alertingOptions how it alerts; null for no alerting
   */
  public Coordinator(CoordinatorOptions options, AlertingOptions alertingOptions) {
    this.options = Checks.notNull(options, "options");
    this.alertingOptions = alertingOptions;
    this.maintenance = new MaintenanceRegistry(options.timeSource());
    this.configHistory = new ConfigHistory(options.fleet(), options.timeSource());
    this.fleet = maintenance.overlay(options.fleet());
  }

  /**
   * Binds the HTTP server.
   *
   * @param vertx where the server runs; in cluster mode, the member's own ({@link
   *     ClusterMember#vertx()})
   * @return a future of the bound port (the real one when {@link CoordinatorOptions#port()} is 0);
   *     failed when the port cannot be bound
   * @throws IllegalStateException when called twice
   * @throws IllegalArgumentException in cluster mode, when {@code vertx} is not the member's
   */
  public synchronized Future<Integer> start(Vertx vertx) {
    Checks.notNull(vertx, "vertx");
    ClusterMember cluster = options.cluster();
    Checks.checkArgument(
        cluster == null || cluster.vertx() == vertx,
        "vertx: not the cluster member's (expected: start(member.vertx()) in cluster mode)");
    if (started) {
      throw new IllegalStateException("start: already called (expected: once per coordinator)");
    }
    started = true;
    WorkerExecutor pool = vertx.createSharedWorkerExecutor(WORKER_POOL, WORKER_POOL_SIZE);
    AgentAuth agentAuth = new AgentAuth(options.agentTokens(), options.agentTokenFile());
    vertxOf = vertx;
    auth = agentAuth;
    worker = pool;
    Api api =
        new Api(
            vertx,
            pool,
            fleet,
            options.timeSource(),
            options.store(),
            agentAuth,
            options.meterRegistry(),
            options.bodyLimitBytes(),
            () -> server != null,
            cluster,
            options.demoShopUrl());
    Router router = api.router();
    FleetRoutes fleetRoutes =
        new FleetRoutes(
            options.fleet(),
            options.timeSource(),
            cluster == null
                ? new InMemoryAgentRegistry()
                : new HazelcastAgentRegistry(vertx, cluster.hazelcast()),
            agentAuth,
            options.configSources());
    fleetRoutes.mount(router);
    Access access = new Access(options.readTokens(), adminTokens(), options.meterRegistry());
    access.mount(router);
    new OpenApiRoutes().mount(router);
    new ConfigRoutes(pool, options.fleet(), options.timeSource(), configHistory).mount(router);
    new MaintenanceRoutes(options.fleet(), options.timeSource(), maintenance, access).mount(router);
    configHistory.observe();
    if (alertingOptions != null) {
      // In a cluster, alerting state and the outbox live in replicated maps, so the member that
      // takes over a crashed one's keys continues its escalations and delivers what it queued.
      Outbox outbox =
          cluster == null
              ? new InMemoryOutbox(100_000)
              : new HazelcastOutbox(vertx, cluster.hazelcast());
      AlertStore alertStore =
          cluster == null
              ? new InMemoryAlertStore(fleet)
              : new HazelcastAlertStore(vertx, cluster.hazelcast(), fleet, outbox);
      Alerting a =
          new Alerting(
              vertx,
              fleet,
              options.timeSource(),
              options.store(),
              alertStore,
              outbox,
              alertingOptions.sender(),
              serviceId -> cluster == null || ownsKey(cluster, serviceId),
              options.meterRegistry());
      a.watchFleet(fleetRoutes.view());
      new AlertingRoutes(a, alertingOptions.sender(), access).mount(router);
      alerting = a;
    }
    this.router = router;
    this.vertx = vertx;
    configTimer =
        vertx.setPeriodic(
            CONFIG_POLL_MILLIS,
            id ->
                pool.executeBlocking(
                    () -> {
                      configHistory.observe();
                      return null;
                    },
                    false));
    return agentAuth
        .start(vertx)
        .compose(
            v ->
                vertx
                    .createHttpServer(serverOptions())
                    .requestHandler(router)
                    .listen(options.port(), options.host()))
        .map(
            s -> {
              server = s;
              LOG.info("coordinator listening on " + options.host() + ":" + s.actualPort());
              if (alerting != null) {
                alerting.start(alertingOptions.periodMillis());
              }
              return s.actualPort();
            })
        .onFailure(e -> pool.close());
  }

  private HttpServerOptions serverOptions() {
    HttpServerOptions o = new HttpServerOptions();
    if (options.tlsCert() != null) {
      o.setSsl(true)
          .setKeyCertOptions(
              new PemKeyCertOptions()
                  .setCertPath(options.tlsCert().toString())
                  .setKeyPath(options.tlsKey().toString()));
    }
    return o;
  }

  /** Closes the server and the worker pool; a no-op when never started. */
  public synchronized Future<Void> stop() {
    if (configTimer >= 0) {
      vertx.cancelTimer(configTimer);
      configTimer = -1;
    }
    Alerting a = alerting;
    if (a != null) {
      a.stop();
    }
    AgentAuth agentAuth = auth;
    if (agentAuth != null && vertxOf != null) {
      agentAuth.stop(vertxOf);
    }
    HttpServer s = server;
    WorkerExecutor w = worker;
    server = null;
    worker = null;
    Future<Void> closed = s == null ? Future.succeededFuture() : s.close();
    return closed.eventually(() -> w == null ? Future.succeededFuture() : w.close());
  }

  /**
   * The admin tokens in force: {@link CoordinatorOptions#adminTokens()}, or while those are empty,
   * {@link AlertingOptions#adminTokens()} (kept for callers that set them there).
   */
  Set<String> adminTokens() {
    if (!options.adminTokens().isEmpty() || alertingOptions == null) {
      return options.adminTokens();
    }
    return alertingOptions.adminTokens();
  }

  /**
   * Every route this coordinator serves, for inspection (the API document's test compares them);
   * null before {@link #start}. Adding routes to it is not supported.
   */
  public Router router() {
    return router;
  }

  /** The bound port, or -1 when not listening. */
  public int port() {
    HttpServer s = server;
    return s == null ? -1 : s.actualPort();
  }

  /**
   * Whether the server is listening, a fleet is loaded and, in cluster mode, the member is still in
   * its cluster: what {@code /health/ready} says.
   */
  public boolean ready() {
    ClusterMember cluster = options.cluster();
    return server != null
        && options.fleet().get() != null
        && (cluster == null || cluster.running());
  }

  /**
   * Whether this member owns {@code key}'s partition: the one member that decides for it. During a
   * migration (no owner yet) nobody does, and the next period decides.
   */
  private static boolean ownsKey(ClusterMember cluster, String key) {
    var owner = cluster.hazelcast().getPartitionService().getPartition(key).getOwner();
    return owner != null && owner.localMember();
  }

  /** Alerting, when this coordinator alerts and has started; null otherwise. */
  public Alerting alerting() {
    return alerting;
  }

  /** The store results go to. */
  public ResultStore store() {
    return options.store();
  }

  public CoordinatorOptions options() {
    return options;
  }
}
