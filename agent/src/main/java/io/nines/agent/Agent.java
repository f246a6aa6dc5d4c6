package io.nines.agent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.agent.probe.CheckRunner;
import io.nines.agent.probe.HttpClients;
import io.nines.agent.probe.ProbeContext;
import io.nines.agent.schedule.Scheduler;
import io.nines.agent.ship.CoordinatorClient;
import io.nines.agent.ship.Shipper;
import io.nines.agent.ship.ShipperOptions;
import io.nines.agent.spool.ResultSpool;
import io.nines.common.AgentInfo;
import io.nines.common.ProbeResult;
import io.nines.common.ProcessMeters;
import io.nines.common.TimeSource;
import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.nines.config.ConfigException;
import io.nines.config.ConfigSources;
import io.nines.config.Fleet;
import io.nines.config.FleetLoader;
import io.nines.config.Problem;
import io.nines.config.Template;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * An agent: runs the fleet's checks for its location on a schedule and ships the results to the
 * coordinator. Serves {@code /metrics} and {@code /health/live}, {@code /health/ready}.
 *
 * <p>Threads: the endpoints and the shipper run on one Vert.x event-loop context; the checks are
 * split among {@link AgentOptions#probeLoops()} probe loops, each a scheduler on its own event-loop
 * context, so that probing uses every core. Results go from the probe loops to the shipper through
 * a queue. Nothing blocks an event loop. Give the agent a Vert.x made with {@link #vertxOptions()}
 * to use the native transport.
 *
 * <p>Configuration: the agent may start with a configuration (e.g. loaded from a local directory)
 * or with none. Every heartbeat answer names the hash of the configuration the coordinator runs;
 * when it differs from the agent's, the agent fetches the coordinator's files ({@code GET
 * /api/v1/agents/config}), loads them off the event loop (secrets are resolved on this host, from
 * {@code env} and its files), and swaps them in without a restart: new and changed checks are
 * scheduled, removed ones stop, unchanged ones keep their slots. Files that do not load here are
 * logged with their problems and counted ({@code nines.agent.config} with {@code
 * outcome=rejected}); the agent keeps the configuration it runs and does not fetch the same files
 * again. Heartbeats come every {@link #HEARTBEAT_MILLIS} ms, so a change reaches the agent within
 * about that plus one fetch.
 *
 * <p>Assignments only move forward: an answer whose version is below the newest one seen is ignored
 * whole, its configuration hash included, so the agent never goes back to an older assignment or
 * configuration.
 */
public final class Agent {
  private static final Logger LOG = Logger.getLogger(Agent.class.getName());

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

  /** The target host of a check, for the per-host concurrency bound. */
  static String hostOf(Check check, Map<String, String> vars) {
    Template url = null;
    if (check.spec() instanceof CheckSpec.Http http) {
      url = http.request().url();
    } else if (check.spec() instanceof CheckSpec.Journey journey && !journey.steps().isEmpty()) {
      url = journey.steps().get(0).url();
    } else if (check.spec() instanceof CheckSpec.Tcp tcp) {
      return tcp.host();
    } else if (check.spec() instanceof CheckSpec.Tls tls) {
      return tls.host();
    } else if (check.spec() instanceof CheckSpec.Dns dns) {
      return dns.server() == null ? "system-resolver" : dns.server();
    }
    if (url == null) {
      return "";
    }
    try {
      String rendered = url.render(vars::get, ref -> "");
      String host = URI.create(rendered).getHost();
      return host == null ? "" : host;
    } catch (RuntimeException e) {
      return "";
    }
  }

  /** The share of {@code total} of one of {@code parts} loops, rounded up. */
  private static int share(int total, int parts) {
    return (total + parts - 1) / parts;
  }

  /** Which probe loop runs a check: a hash of its id, so that it stays put across restarts. */
  static int loopOf(String checkId, int loops) {
    return Math.floorMod(checkId.hashCode(), loops);
  }

  /**
   * Vert.x options that suit an agent: Netty's native transport (epoll) where the platform has it.
   * Vert.x falls back to NIO elsewhere; the agent logs which one runs.
   */
  public static VertxOptions vertxOptions() {
    return new VertxOptions().setPreferNativeTransport(true);
  }

  /** The transport the agent's sockets use: {@code epoll} (native) or {@code NIO}. */
  public static String transportOf(Vertx vertx) {
    return vertx.isNativeTransportEnabled() ? "native (epoll)" : "NIO";
  }

  /** Serves the endpoints and ships the results; the probe loops are its children. */
  private final class AgentVerticle extends VerticleBase {
    private HttpClients clients;
    private Shipper shipper;
    private HttpServer server;
    private int checkCount;
    private final ConcurrentLinkedQueue<ProbeResult> handOff = new ConcurrentLinkedQueue<>();
    private final List<ProbeLoop> probeLoops = new ArrayList<>();
    private List<Check> runnable = List.of();
    private CoordinatorClient client;
    private long heartbeatTimer = -1;
    // The newest heartbeat answer and its version; the version of the assignment applied.
    private JsonObject newest;
    private long newestVersion = -1;
    private long assignmentVersion = -1;
    private volatile CheckRunner runner;
    private boolean fetching;
    // Files not to fetch again: they did not load here, or the coordinator has none to send.
    private String rejectedHash;
    // A configuration fetched and loaded before a heartbeat named it.
    private Fleet prefetched;
    private Counter configApplied;
    private Counter configRejected;
    private Counter configFetchFailed;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();

    @Override
    public Future<?> start() {
      // Every result goes to the disk spool before it is shipped; the spool is opened first.
      return ResultSpool.open(vertx, options.spool(), time, registry)
          .compose(spool -> startWith(spool).onFailure(e -> spool.close()));
    }

    private Future<?> startWith(ResultSpool spool) {
      clients = new HttpClients(vertx, options.maxInFlight());
      configApplied = configCounter("applied");
      configRejected = configCounter("rejected");
      configFetchFailed = configCounter("fetch-failed");
      runner =
          new CheckRunner(
              probeContext(),
              CheckRunner.defaultProbes(),
              options.agentId(),
              options.location(),
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
      checkCount = mine.size();
      runnable = mine;
      int loops = options.probeLoops();
      List<List<Check>> parts = new ArrayList<>();
      for (int i = 0; i < loops; i++) {
        parts.add(new ArrayList<>());
      }
      for (Check c : mine) {
        parts.get(loopOf(c.id(), loops)).add(c);
      }
      Context shipperContext = context;
      Router router = Router.router(vertx);
      router
          .get("/metrics")
          .handler(
              ctx ->
                  ctx.response()
                      .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                      .end(registry.scrape()));
      router.get("/health/live").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
      router
          .get("/health/ready")
          .handler(
              ctx ->
                  ctx.json(
                      new JsonObject()
                          .put("status", "UP")
                          .put("agent", options.agentId())
                          .put("location", options.location())
                          .put("checks", checkCount)
                          .put("buffered", shipper.buffered())));
      return vertx
          .createHttpServer()
          .requestHandler(router)
          .listen(options.httpPort(), options.httpHost())
          .compose(
              s -> {
                server = s;
                List<Future<String>> deployed = new ArrayList<>();
                for (int i = 0; i < loops; i++) {
                  ProbeLoop loop =
                      new ProbeLoop(
                          String.valueOf(i),
                          parts.get(i),
                          () -> runner,
                          share(options.maxInFlight(), loops),
                          share(options.maxPerHost(), loops),
                          result -> offer(shipperContext, result));
                  probeLoops.add(loop);
                  deployed.add(vertx.deployVerticle(loop));
                }
                return Future.all(deployed);
              })
          .onSuccess(
              v -> {
                heartbeat();
                heartbeatTimer = vertx.setPeriodic(HEARTBEAT_MILLIS, t -> heartbeat());
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
                          + loops
                          + " probe loops over the "
                          + transportOf(vertx)
                          + " transport; metrics on port "
                          + server.actualPort()));
    }

    /**
     * Tells the coordinator this agent is alive, and takes the assignment it answers with: the
     * checks this agent runs from then on. Until the first answer, and while no coordinator
     * answers, the agent runs what it ran before (at start, every check of its location). An
     * assignment older than the one applied is ignored.
     */
    private void heartbeat() {
      int inFlight = 0;
      JsonObject beat =
          new AgentInfo(
                  options.agentId(),
                  options.location(),
                  host,
                  io.nines.common.Version.current(),
                  options.maxInFlight())
              .toJson()
              .put("inFlight", inFlight)
              .put("buffered", shipper.buffered());
      client
          .heartbeat(beat)
          .onSuccess(this::apply)
          .onFailure(
              e -> {
                if (!(e instanceof io.nines.agent.ship.CoordinatorException ce)
                    || ce.statusCode() != 404) {
                  LOG.fine("heartbeat failed: " + e.getMessage());
                }
              });
    }

    private Counter configCounter(String outcome) {
      return Counter.builder("nines.agent.config")
          .description(
              "Configurations fetched from the coordinator, by outcome: applied, rejected (did not"
                  + " load on this agent; the old one stays), fetch-failed")
          .tag("outcome", outcome)
          .register(registry);
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
          LOG.warning("check " + c.id() + ": " + c.type() + " checks are not supported yet");
        }
      }
      return mine;
    }

    private String currentHash() {
      Fleet f = fleet;
      return f == null || f.version() == null ? null : f.version().hash();
    }

    /**
     * Takes a heartbeat answer: an answer older than the newest seen is ignored whole; a newer
     * assignment is applied to the configuration the agent runs; a configuration hash other than
     * the agent's starts a fetch of the coordinator's configuration, which is then swapped in and
     * the newest assignment applied to it.
     */
    private void apply(JsonObject answer) {
      long version = answer.getLong("version", -1L);
      if (version < newestVersion || answer.getJsonArray("checks") == null) {
        return;
      }
      newestVersion = version;
      newest = answer;
      if (version > assignmentVersion) {
        assign(answer);
      }
      String config = answer.getString("config");
      if (config != null && !config.equals(currentHash())) {
        fetchConfig(config);
      }
    }

    private void fetchConfig(String wanted) {
      if (prefetched != null && prefetched.version().hash().equals(wanted)) {
        swap(prefetched);
        return;
      }
      if (fetching || wanted.equals(rejectedHash)) {
        return;
      }
      fetching = true;
      client
          .config(currentHash())
          .compose(
              sources ->
                  sources == null
                      ? Future.<Loaded>succeededFuture(null)
                      : vertx.executeBlocking(() -> load(sources), false))
          .onComplete(
              ar -> {
                fetching = false;
                if (ar.failed()) {
                  configFetchFailed.increment();
                  if (ar.cause() instanceof io.nines.agent.ship.CoordinatorException ce
                      && ce.statusCode() == 404) {
                    // A coordinator that has no files to send: asking again would not help.
                    rejectedHash = wanted;
                  }
                  LOG.warning(
                      "agent "
                          + options.agentId()
                          + " could not fetch the coordinator's configuration "
                          + shortHash(wanted)
                          + "; it keeps running "
                          + describeCurrent()
                          + " and tries again with the next heartbeat: "
                          + ar.cause().getMessage());
                  return;
                }
                Loaded loaded = ar.result();
                if (loaded == null || loaded.hash().equals(currentHash())) {
                  return;
                }
                if (loaded.fleet() == null) {
                  rejectedHash = loaded.hash();
                  configRejected.increment();
                  LOG.warning(
                      "agent "
                          + options.agentId()
                          + " keeps running "
                          + describeCurrent()
                          + ": the coordinator's configuration "
                          + shortHash(loaded.hash())
                          + " does not load here:\n"
                          + FleetLoader.formatProblems(loaded.problems()));
                  return;
                }
                if (newest != null && loaded.hash().equals(newest.getString("config"))) {
                  swap(loaded.fleet());
                } else {
                  // Newer than the newest answer named: kept until a heartbeat names it.
                  prefetched = loaded.fleet();
                }
              });
    }

    /** Runs on a worker: the loaded fleet, or the problems that keep it from loading. */
    private Loaded load(ConfigSources sources) {
      Fleet loaded;
      try {
        loaded = new FleetLoader(time, varOverrides, env).load(sources);
      } catch (ConfigException e) {
        return new Loaded(sources.hash(), null, e.problems());
      }
      // Kept for a restart while no coordinator answers (see ConfigCache).
      Path cache = ConfigCache.fileIn(options.spool().dir());
      try {
        ConfigCache.write(cache, sources);
      } catch (java.io.IOException | RuntimeException e) {
        LOG.warning(
            "agent "
                + options.agentId()
                + " could not keep configuration "
                + shortHash(sources.hash())
                + " in "
                + cache
                + " (a restart while no coordinator answers would not have it): "
                + e);
      }
      return new Loaded(sources.hash(), loaded, null);
    }

    /** Makes {@code next} the configuration this agent runs, and applies the newest assignment. */
    private void swap(Fleet next) {
      Fleet before = fleet;
      fleet = next;
      prefetched = null;
      runner = runner.withContext(probeContext());
      runnable = runnableChecks();
      configApplied.increment();
      for (Problem w : next.warnings()) {
        LOG.warning("configuration " + next.version().shortHash() + ": " + w.format());
      }
      LOG.info(
          "agent "
              + options.agentId()
              + " swapped in configuration "
              + next.version().shortHash()
              + (before == null ? "" : " (was " + before.version().shortHash() + ")")
              + ": "
              + runnable.size()
              + " checks of its location");
      if (newest != null) {
        assign(newest);
      } else {
        distribute(runnable);
      }
    }

    /** Applies an assignment's check ids to the configuration the agent runs. */
    private void assign(JsonObject answer) {
      long version = answer.getLong("version", -1L);
      assignmentVersion = version;
      java.util.Set<String> ids = new java.util.HashSet<>();
      answer.getJsonArray("checks").forEach(id -> ids.add(String.valueOf(id)));
      List<Check> assigned = runnable.stream().filter(c -> ids.contains(c.id())).toList();
      distribute(assigned);
      LOG.info(
          "agent "
              + options.agentId()
              + " took assignment "
              + version
              + ": "
              + assigned.size()
              + " of its location's "
              + runnable.size()
              + " checks");
    }

    private void distribute(List<Check> assigned) {
      int loops = probeLoops.size();
      List<List<Check>> parts = new ArrayList<>();
      for (int i = 0; i < loops; i++) {
        parts.add(new ArrayList<>());
      }
      for (Check c : assigned) {
        parts.get(loopOf(c.id(), loops)).add(c);
      }
      for (int i = 0; i < loops; i++) {
        probeLoops.get(i).assign(parts.get(i));
      }
      checkCount = assigned.size();
    }

    private String describeCurrent() {
      String hash = currentHash();
      return hash == null ? "no configuration" : "configuration " + shortHash(hash);
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
      if (heartbeatTimer >= 0) {
        vertx.cancelTimer(heartbeatTimer);
      }
      // The probe loops, deployed by start(), were undeployed before this runs.
      for (ProbeResult r; (r = handOff.poll()) != null; ) {
        shipper.offer(r);
      }
      shipper.flush();
      return Future.join(
          server == null ? Future.succeededFuture() : server.close(),
          shipper.stop(),
          clients.closeAsync());
    }
  }

  /**
   * A configuration fetched and loaded on a worker: the fleet, or null with the problems.
   *
   * @param hash the files' hash
   */
  private record Loaded(String hash, Fleet fleet, List<Problem> problems) {}

  private static String shortHash(String hash) {
    return hash.length() <= 12 ? hash : hash.substring(0, 12);
  }

  /** One probe loop: a scheduler with its share of the checks, on its own event loop. */
  private final class ProbeLoop extends VerticleBase {
    private final String name;
    private final List<Check> checks;
    private final java.util.function.Supplier<CheckRunner> runner;
    private final int maxInFlight;
    private final int maxPerHost;
    private final java.util.function.Consumer<ProbeResult> results;
    private Scheduler scheduler;
    private long timerId = -1;
    private boolean running;

    ProbeLoop(
        String name,
        List<Check> checks,
        java.util.function.Supplier<CheckRunner> runner,
        int maxInFlight,
        int maxPerHost,
        java.util.function.Consumer<ProbeResult> results) {
      this.name = name;
      this.checks = checks;
      this.runner = runner;
      this.maxInFlight = maxInFlight;
      this.maxPerHost = maxPerHost;
      this.results = results;
    }

    @Override
    public Future<?> start() {
      scheduler =
          new Scheduler(
              time,
              check -> runner.get().run(check).onSuccess(results::accept),
              check -> hostOf(check, vars()),
              maxInFlight,
              maxPerHost,
              registry,
              name);
      scheduler.setChecks(checks);
      running = true;
      drive();
      return Future.succeededFuture();
    }

    /** Replaces this loop's checks; safe to call from any thread. */
    void assign(List<Check> assigned) {
      context.runOnContext(v -> scheduler.setChecks(assigned));
    }

    private void drive() {
      if (!running) {
        return;
      }
      long delay = scheduler.poll();
      // Wake at least once a second so a clock step is noticed soon.
      timerId = vertx.setTimer(Math.max(1, Math.min(delay, 1000)), t -> drive());
    }

    @Override
    public Future<?> stop() {
      running = false;
      if (timerId >= 0) {
        vertx.cancelTimer(timerId);
      }
      return Future.succeededFuture();
    }
  }
}
