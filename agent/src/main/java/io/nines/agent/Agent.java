package io.nines.agent;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.agent.probe.CheckRunner;
import io.nines.agent.probe.HttpClients;
import io.nines.agent.probe.ProbeContext;
import io.nines.agent.schedule.Scheduler;
import io.nines.agent.ship.CoordinatorClient;
import io.nines.agent.ship.Shipper;
import io.nines.agent.ship.ShipperOptions;
import io.nines.agent.spool.ResultSpool;
import io.nines.common.TimeSource;
import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.nines.config.Fleet;
import io.nines.config.Template;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * An agent: runs the fleet's checks for its location on a schedule and ships the results to the
 * coordinator. Serves {@code /metrics} and {@code /health/live}, {@code /health/ready}.
 *
 * <p>Everything runs on one Vert.x event-loop context; nothing blocks it.
 */
public final class Agent {
  private static final Logger LOG = Logger.getLogger(Agent.class.getName());

  private final Vertx vertx;
  private final AgentOptions options;
  private final Fleet fleet;
  private final TimeSource time;
  private final PrometheusMeterRegistry registry;
  private final Map<String, String> env;
  private AgentVerticle verticle;
  private String deploymentId;

  /**
   * @param fleet the configuration; the agent runs the checks that list its location
   * @param registry created once by the caller; the agent registers its meters on it
   * @param env where {@code ${env:NAME}} secrets are read from
   */
  public Agent(
      Vertx vertx,
      AgentOptions options,
      Fleet fleet,
      TimeSource time,
      PrometheusMeterRegistry registry,
      Map<String, String> env) {
    this.vertx = vertx;
    this.options = options;
    this.fleet = fleet;
    this.time = time;
    this.registry = registry;
    this.env = Map.copyOf(env);
  }

  /** Starts the agent; completes with the port of its HTTP endpoints. */
  public Future<Integer> start() {
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
    if (deploymentId == null) {
      return Future.succeededFuture();
    }
    return vertx.undeploy(deploymentId);
  }

  /** The checks this agent runs: those that list its location. */
  public List<Check> checks() {
    return fleet.checks().stream().filter(c -> c.locations().contains(options.location())).toList();
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

  private final class AgentVerticle extends VerticleBase {
    private HttpClients clients;
    private Scheduler scheduler;
    private Shipper shipper;
    private HttpServer server;
    private long timerId = -1;
    private boolean running;

    @Override
    public Future<?> start() {
      // Every result goes to the disk spool before it is shipped; the spool is opened first.
      return ResultSpool.open(vertx, options.spool(), time, registry)
          .compose(spool -> startWith(spool).onFailure(e -> spool.close()));
    }

    private Future<?> startWith(ResultSpool spool) {
      clients = new HttpClients(vertx, options.maxInFlight());
      ProbeContext probeContext =
          new ProbeContext(vertx, time, clients, fleet.vars(), ref -> ref.resolve(env));
      CheckRunner runner =
          new CheckRunner(
              probeContext,
              CheckRunner.defaultProbes(),
              options.agentId(),
              options.location(),
              registry);
      CoordinatorClient client =
          new CoordinatorClient(vertx, options.coordinators(), options.token(), 10_000);
      shipper =
          new Shipper(
              vertx,
              options.agentId(),
              client,
              spool,
              ShipperOptions.defaults(
                  options.batchSize(), options.maxBuffered(), options.flushMillis()),
              registry);
      scheduler =
          new Scheduler(
              time,
              check -> runner.run(check).onSuccess(shipper::offer),
              check -> hostOf(check, fleet.vars()),
              options.maxInFlight(),
              options.maxPerHost(),
              registry);
      List<Check> mine = checks().stream().filter(c -> runner.supports(c.type())).toList();
      for (Check c : checks()) {
        if (!runner.supports(c.type())) {
          LOG.warning("check " + c.id() + ": " + c.type() + " checks are not supported yet");
        }
      }
      scheduler.setChecks(mine);
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
                          .put("checks", scheduler.size())
                          .put("buffered", shipper.buffered())));
      running = true;
      return vertx
          .createHttpServer()
          .requestHandler(router)
          .listen(options.httpPort(), options.httpHost())
          .onSuccess(
              s -> {
                server = s;
                LOG.info(
                    "agent "
                        + options.agentId()
                        + " in "
                        + options.location()
                        + " runs "
                        + mine.size()
                        + " checks; metrics on port "
                        + s.actualPort());
                drive();
              });
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
      shipper.flush();
      return Future.join(
          server == null ? Future.succeededFuture() : server.close(),
          shipper.stop(),
          clients.closeAsync());
    }
  }
}
