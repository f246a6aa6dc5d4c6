package io.nines.coordinator;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryLoadedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.micrometer.core.instrument.FunctionCounter;
import io.nines.common.Checks;
import io.nines.common.ProcessMeters;
import io.nines.config.Fleet;
import io.nines.coordinator.alerting.Alerting;
import io.nines.coordinator.api.Access;
import io.nines.coordinator.api.AlertingRoutes;
import io.nines.coordinator.api.Api;
import io.nines.coordinator.api.AuthFailures;
import io.nines.coordinator.api.ConfigRoutes;
import io.nines.coordinator.api.FleetRoutes;
import io.nines.coordinator.api.HeartbeatRoutes;
import io.nines.coordinator.api.HttpErrors;
import io.nines.coordinator.api.MaintenanceRoutes;
import io.nines.coordinator.api.OpenApiRoutes;
import io.nines.coordinator.api.RouteGroup;
import io.nines.coordinator.api.ScreenshotRoutes;
import io.nines.coordinator.cluster.ClusterMember;
import io.nines.coordinator.confighistory.ConfigHistory;
import io.nines.coordinator.demo.DemoShopProxy;
import io.nines.coordinator.fleet.AgentAuth;
import io.nines.coordinator.fleet.AgentLiveness;
import io.nines.coordinator.heartbeat.Heartbeats;
import io.nines.coordinator.maintenance.MaintenanceRegistry;
import io.nines.coordinator.screenshots.DocumentsScreenshotStore;
import io.nines.coordinator.screenshots.InMemoryScreenshotStore;
import io.nines.coordinator.screenshots.ScreenshotStore;
import io.nines.coordinator.screenshots.Screenshots;
import io.nines.store.Backend;
import io.nines.store.ClusterBackend;
import io.nines.store.JdbcBackend;
import io.nines.store.agents.AgentRegistry;
import io.nines.store.documents.Documents;
import io.nines.store.jdbc.Database;
import io.nines.store.results.ResultStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
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
 * <p><b>Storage.</b> Every store comes from one {@link Backend} ({@link
 * CoordinatorOptions#backend()}), chosen once from the options: in memory, or durable for a single
 * process with a {@link io.nines.store.results.JdbcResultStore} (alerting state, the outbox, ad hoc
 * maintenance windows and configuration history are then written through to the same {@link
 * Database}, JDBC on the worker pools {@value JdbcBackend#ALERTING_WRITER_POOL} and {@value
 * #WORKER_POOL}, and read back by {@link #start}); in a cluster they live in the cluster's maps,
 * written behind to the member's database ({@link ClusterMember#database()}) when it has one. See
 * docs/storage.md.
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
  private volatile Heartbeats heartbeats;
  private volatile AgentAuth auth;
  private volatile Vertx vertxOf;

  private final MaintenanceRegistry maintenance;
  private final ConfigHistory configHistory;
  private final Screenshots screenshots;

  /** The configuration as loaded, with the ad hoc maintenance windows: what everything reads. */
  private final Supplier<Fleet> fleet;

  /** Where everything is kept. */
  private final Backend backend;

  /** The registration of the cluster's maintenance listener; null when none. */
  private volatile UUID maintenanceListener;

  private volatile Router router;
  private volatile long configTimer = -1;
  private volatile ProcessMeters processMeters;
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
    this.backend = options.backend();
    // The cluster's map (shared, and durable when the member has a database), the single
    // process's database, or nowhere (memory).
    this.maintenance =
        new MaintenanceRegistry(options.timeSource(), backend.documents(MaintenanceRegistry.KIND));
    this.configHistory =
        new ConfigHistory(
            options.fleet(), options.timeSource(), backend.documents(ConfigHistory.KIND));
    this.fleet = maintenance.overlay(options.fleet());
    this.screenshots = new Screenshots(screenshotStore(), options.timeSource());
  }

  /**
   * Where failure screenshots are kept: as the backend's documents of kind {@link
   * DocumentsScreenshotStore#KIND} (the cluster's map, or the single process's database), bounded
   * by {@code retention.raw} and {@link Screenshots#DEFAULT_CAPACITY_BYTES}; in memory when the
   * backend keeps no documents.
   */
  private ScreenshotStore screenshotStore() {
    Supplier<Duration> raw =
        () -> {
          Fleet f = options.fleet().get();
          return f == null ? null : f.settings().retentionRaw();
        };
    Documents kept = backend.documents(DocumentsScreenshotStore.KIND);
    return kept == null
        ? new InMemoryScreenshotStore(Screenshots.DEFAULT_CAPACITY_BYTES, raw)
        : new DocumentsScreenshotStore(kept, Screenshots.DEFAULT_CAPACITY_BYTES, raw);
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
    processMeters = ProcessMeters.bindTo(options.meterRegistry());
    WorkerExecutor pool = vertx.createSharedWorkerExecutor(WORKER_POOL, WORKER_POOL_SIZE);
    AgentAuth agentAuth = new AgentAuth(options.agentTokens(), options.agentTokenFile());
    vertxOf = vertx;
    auth = agentAuth;
    AuthFailures authFailures = new AuthFailures(options.meterRegistry());
    if (backend instanceof ClusterBackend clustered) {
      FunctionCounter.builder(
              "nines.cluster.call.timeouts", clustered, ClusterBackend::callTimeouts)
          .description(
              "Calls to the cluster's maps (configuration history, maintenance windows, heartbeat"
                  + " runs, screenshots, alerting state, outbox) that gave up waiting for the"
                  + " cluster")
          .register(options.meterRegistry());
    }
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
            authFailures,
            configHistory::lives);
    api.screenshots(screenshots);
    List<RouteGroup> routes = new ArrayList<>();
    if (options.demoShopUrl() != null) {
      // Only `nines up` sets a demo shop; without one the demo relay's paths are unknown paths.
      routes.add(new DemoShopProxy(vertx, options.demoShopUrl()));
    }
    List<Future<Void>> loads = new ArrayList<>();
    // The stores are there at once; the future says when what is durable has been read back.
    loads.add(backend.start(vertx, fleet));
    AgentRegistry agents = backend.agents();
    AgentLiveness liveness = new AgentLiveness(options.fleet(), agents);
    FleetRoutes fleetRoutes =
        new FleetRoutes(
            options.fleet(),
            options.timeSource(),
            agents,
            agentAuth,
            options.configSources(),
            authFailures);
    routes.add(fleetRoutes);
    Access access = new Access(options.readTokens(), adminTokens(), authFailures);
    routes.add(access);
    Heartbeats beats =
        new Heartbeats(
            vertx,
            fleet,
            options.timeSource(),
            options.store(),
            backend.documents(Heartbeats.RUNS_KIND),
            configHistory::lives,
            checkId -> cluster == null || cluster.ownsKey(checkId));
    heartbeats = beats;
    routes.add(
        new HeartbeatRoutes(fleet, agentAuth, authFailures, beats, options.bodyLimitBytes()));
    routes.add(new OpenApiRoutes());
    routes.add(new ScreenshotRoutes(pool, screenshots.store(), options.timeSource()));
    routes.add(new ConfigRoutes(pool, options.fleet(), options.timeSource(), configHistory));
    routes.add(
        new MaintenanceRoutes(pool, options.fleet(), options.timeSource(), maintenance, access));
    loads.add(
        pool.executeBlocking(
            () -> {
              if (cluster != null) {
                IMap<String, String> windows =
                    cluster.hazelcast().getMap(ClusterMember.MAINTENANCE_MAP);
                maintenanceListener =
                    windows.addEntryListener(new MaintenanceListener(maintenance), true);
              }
              maintenance.load();
              configHistory.load();
              configHistory.observe();
              return null;
            },
            false));
    if (alertingOptions != null) {
      // In a cluster, alerting state and the outbox live in replicated maps, so the member that
      // takes over a crashed one's keys continues its escalations and delivers what it queued.
      // A single process with a database writes them through to it.
      Alerting a =
          new Alerting(
              vertx,
              fleet,
              options.timeSource(),
              options.store(),
              backend.alertStore(),
              backend.outbox(),
              alertingOptions.sender(),
              serviceId -> cluster == null || cluster.ownsKey(serviceId),
              options.meterRegistry(),
              configHistory::lives);
      a.watchFleet(liveness);
      routes.add(new AlertingRoutes(a, alertingOptions.sender(), access));
      alerting = a;
    }
    this.router = api.router(routes);
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
    return Future.all(loads)
        .compose(v -> agentAuth.start(vertx))
        .compose(
            v ->
                HttpErrors.install(vertx.createHttpServer(serverOptions()), router)
                    .listen(options.port(), options.host()))
        .map(
            s -> {
              server = s;
              LOG.info("coordinator listening on " + options.host() + ":" + s.actualPort());
              LOG.info(
                  access.readsGuarded()
                      ? "reads of the API and /metrics need a read or admin token ("
                          + options.readTokens().size()
                          + " read tokens); the status page and /health stay public"
                      : "reads of the API and /metrics are public: anyone who reaches "
                          + options.host()
                          + ":"
                          + s.actualPort()
                          + " may read them (no read tokens were given)");
              LOG.info(
                  access.writesGuarded()
                      ? "changes (acknowledging incidents, maintenance windows) need an admin token"
                      : "changes (acknowledging incidents, maintenance windows) are open to anyone"
                          + " who reaches the port (no admin tokens were given)");
              if (alerting != null) {
                alerting.start(alertingOptions.periodMillis());
              }
              beats.start(Heartbeats.PERIOD_MILLIS);
              return s.actualPort();
            })
        .onFailure(
            e -> {
              pool.close();
              backend.close();
            });
  }

  /** Applies the cluster's changes of ad hoc maintenance windows to this member's view. */
  private record MaintenanceListener(MaintenanceRegistry registry)
      implements EntryAddedListener<String, String>,
          EntryUpdatedListener<String, String>,
          EntryRemovedListener<String, String>,
          EntryLoadedListener<String, String> {
    @Override
    public void entryAdded(EntryEvent<String, String> event) {
      registry.applied(event.getKey(), event.getValue());
    }

    @Override
    public void entryUpdated(EntryEvent<String, String> event) {
      registry.applied(event.getKey(), event.getValue());
    }

    @Override
    public void entryRemoved(EntryEvent<String, String> event) {
      registry.applied(event.getKey(), null);
    }

    @Override
    public void entryLoaded(EntryEvent<String, String> event) {
      registry.applied(event.getKey(), event.getValue());
    }
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
    Heartbeats beats = heartbeats;
    if (beats != null) {
      beats.stop();
    }
    ProcessMeters meters = processMeters;
    processMeters = null;
    if (meters != null) {
      meters.close();
    }
    UUID listener = maintenanceListener;
    ClusterMember cluster = options.cluster();
    maintenanceListener = null;
    Future<Void> unlistened =
        listener == null || cluster == null || !cluster.running()
            ? Future.succeededFuture()
            // Hazelcast's call blocks: on a worker, never on the caller's (maybe event-loop)
            // thread.
            : cluster
                .vertx()
                .<Void>executeBlocking(
                    () -> {
                      cluster
                          .hazelcast()
                          .<String, String>getMap(ClusterMember.MAINTENANCE_MAP)
                          .removeEntryListener(listener);
                      return null;
                    },
                    false)
                .recover(e -> Future.succeededFuture());
    AgentAuth agentAuth = auth;
    if (agentAuth != null && vertxOf != null) {
      agentAuth.stop(vertxOf);
    }
    HttpServer s = server;
    WorkerExecutor w = worker;
    server = null;
    worker = null;
    Future<Void> closed = s == null ? Future.succeededFuture() : s.close();
    return closed
        .eventually(() -> unlistened)
        .eventually(() -> w == null ? Future.succeededFuture() : w.close())
        .eventually(backend::close);
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
  /** Alerting, when this coordinator alerts and has started; null otherwise. */
  public Alerting alerting() {
    return alerting;
  }

  /** Heartbeat checks' pings and deadlines, once started; null before. */
  public Heartbeats heartbeats() {
    return heartbeats;
  }

  /** The store results go to. */
  public ResultStore store() {
    return options.store();
  }

  public CoordinatorOptions options() {
    return options;
  }
}
