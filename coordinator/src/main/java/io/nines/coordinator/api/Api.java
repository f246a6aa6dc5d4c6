package io.nines.coordinator.api;

import static io.nines.coordinator.api.Replies.badRequest;
import static io.nines.coordinator.api.Replies.error;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.availability.AvailabilityReport;
import io.nines.availability.DowntimeBudget;
import io.nines.availability.Timeline;
import io.nines.availability.Timelines;
import io.nines.availability.report.FetchedTimelines;
import io.nines.availability.report.FleetTimelines;
import io.nines.availability.report.Lives;
import io.nines.common.ProbeResult;
import io.nines.common.ResultBatch;
import io.nines.common.TimeRange;
import io.nines.common.TimeSource;
import io.nines.config.Check;
import io.nines.config.Fleet;
import io.nines.config.Service;
import io.nines.coordinator.cluster.ClusterMember;
import io.nines.coordinator.confighistory.ConfigHistory;
import io.nines.coordinator.fleet.AgentAuth;
import io.nines.coordinator.query.Queries;
import io.nines.coordinator.readmodel.AvailabilityMetrics;
import io.nines.coordinator.readmodel.DashboardViews;
import io.nines.coordinator.readmodel.Views;
import io.nines.coordinator.screenshots.Screenshots;
import io.nines.coordinator.web.WebRoutes;
import io.nines.store.StoreUnavailableException;
import io.nines.store.results.AppendOutcome;
import io.nines.store.results.Rejection;
import io.nines.store.results.ResultStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The coordinator's HTTP API. Handlers run on the event loop and only parse, authenticate and
 * write; everything that touches the store or computes timelines runs on the worker executor.
 */
public final class Api {
  private static final Logger LOG = Logger.getLogger(Api.class.getName());
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final int DEFAULT_RESULTS_LIMIT = 50;
  private static final String AGENT_VERDICT = "nines.agent";
  private static final int MAX_RESULTS_LIMIT = 1000;
  private static final String SERVICES = "GET /api/v1/services";
  private static final String CHECKS = "GET /api/v1/checks";

  private final Vertx vertx;
  private final WorkerExecutor worker;
  private final Supplier<Fleet> fleet;
  private final TimeSource time;
  private final ResultStore store;
  private final Queries queries;
  private final AgentAuth auth;
  private final PrometheusMeterRegistry registry;
  private final long bodyLimitBytes;
  private final BooleanSupplier bound;
  private final ClusterMember cluster;
  private final Supplier<Lives> lives;
  private final Counter accepted;
  private final Counter duplicates;
  private final Counter rejected;
  private final Counter batchesOk;
  private final Counter batchesInvalid;
  private final AuthFailures authFailures;
  private volatile Screenshots screenshots;

  /**
   * @param bound whether the server is listening, for readiness
   * @param cluster the member this API runs on, or null in a single process
   * @param authFailures where refusals for a token are counted and logged
   * @param lives where checks' lives start, by the configuration history ({@link
   *     ConfigHistory#lives()}); must not block
   */
  public Api(
      Vertx vertx,
      WorkerExecutor worker,
      Supplier<Fleet> fleet,
      TimeSource time,
      ResultStore store,
      AgentAuth auth,
      PrometheusMeterRegistry registry,
      long bodyLimitBytes,
      BooleanSupplier bound,
      ClusterMember cluster,
      AuthFailures authFailures,
      Supplier<Lives> lives) {
    this.lives = lives;
    this.vertx = vertx;
    this.worker = worker;
    this.fleet = fleet;
    this.time = time;
    this.store = store;
    this.queries = new Queries(store);
    this.auth = auth;
    this.registry = registry;
    this.bodyLimitBytes = bodyLimitBytes;
    this.bound = bound;
    this.cluster = cluster;
    String results = "nines.ingest.results";
    String resultsHelp = "Results posted by agents, by what the store did with them";
    this.accepted =
        Counter.builder(results)
            .description(resultsHelp)
            .tag("outcome", "accepted")
            .register(registry);
    this.duplicates =
        Counter.builder(results)
            .description(resultsHelp)
            .tag("outcome", "duplicate")
            .register(registry);
    this.rejected =
        Counter.builder(results)
            .description(resultsHelp)
            .tag("outcome", "rejected")
            .register(registry);
    String batches = "nines.ingest.batches";
    String batchesHelp = "Result batches posted by authenticated agents";
    this.batchesOk =
        Counter.builder(batches).description(batchesHelp).tag("outcome", "ok").register(registry);
    this.batchesInvalid =
        Counter.builder(batches)
            .description(batchesHelp)
            .tag("outcome", "invalid")
            .register(registry);
    this.authFailures = authFailures;
  }

  /**
   * Takes screenshots out of posted results into {@code screenshots}' store before they are stored
   * (see {@link Screenshots}); without it, results are stored as posted. Call before {@link
   * #router}.
   */
  public Api screenshots(Screenshots screenshots) {
    this.screenshots = screenshots;
    return this;
  }

  /**
   * A new router with every {@code /api/v1} route, error handler and failure handler: the API's own
   * routes, the dashboard's read endpoints and pages, then each feature's {@code groups} in order.
   */
  public Router router(List<? extends RouteGroup> groups) {
    Router router = Router.router(vertx);
    router.route().failureHandler(this::onFailure);
    // Authentication gets a route of its own so that it runs before the body is read: Vert.x Web
    // requires a route's body handler to come before its user handlers. It calls next() at once,
    // so no body data can slip past the body handler in between.
    router.post("/api/v1/results").handler(this::authenticate);
    router
        .post("/api/v1/results")
        .handler(BodyHandler.create(false).setBodyLimit(bodyLimitBytes))
        .handler(this::ingest);
    router.get("/api/v1/services").handler(this::services);
    router.get("/api/v1/services/:id/availability").handler(this::availability);
    router.get("/api/v1/checks").handler(this::checks);
    router.get("/api/v1/checks/:id/results").handler(this::results);
    router.get("/health/live").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(this::ready);
    router.get("/metrics").handler(this::metrics);
    router.get("/metrics/availability").handler(this::availabilityMetrics);
    new WebRoutes().mount(router);
    new DashboardRoutes(vertx, worker, fleet, time, store, lives).mount(router);
    for (RouteGroup group : groups) {
      group.mount(router);
    }
    router.errorHandler(
        404,
        ctx ->
            error(
                ctx,
                404,
                "not_found",
                "no resource at " + ctx.request().method() + " " + ctx.request().path()));
    router.errorHandler(
        405,
        ctx ->
            error(
                ctx,
                405,
                "method_not_allowed",
                "method " + ctx.request().method() + " is not allowed on " + ctx.request().path()));
    router.errorHandler(500, this::onFailure);
    return router;
  }

  // ---- ingest ----

  private void authenticate(RoutingContext ctx) {
    AgentAuth.Verdict verdict = authFailures.agentOrRefuse(ctx, auth);
    if (verdict != null) {
      ctx.put(AGENT_VERDICT, verdict);
      ctx.next();
    }
  }

  private void ingest(RoutingContext ctx) {
    Optional<Fleet> f = fleetOrNotReady(ctx);
    if (f.isEmpty()) {
      return;
    }
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      batchesInvalid.increment();
      badRequest(ctx, "the body was empty but it must be a result batch as a JSON object");
      return;
    }
    JsonObject json;
    try {
      json = new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      // The decoder's own text may quote the body back; a fixed message is enough.
      batchesInvalid.increment();
      badRequest(
          ctx,
          "the body was not a JSON object; it must be a result batch such as"
              + " {\"agent\":\"eu-west-1\",\"results\":[...]}");
      return;
    }
    ResultBatch batch;
    try {
      batch = ResultBatch.fromJson(json);
    } catch (IllegalArgumentException e) {
      batchesInvalid.increment();
      badRequest(ctx, e.getMessage());
      return;
    }
    AgentAuth.Verdict verdict = ctx.get(AGENT_VERDICT);
    if (verdict != null && !verdict.mayPostAs(batch.agentId())) {
      // The whole batch is another agent's: refused with 403, which the agent retries later (a
      // token put right), so nothing is lost to a mix-up of token files.
      authFailures.count(AuthFailures.Reason.OTHER_AGENT, batch.results().size());
      authFailures.logOnce(
          verdict.identity().agentId(),
          AuthFailures.Reason.OTHER_AGENT,
          "agent "
              + verdict.identity().agentId()
              + "'s token was used to post results as agent "
              + batch.agentId());
      error(
          ctx,
          403,
          "forbidden",
          "this token belongs to another agent; each agent posts with its own token");
      return;
    }
    Instant now = time.now();
    Fleet current = f.get();
    TokenScope.Bound bound = TokenScope.bind(batch, verdict, current, authFailures);
    Screenshots shots = screenshots;
    Future<AppendOutcome> appended =
        bound.allowed().isEmpty()
            ? Future.succeededFuture(new AppendOutcome(0, 0, List.of()))
            : shots == null || !Screenshots.carry(bound.allowed())
                ? store.append(bound.allowed(), current, now)
                : worker
                    .executeBlocking(() -> shots.extract(bound.allowed()), false)
                    .compose(kept -> store.append(kept, current, now));
    appended
        .map(outcome -> bound.merge(outcome, batch.results()))
        .onFailure(ctx::fail)
        .onSuccess(
            outcome -> {
              batchesOk.increment();
              if (batch.dropped() > 0) {
                // The agent's spool overflowed while it could not reach us: those results are
                // lost for good, and the operators should know.
                Counter.builder("nines.agent.dropped")
                    .description(
                        "Results an agent reported it dropped because its spool was full, by"
                            + " agent")
                    .tag("agent", batch.agentId())
                    .register(registry)
                    .increment(batch.dropped());
                LOG.warning(
                    "agent "
                        + batch.agentId()
                        + " dropped "
                        + batch.dropped()
                        + " results because its spool was full");
              }
              accepted.increment(outcome.accepted());
              duplicates.increment(outcome.duplicates());
              rejected.increment(outcome.rejected().size());
              ctx.json(outcomeJson(outcome));
            });
  }

  private static JsonObject outcomeJson(AppendOutcome outcome) {
    JsonArray rejected = new JsonArray();
    for (Rejection r : outcome.rejected()) {
      rejected.add(new JsonObject().put("id", r.id()).put("reason", r.reason()));
    }
    return new JsonObject()
        .put("accepted", outcome.accepted())
        .put("duplicates", outcome.duplicates())
        .put("rejected", rejected);
  }

  // ---- services ----

  private void services(RoutingContext ctx) {
    Optional<Fleet> f = fleetOrNotReady(ctx);
    if (f.isEmpty()) {
      return;
    }
    Pages.Request page = Replies.page(ctx, SERVICES);
    if (page == null) {
      return;
    }
    Fleet fleet = f.get();
    Pages.Slice<Service> slice =
        Pages.slice(List.copyOf(fleet.services().values()), page, Service::id, SERVICES);
    Instant now = time.now();
    // One read covers every window and the month so far (for the budget).
    TimeRange span = DashboardViews.servicesSpan(now);
    // Only the page's services are read and computed.
    List<Check> checks = new ArrayList<>();
    slice.items().forEach(s -> checks.addAll(fleet.checksOf(s.id())));
    Lives known = lives.get();
    compute(
        ctx,
        queries.fetch(checks, span),
        results -> slice.toJson(s -> DashboardViews.service(fleet, s, now, span, results, known)));
  }

  private void availability(RoutingContext ctx) {
    Optional<Fleet> f = fleetOrNotReady(ctx);
    if (f.isEmpty()) {
      return;
    }
    Fleet fleet = f.get();
    String id = ctx.pathParam("id");
    Service service = fleet.services().get(id);
    if (service == null) {
      error(ctx, 404, "not_found", "unknown service '" + id + "'; GET /api/v1/services lists them");
      return;
    }
    Instant now = time.now();
    TimeRange window;
    try {
      window = Replies.window(ctx, now, Duration.ofHours(24));
    } catch (IllegalArgumentException e) {
      badRequest(ctx, e.getMessage());
      return;
    }
    TimeRange month =
        new TimeRange(DowntimeBudget.monthRange(DowntimeBudget.monthOf(now)).start(), now);
    // One read covers both the window and the month so far.
    TimeRange both =
        new TimeRange(
            window.start().isBefore(month.start()) ? window.start() : month.start(),
            window.end().isAfter(month.end()) ? window.end() : month.end());
    Lives known = lives.get();
    compute(
        ctx,
        queries.fetch(fleet.checksOf(service.id()), both),
        results -> availabilityJson(fleet, service, window, month, now, results, known));
  }

  private static JsonObject availabilityJson(
      Fleet fleet,
      Service s,
      TimeRange window,
      TimeRange month,
      Instant now,
      FetchedTimelines results,
      Lives lives) {
    AvailabilityReport r =
        FleetTimelines.service(fleet, s.id(), window, results, lives).report(window);
    double target = FleetTimelines.targetPercent(fleet, s);
    DowntimeBudget budget =
        FleetTimelines.service(fleet, s.id(), month, results, lives).budget(now);
    JsonObject json = new JsonObject().put("service", s.id()).put("target", target);
    json.mergeIn(Views.report(r));
    return json.put("budgetLeftSeconds", Views.seconds(budget.left()))
        .put("budget", Views.budget(budget));
  }

  // ---- checks ----

  private void checks(RoutingContext ctx) {
    Optional<Fleet> f = fleetOrNotReady(ctx);
    if (f.isEmpty()) {
      return;
    }
    Pages.Request page = Replies.page(ctx, CHECKS);
    if (page == null) {
      return;
    }
    Fleet fleet = f.get();
    Pages.Slice<Check> slice = Pages.slice(fleet.checks(), page, Check::id, CHECKS);
    Instant now = time.now();
    Duration longest =
        slice.items().stream()
            .map(FleetTimelines::staleAfter)
            .max(Duration::compareTo)
            .orElse(Duration.ZERO);
    compute(
        ctx,
        queries.fetch(slice.items(), new TimeRange(now.minus(longest), now)),
        results -> slice.toJson(c -> checkJson(c, now, results)));
  }

  private static JsonObject checkJson(Check c, Instant now, FetchedTimelines results) {
    TimeRange span = new TimeRange(now.minus(FleetTimelines.staleAfter(c)), now);
    Map<String, Timeline> locations = FleetTimelines.locationTimelines(c, span, results);
    JsonObject locationStates = new JsonObject();
    locations.forEach((l, t) -> locationStates.put(l, t.lastState().name()));
    Timeline check = Timelines.forCheck(locations.values(), c.downWhen(), span);
    return new JsonObject()
        .put("id", c.id())
        .put("service", c.service())
        .put("type", c.type())
        .put("everySeconds", Views.seconds(c.every()))
        .put("locations", new JsonArray(c.locations()))
        .put("downWhen", c.downWhen().print(c.locations().size()))
        .put("state", check.lastState().name())
        .put("locationStates", locationStates);
  }

  private void results(RoutingContext ctx) {
    Optional<Fleet> f = fleetOrNotReady(ctx);
    if (f.isEmpty()) {
      return;
    }
    String id = ctx.pathParam("id");
    if (f.get().check(id).isEmpty()) {
      error(ctx, 404, "not_found", "unknown check '" + id + "'; GET /api/v1/checks lists them");
      return;
    }
    String list = "GET /api/v1/checks/" + id + "/results";
    Pages.Request page = Replies.page(ctx, list);
    if (page == null) {
      return;
    }
    store
        .recent(id, page.readAtLeast())
        .onFailure(ctx::fail)
        .onSuccess(
            recent ->
                ctx.json(
                    new JsonObject()
                        .put("check", id)
                        .mergeIn(Pages.page(recent, page, ProbeResult::id, Views::result, list))));
  }

  // ---- operations ----

  private void ready(RoutingContext ctx) {
    Fleet f = fleet.get();
    if (cluster != null && !cluster.running()) {
      ctx.response().setStatusCode(503);
      ctx.json(Views.error("not_ready", "this member has left its cluster").put("status", "DOWN"));
    } else if (!bound.getAsBoolean()) {
      ctx.response().setStatusCode(503);
      ctx.json(
          Views.error("not_ready", "the HTTP server is not listening yet").put("status", "DOWN"));
    } else if (f == null) {
      ctx.response().setStatusCode(503);
      ctx.json(Views.error("not_ready", "no fleet configuration is loaded").put("status", "DOWN"));
    } else {
      JsonObject json = new JsonObject().put("status", "UP");
      if (f.version() != null) {
        json.put("config", f.version().shortHash());
      }
      if (cluster != null) {
        json.put(
            "cluster",
            new JsonObject()
                .put("name", cluster.options().clusterName())
                .put("member", cluster.memberId())
                .put("members", cluster.memberCount()));
      }
      ctx.json(json);
    }
  }

  private void metrics(RoutingContext ctx) {
    blocking(ctx, registry::scrape)
        .onSuccess(
            text -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, PROMETHEUS_TEXT).end(text));
  }

  /**
   * The availability figures as Prometheus series: the services this member owns (all of them in a
   * single process), with their checks' newest fresh results.
   */
  private void availabilityMetrics(RoutingContext ctx) {
    Optional<Fleet> f = fleetOrNotReady(ctx);
    if (f.isEmpty()) {
      return;
    }
    Fleet fleet = f.get();
    Instant now = time.now();
    List<Service> services =
        AvailabilityMetrics.exported(fleet, id -> cluster == null || cluster.ownsKey(id));
    List<Check> checks = new ArrayList<>();
    services.forEach(s -> checks.addAll(fleet.checksOf(s.id())));
    Lives known = lives.get();
    Future<FetchedTimelines> fetched = queries.fetch(checks, AvailabilityMetrics.span(now));
    List<Future<Map<String, List<ProbeResult>>>> reads = new ArrayList<>();
    for (Check c : checks) {
      reads.add(
          store.resultsByLocation(
              c.id(), now.minus(FleetTimelines.staleAfter(c)), now.plusMillis(1)));
    }
    Future.all(fetched, Future.all(reads))
        .onFailure(ctx::fail)
        .onSuccess(
            done ->
                blocking(
                        ctx,
                        () -> {
                          Map<String, Map<String, ProbeResult>> latest = new HashMap<>();
                          for (int i = 0; i < checks.size(); i++) {
                            Check c = checks.get(i);
                            latest.put(
                                c.id(),
                                AvailabilityMetrics.newestFresh(c, reads.get(i).result(), now));
                          }
                          return AvailabilityMetrics.render(
                              fleet, services, now, fetched.result(), known, latest);
                        })
                    .onSuccess(
                        text ->
                            ctx.response()
                                .putHeader(HttpHeaders.CONTENT_TYPE, PROMETHEUS_TEXT)
                                .end(text)));
  }

  // ---- plumbing ----

  private Optional<Fleet> fleetOrNotReady(RoutingContext ctx) {
    Fleet f = fleet.get();
    if (f == null) {
      error(ctx, 503, "not_ready", "no fleet configuration is loaded yet; retry shortly");
    }
    return Optional.ofNullable(f);
  }

  /** Runs {@code work} on the worker pool; a failure goes to the failure handler. */
  private <T> Future<T> blocking(RoutingContext ctx, Callable<T> work) {
    return worker.<T>executeBlocking(work, false).onFailure(ctx::fail);
  }

  /**
   * Once {@code fetched} is in, computes the answer from it on the worker pool (timeline arithmetic
   * over long windows is too heavy for an event loop) and sends it; any failure goes to the failure
   * handler.
   */
  private <T> void compute(RoutingContext ctx, Future<T> fetched, Function<T, JsonObject> answer) {
    fetched
        .onFailure(ctx::fail)
        .onSuccess(t -> blocking(ctx, () -> answer.apply(t)).onSuccess(ctx::json));
  }

  /** Every failure ends here: one JSON shape, and no stack trace leaves the process. */
  private void onFailure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure != null && HttpErrors.isDisconnect(failure)) {
      // The client went away mid-request: routine, and there is no one to answer.
      LOG.fine("request " + ctx.request().method() + " " + ctx.request().path() + ": " + failure);
      return;
    }
    int status = ctx.statusCode();
    if (failure instanceof HttpException h) {
      status = h.getStatusCode();
    }
    if (failure instanceof StoreUnavailableException) {
      // Not a bug: the cluster could not answer now. Agents retry; their batches are idempotent.
      LOG.log(
          Level.WARNING,
          "request "
              + ctx.request().method()
              + " "
              + ctx.request().path()
              + ": "
              + failure.getMessage());
      error(
          ctx,
          503,
          "unavailable",
          "the coordinator's store cannot answer right now; retry shortly (posting the same"
              + " results again is safe)");
      return;
    }
    if (status < 400) {
      status = 500;
    }
    if (status >= 500) {
      LOG.log(
          Level.SEVERE,
          "request " + ctx.request().method() + " " + ctx.request().path() + " failed",
          failure);
    }
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    switch (status) {
      case 401 -> error(ctx, 401, "unauthorized", "a valid agent token is required");
      case 404 -> error(ctx, 404, "not_found", "no resource at " + ctx.request().path());
      case 405 -> error(ctx, 405, "method_not_allowed", "method not allowed");
      case 413 ->
          error(
              ctx,
              413,
              "payload_too_large",
              ctx.request().path().equals("/api/v1/results")
                  ? "the request body is larger than the limit of " + bodyLimitBytes + " bytes"
                  : "the request body is larger than the limit of "
                      + ctx.request().method()
                      + " "
                      + ctx.request().path()
                      + " (16 KiB at most)");
      case 500 ->
          error(ctx, 500, "internal", "the coordinator failed to answer; its log has the details");
      default ->
          error(
              ctx,
              status,
              status < 500 ? "bad_request" : "unavailable",
              "the request failed with status " + status);
    }
  }
}
