package io.nines.agent;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.agent.browser.BrowserOptions;
import io.nines.agent.browser.BrowserProbe;
import io.nines.agent.probe.CheckRunner;
import io.nines.agent.probe.HttpClients;
import io.nines.agent.probe.ProbeContext;
import io.nines.agent.ship.CoordinatorClient;
import io.nines.agent.ship.Shipper;
import io.nines.agent.ship.ShipperOptions;
import io.nines.agent.spool.ResultSpool;
import io.nines.agent.spool.SequenceFloor;
import io.nines.common.AgentInfo;
import io.nines.common.ProbeResult;
import io.nines.common.ProcessMeters;
import io.nines.common.TimeSource;
import io.nines.config.Check;
import io.nines.config.Fleet;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * An agent: runs the fleet's checks for its location on a schedule and ships the results to the
 * coordinator. Serves {@code /metrics} and {@code /health/live}, {@code /health/ready}.
 *
 * <p>Agent is the wiring of three parts. The endpoints, the heartbeats and the shipper run on one
 * Vert.x event-loop context, the agent's own. The checks are split among {@link
 * AgentOptions#probeLoops()} probe loops ({@link ProbeLoops}), each a scheduler on its own
 * event-loop context, so that probing uses every core. Results go from the probe loops to the
 * shipper through a queue. Nothing blocks an event loop. Give the agent a Vert.x made with {@link
 * #vertxOptions(int)} (its probe loops) to use the native transport and threads sized to the agent.
 *
 * <p>Configuration: the agent may start with a configuration (e.g. loaded from a local directory)
 * or with none. Every heartbeat answer names the agent's assignment and the hash of the
 * configuration the coordinator runs; {@link ConfigFollower} applies the assignment and, when the
 * hash differs from the agent's, fetches the coordinator's files, loads them off the event loop and
 * swaps them in without a restart: new and changed checks are scheduled, removed ones stop,
 * unchanged ones keep their slots. Heartbeats come every {@link #HEARTBEAT_MILLIS} ms, so a change
 * reaches the agent within about that plus one fetch. Assignments only move forward: the agent
 * never goes back to an older assignment or configuration.
 */
public final class Agent {
  private static final Logger LOG = Logger.getLogger(Agent.class.getName());

  /** The check type that needs a Chromium on the agent's host ({@link BrowserProbe}). */
  private static final String BROWSER_TYPE = "browser";

  /** How often the agent tells the coordinator it is alive and learns its assignment. */
  public static final long HEARTBEAT_MILLIS = 2000;

  private final Vertx vertx;
  private final AgentOptions options;
  // Looked up once, off the event loop: resolving the local name may block.
  private final String host = hostName();
  // Null until a configuration is loaded; replaced on the agent's context, read by probe loops.
  private volatile Fleet fleet;
  private final TimeSource time;
  private final PrometheusMeterRegistry registry;
  private final Map<String, String> env;
  private final Map<String, String> varOverrides;
  private AgentVerticle verticle;
  private String deploymentId;
  private ProcessMeters processMeters;

  /**
   * @param fleet the configuration to start with; the agent runs the checks that list its location.
   *     Null to start with none and wait for the coordinator's
   * @param registry created once by the caller; the agent registers its meters on it, and the JVM's
   *     and the process's own ({@code jvm_*}, {@code process_*}) when it starts
   * @param env where {@code ${env:NAME}} secrets are read from
   */
  public Agent(
      Vertx vertx,
      AgentOptions options,
      Fleet fleet,
      TimeSource time,
      PrometheusMeterRegistry registry,
      Map<String, String> env) {
    this(vertx, options, fleet, time, registry, env, Map.of());
  }

  /**
   * As {@link #Agent(Vertx, AgentOptions, Fleet, TimeSource, PrometheusMeterRegistry, Map)}, with
   * {@code varOverrides} replacing values of {@code vars:} in every configuration it loads from the
   * coordinator, as {@link FleetLoader}'s do (e.g. the real port of {@code nines up}'s demo shop).
   */
  public Agent(
      Vertx vertx,
      AgentOptions options,
      Fleet fleet,
      TimeSource time,
      PrometheusMeterRegistry registry,
      Map<String, String> env,
      Map<String, String> varOverrides) {
    this.vertx = vertx;
    this.options = options;
    this.fleet = fleet;
    this.time = time;
    this.registry = registry;
    this.env = Map.copyOf(env);
    this.varOverrides = Map.copyOf(varOverrides);
  }

  /** Starts the agent; completes with the port of its HTTP endpoints. */
  public Future<Integer> start() {
    processMeters = ProcessMeters.bindTo(registry);
    verticle = new AgentVerticle();
    return vertx
        .deployVerticle(verticle)
        .map(
            id -> {
              deploymentId = id;
              return verticle.server.actualPort();
            });
  }

  /** Stops probing and shipping; completes when everything is closed. */
  public Future<Void> stop() {
    if (processMeters != null) {
      processMeters.close();
      processMeters = null;
    }
    if (deploymentId == null) {
      return Future.succeededFuture();
    }
    return vertx.undeploy(deploymentId);
  }

  /**
   * The checks of the configuration this agent runs that list its location (the assignment may run
   * fewer); empty while it has no configuration. Thread-safe.
   */
  public List<Check> checks() {
    Fleet f = fleet;
    if (f == null) {
      return List.of();
    }
    return f.checks().stream().filter(c -> c.locations().contains(options.location())).toList();
  }

  /** The configuration this agent runs, or null while it has none. Thread-safe. */
  public Fleet fleet() {
    return fleet;
  }

  private Map<String, String> vars() {
    Fleet f = fleet;
    return f == null ? Map.of() : f.vars();
  }

  /** This machine's name, or {@code unknown}. */
  static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  /**
   * How many worker threads the agent's blocking work may use at once: reading secret files,
   * building TLS trust material, loading a configuration, starting and reaping Chromium. All of it
   * is short; Vert.x's default (20) is sized for servers that block on databases.
   */
  public static final int WORKER_THREADS = 4;

  /** How many threads Vert.x's own blocking work (file system calls) may use; its default is 20. */
  public static final int INTERNAL_BLOCKING_THREADS = 2;

  /**
   * {@link #vertxOptions(int)} for the default number of probe loops, one per core ({@link
   * AgentOptions#defaults}).
   */
  public static VertxOptions vertxOptions() {
    return vertxOptions(Runtime.getRuntime().availableProcessors());
  }

  /**
   * Vert.x options that suit an agent with {@code probeLoops} probe loops ({@link
   * AgentOptions#probeLoops()}): Netty's native transport (epoll) where the platform has it (Vert.x
   * falls back to NIO elsewhere; the agent logs which one runs), and threads sized to what the
   * agent runs rather than to a server: one event loop per probe loop plus one for the agent's own
   * context (shipper, heartbeats, endpoints), instead of Vert.x's two per core, which an agent
   * never keeps busy; {@value #WORKER_THREADS} worker threads and {@value
   * #INTERNAL_BLOCKING_THREADS} internal blocking threads instead of 20 each. Contexts take event
   * loops in turn, so the agent's context and its probe loops, deployed one after the other, each
   * get their own.
   */
  public static VertxOptions vertxOptions(int probeLoops) {
    if (probeLoops < 1) {
      throw new IllegalArgumentException(
          "probeLoops: " + probeLoops + " (expected: at least 1, one per core is best)");
    }
    return new VertxOptions()
        .setPreferNativeTransport(true)
        .setEventLoopPoolSize(probeLoops + 1)
        .setWorkerPoolSize(WORKER_THREADS)
        .setInternalBlockingPoolSize(INTERNAL_BLOCKING_THREADS);
  }

  /**
   * The options of the server of {@code /metrics} and {@code /health}: HTTP/1.1 only, which is what
   * Prometheus and health probes speak over plain HTTP. Vert.x's defaults also accept an upgrade to
   * HTTP/2 (h2c) and compressed WebSockets, and set up both on every connection, which loaded some
   * 20 classes (the zlib codecs' among them) at the first scrape, for good.
   */
  static HttpServerOptions endpointsServerOptions() {
    return new HttpServerOptions()
        .setHttp2ClearTextEnabled(false)
        .setPerFrameWebSocketCompressionSupported(false)
        .setPerMessageWebSocketCompressionSupported(false);
  }

  /** The transport the agent's sockets use: {@code epoll} (native) or {@code NIO}. */
  public static String transportOf(Vertx vertx) {
    return vertx.isNativeTransportEnabled() ? "native (epoll)" : "NIO";
  }

  /**
   * Serves the endpoints, sends the heartbeats and ships the results; the probe loops are its
   * children. Its state is confined to its own context.
   */
  private final class AgentVerticle extends VerticleBase implements ConfigFollower.Target {
    private HttpClients clients;
    private Shipper shipper;
    private HttpServer server;
    private MetricsEndpoint metrics;
    private final ConcurrentLinkedQueue<ProbeResult> handOff = new ConcurrentLinkedQueue<>();
    private ProbeLoops probeLoops;
    private ConfigFollower follower;
    private CoordinatorClient client;
    private long heartbeatTimer = -1;
    // The sequence floor recorded in the spool directory (SequenceFloor), and whether a write of
    // a higher one is under way.
    private long sequenceFloor;
    private boolean extendingFloor;
    private boolean floorWarned;
    private volatile CheckRunner runner;
    private BrowserProbe browser;
    // Whether the search for a Chromium has begun: once, when a browser check first lists this
    // location.
    private boolean browserSought;
    private boolean stopped;
    // The search for a Chromium while it runs; stop waits for it, so no browser outlives Vert.x.
    private Future<Void> detecting = Future.succeededFuture();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();

    @Override
    public Future<?> start() {
      // Every result goes to the disk spool before it is shipped; the spool is opened first.
      // Then the first sequence of this run, above every sequence of the runs before, whatever
      // the clock did meanwhile (SequenceFloor).
      return ResultSpool.open(vertx, options.spool(), time, registry)
          .compose(
              spool ->
                  vertx
                      .executeBlocking(
                          () ->
                              SequenceFloor.reserve(
                                  options.spool().dir(), time.wallMillis() * 1000))
                      .compose(first -> startWith(spool, first))
                      .onFailure(e -> spool.close()));
    }

    private Future<?> startWith(ResultSpool spool, long firstSequence) {
      sequenceFloor = firstSequence + SequenceFloor.RESERVED;
      clients = new HttpClients(vertx, options.maxInFlight());
      runner =
          new CheckRunner(
              probeContext(),
              CheckRunner.defaultProbes(),
              options.agentId(),
              options.location(),
              firstSequence,
              registry);
      client =
          new CoordinatorClient(
              vertx, options.coordinators(), options.token(), 10_000, options.coordinatorCaFile());
      shipper =
          new Shipper(
              vertx,
              options.agentId(),
              client,
              spool,
              ShipperOptions.defaults(
                  options.batchSize(), options.maxBuffered(), options.flushMillis()),
              registry);
      List<Check> mine = runnableChecks();
      follower =
          new ConfigFollower(vertx, options, time, env, varOverrides, client, registry, this, mine);
      Context shipperContext = context;
      probeLoops =
          new ProbeLoops(
              vertx,
              time,
              registry,
              options.probeLoops(),
              options.maxInFlight(),
              options.maxPerHost(),
              () -> runner,
              Agent.this::vars,
              result -> offer(shipperContext, result));
      // Rendered on a worker, one scrape at a time: with many checks it takes seconds.
      metrics = new MetricsEndpoint(vertx, registry::scrape, MetricsEndpoint.DEFAULT_TIMEOUT);
      Endpoints endpoints =
          new Endpoints(
              metrics,
              () ->
                  new JsonObject()
                      .put("status", "UP")
                      .put("agent", options.agentId())
                      .put("location", options.location())
                      .put("checks", probeLoops.checkCount())
                      .put("buffered", shipper.buffered()));
      return vertx
          .createHttpServer(endpointsServerOptions())
          .requestHandler(endpoints)
          .listen(options.httpPort(), options.httpHost())
          .compose(
              s -> {
                server = s;
                return probeLoops.deploy(mine);
              })
          .onSuccess(
              v -> {
                heartbeat();
                heartbeatTimer = vertx.setPeriodic(HEARTBEAT_MILLIS, t -> heartbeat());
                detectBrowserWhenNeeded();
              })
          .onSuccess(
              v ->
                  LOG.info(
                      "agent "
                          + options.agentId()
                          + " in "
                          + options.location()
                          + " runs "
                          + mine.size()
                          + " checks"
                          + (fleet == null
                              ? " (no configuration yet: waiting for the coordinator's)"
                              : " of configuration " + fleet.version().shortHash())
                          + " on "
                          + probeLoops.count()
                          + " probe loops over the "
                          + transportOf(vertx)
                          + " transport; metrics on port "
                          + server.actualPort()));
    }

    /**
     * Starts {@link #detectBrowser()} the first time the configuration in force has a browser check
     * for this agent's location, and never before: an agent that runs no browser check starts no
     * Chromium (a trial costs a few seconds of CPU and 150-300 MiB for a moment) and loads none of
     * the browser's classes (some 150 with the CDP client's WebSocket: ~1 MiB of resident memory
     * for good). Called at start and whenever a configuration is installed.
     */
    private void detectBrowserWhenNeeded() {
      if (browserSought || stopped) {
        return;
      }
      for (Check c : checks()) {
        if (c.type().equals(BROWSER_TYPE)) {
          browserSought = true;
          detectBrowser();
          return;
        }
      }
    }

    /**
     * Looks for a Chromium that starts on this host, in the background (the agent runs its other
     * checks meanwhile): when one does, the agent runs browser checks and advertises {@code
     * browser} in its heartbeats, so that the coordinator assigns them to it. {@code
     * NINES_CHROMIUM} names the executable ({@code off} to run no browser), {@code
     * NINES_BROWSER_POOL} how many browser runs at once (default 2).
     */
    private void detectBrowser() {
      BrowserOptions browserOptions;
      try {
        browserOptions = BrowserOptions.fromEnv(env);
      } catch (IllegalArgumentException e) {
        LOG.warning("browser checks are off: " + e.getMessage());
        return;
      }
      if (!browserOptions.enabled()) {
        LOG.info("browser checks are off (NINES_CHROMIUM=off)");
        return;
      }
      if (browserOptions.chromium() == null && !env.containsKey("PATH")) {
        // An agent embedded with no environment (as tests embed it) looks for no browser.
        LOG.fine("browser checks are off: no PATH to look for Chromium on, no NINES_CHROMIUM");
        return;
      }
      StringBuilder whyNot = new StringBuilder();
      detecting =
          BrowserProbe.detect(
                  vertx, time, browserOptions.chromium(), env, browserOptions.pool(), whyNot)
              .onSuccess(
                  found -> {
                    if (found.isEmpty()) {
                      LOG.info("browser checks are off: " + whyNot);
                      return;
                    }
                    if (stopped) {
                      found.get().close(vertx);
                      return;
                    }
                    browser = found.get();
                    runner = runner.withProbe(BROWSER_TYPE, browser);
                    LOG.info(
                        "browser checks run in "
                            + browser.executable()
                            + ", at most "
                            + browser.maxConcurrent()
                            + " at once");
                    follower.refresh();
                    heartbeat();
                  })
              .mapEmpty();
    }

    /** Moves the recorded sequence floor up, on a worker, once the sequence nears it. */
    private void keepSequenceFloorAhead() {
      long last = runner.lastSequence();
      if (extendingFloor || last < sequenceFloor - SequenceFloor.RESERVED / 2) {
        return;
      }
      extendingFloor = true;
      long floor = sequenceFloor;
      vertx
          .executeBlocking(() -> SequenceFloor.extend(options.spool().dir(), floor, last))
          .onComplete(
              r -> {
                extendingFloor = false;
                if (r.succeeded()) {
                  sequenceFloor = r.result();
                  floorWarned = false;
                } else if (!floorWarned) {
                  floorWarned = true;
                  LOG.warning(
                      "could not record the result sequence floor in "
                          + options.spool().dir()
                          + " (tried again every "
                          + HEARTBEAT_MILLIS
                          + " ms, said once): "
                          + r.cause().getMessage());
                }
              });
    }

    /**
     * Tells the coordinator this agent is alive, and takes the assignment it answers with: the
     * checks this agent runs from then on. Until the first answer, and while no coordinator
     * answers, the agent runs what it ran before (at start, every check of its location). An
     * assignment older than the one applied is ignored.
     */
    private void heartbeat() {
      keepSequenceFloorAhead();
      int inFlight = 0;
      JsonObject beat =
          new AgentInfo(
                  options.agentId(),
                  options.location(),
                  host,
                  io.nines.common.Version.current(),
                  options.maxInFlight(),
                  browser == null ? Set.of() : Set.of(AgentInfo.BROWSER))
              .toJson()
              .put("inFlight", inFlight)
              .put("buffered", shipper.buffered());
      client
          .heartbeat(beat)
          .onSuccess(follower::onAnswer)
          .onFailure(
              e -> {
                if (!(e instanceof io.nines.agent.ship.CoordinatorException ce)
                    || ce.statusCode() != 404) {
                  LOG.fine("heartbeat failed: " + e.getMessage());
                }
              });
    }

    private ProbeContext probeContext() {
      return new ProbeContext(vertx, time, clients, vars(), ref -> ref.resolve(env));
    }

    /** The checks of the current configuration for this location that this agent can run. */
    private List<Check> runnableChecks() {
      List<Check> mine = new ArrayList<>();
      for (Check c : checks()) {
        if (runner.supports(c.type())) {
          mine.add(c);
        } else {
          LOG.warning(
              "check "
                  + c.id()
                  + ": "
                  + c.type()
                  + (c.type().equals(BROWSER_TYPE)
                      ? " checks need a Chromium on this host, and none is usable (yet)"
                      : " checks are not supported yet"));
        }
      }
      return mine;
    }

    @Override
    public Fleet fleet() {
      return fleet;
    }

    @Override
    public List<Check> install(Fleet next) {
      fleet = next;
      runner = runner.withContext(probeContext());
      List<Check> runnable = runnableChecks();
      if (server != null) {
        // Started: a configuration that brings the first browser check starts the search.
        detectBrowserWhenNeeded();
      }
      return runnable;
    }

    @Override
    public void run(List<Check> checks) {
      probeLoops.distribute(checks);
    }

    /**
     * Hands a result from a probe loop to the shipper's context. Results queue up, and one task at
     * a time drains them, so a busy second does not cost one cross-thread wake-up per result.
     */
    private void offer(Context shipperContext, ProbeResult result) {
      handOff.add(result);
      if (drainScheduled.compareAndSet(false, true)) {
        shipperContext.runOnContext(
            v -> {
              drainScheduled.set(false);
              for (ProbeResult r; (r = handOff.poll()) != null; ) {
                shipper.offer(r);
              }
            });
      }
    }

    @Override
    public Future<?> stop() {
      stopped = true;
      if (heartbeatTimer >= 0) {
        vertx.cancelTimer(heartbeatTimer);
      }
      // Every Chromium still running is reaped (runs in flight end with the browser's failure).
      Future<Void> browsers =
          detecting
              .otherwiseEmpty()
              .compose(v -> browser == null ? Future.succeededFuture() : browser.close(vertx));
      // The probe loops, deployed by start(), were undeployed before this runs.
      for (ProbeResult r; (r = handOff.poll()) != null; ) {
        shipper.offer(r);
      }
      shipper.flush();
      if (metrics != null) {
        metrics.close();
      }
      return Future.join(
          browsers,
          server == null ? Future.succeededFuture() : server.close(),
          shipper.stop(),
          clients.closeAsync());
    }
  }
}
