package io.nines.coordinator;

import io.nines.common.Checks;
import io.nines.coordinator.cluster.ClusterMember;
import io.nines.coordinator.internal.Api;
import io.nines.coordinator.store.ResultStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import java.util.logging.Logger;

/**
 * One coordinator: the HTTP API that agents post results to and that people and the CLI read
 * availability from. It runs in a single process with an in-memory store, or as one member of a
 * cluster ({@link CoordinatorOptions#cluster()}), where every member serves the same data.
 *
 * <p>Lifecycle: {@link #start(Vertx)} once, then {@link #stop()} once. Both may be called from any
 * thread; their futures complete on a Vert.x context. Request handlers never block the event loop:
 * store access and timeline arithmetic run on a named worker pool ({@value #WORKER_POOL}).
 *
 * <pre>{@code
 * PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * Coordinator coordinator = new Coordinator(CoordinatorOptions.builder()
 *     .port(0).agentTokens(Set.of(token)).fleet(fleet).meterRegistry(registry).build());
 * coordinator.start(vertx).onSuccess(port -> log("listening on " + port));
 * }</pre>
 */
public final class Coordinator {
  private static final Logger LOG = Logger.getLogger(Coordinator.class.getName());

  /** The name of the worker pool that handlers hand blocking and heavy work to. */
  public static final String WORKER_POOL = "nines-coordinator";

  private static final int WORKER_POOL_SIZE = 4;

  private final CoordinatorOptions options;
  private volatile HttpServer server;
  private volatile WorkerExecutor worker;
  private volatile boolean started;

  public Coordinator(CoordinatorOptions options) {
    this.options = Checks.notNull(options, "options");
  }

  /**
   * Binds the HTTP server.
   *
   * @return a future of the bound port (the real one when {@link CoordinatorOptions#port()} is 0);
   *     failed when the port cannot be bound
   * @throws IllegalStateException when called twice
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
    worker = pool;
    Api api =
        new Api(
            vertx,
            pool,
            options.fleet(),
            options.timeSource(),
            options.store(),
            options.agentTokens(),
            options.meterRegistry(),
            options.bodyLimitBytes(),
            () -> server != null,
            cluster,
            options.demoShopUrl());
    return vertx
        .createHttpServer()
        .requestHandler(api.router())
        .listen(options.port(), options.host())
        .map(
            s -> {
              server = s;
              LOG.info("coordinator listening on " + options.host() + ":" + s.actualPort());
              return s.actualPort();
            })
        .onFailure(e -> pool.close());
  }

  /** Closes the server and the worker pool; a no-op when never started. */
  public synchronized Future<Void> stop() {
    HttpServer s = server;
    WorkerExecutor w = worker;
    server = null;
    worker = null;
    Future<Void> closed = s == null ? Future.succeededFuture() : s.close();
    return closed.eventually(() -> w == null ? Future.succeededFuture() : w.close());
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

  /** The store results go to. */
  public ResultStore store() {
    return options.store();
  }

  public CoordinatorOptions options() {
    return options;
  }
}
