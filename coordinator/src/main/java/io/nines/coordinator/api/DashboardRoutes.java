package io.nines.coordinator.api;

import static io.nines.coordinator.api.Replies.badRequest;
import static io.nines.coordinator.api.Replies.error;

import io.nines.availability.DowntimeBudget;
import io.nines.availability.report.Lives;
import io.nines.availability.report.MonthlyCsv;
import io.nines.availability.report.MonthlyReport;
import io.nines.availability.report.RiskView;
import io.nines.availability.report.StatusHistory;
import io.nines.availability.report.UtcDays;
import io.nines.common.ProbeResult;
import io.nines.common.TimeRange;
import io.nines.common.TimeSource;
import io.nines.config.Check;
import io.nines.config.Fleet;
import io.nines.config.Service;
import io.nines.coordinator.query.Queries;
import io.nines.coordinator.readmodel.DashboardViews;
import io.nines.store.results.ResultStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The dashboard's read endpoints under {@code /api/v1}: the services' detail, timeline, daily and
 * latency views, the server-sent event stream, the public status answer, the risk matrix and the
 * monthly report (see {@code docs/dashboard.md}). The pages themselves are {@code web.WebRoutes}'s.
 *
 * <p>Like the rest of the API, handlers run on the event loop and only parse and write; reads go to
 * the store asynchronously and timeline arithmetic runs on the worker executor. Errors have the
 * API's one shape, {@code {"error", "message"}}.
 */
public final class DashboardRoutes {
  private static final Pattern MONTH = Pattern.compile("\\d{4}-\\d{2}");

  /** The first month a report may cover: the month of {@link Replies#EARLIEST}. */
  private static final YearMonth EARLIEST_MONTH = YearMonth.of(1970, 1);

  /** The most event streams open at once; browsers beyond it poll {@code /api/v1/services}. */
  public static final int MAX_EVENT_STREAMS = 64;

  static final int DEFAULT_DAYS = 90;
  static final int MAX_DAYS = 400;
  static final int DEFAULT_POINTS = 300;
  static final int MAX_POINTS = 2000;

  /** How long the public status answer is reused: the page may be popular during an outage. */
  static final Duration STATUS_CACHE = Duration.ofSeconds(5);

  private final Vertx vertx;
  private final WorkerExecutor worker;
  private final Supplier<Fleet> fleet;
  private final TimeSource time;
  private final ResultStore store;
  private final Queries queries;
  private final Supplier<Lives> lives;
  private final EventStreams events;
  private volatile CachedStatus status;

  private record CachedStatus(long atNanos, JsonObject json) {}

  /**
   * @param worker where timeline arithmetic runs
   * @param fleet the current configuration, or null while none is loaded (answers are then 503)
   * @param lives where checks' lives start, by the configuration history; must not block
   */
  public DashboardRoutes(
      Vertx vertx,
      WorkerExecutor worker,
      Supplier<Fleet> fleet,
      TimeSource time,
      ResultStore store,
      Supplier<Lives> lives) {
    this.lives = lives;
    this.vertx = vertx;
    this.worker = worker;
    this.fleet = fleet;
    this.time = time;
    this.store = store;
    this.queries = new Queries(store);
    this.events = new EventStreams(vertx, fleet, store, this::snapshot, MAX_EVENT_STREAMS);
  }

  /** Adds every dashboard route to {@code router}; call before the router serves requests. */
  public void mount(Router router) {
    router.get("/api/v1/events").handler(this::events);
    router.get("/api/v1/status").handler(this::status);
    router.get("/api/v1/risk").handler(this::risk);
    router.get("/api/v1/reports/monthly").handler(this::monthly);
    router.get("/api/v1/services/:id/timeline").handler(this::timeline);
    router.get("/api/v1/services/:id/daily").handler(this::daily);
    router.get("/api/v1/services/:id/latency").handler(this::latency);
    router.get("/api/v1/services/:id").handler(this::detail);
  }

  /** Ends the open event streams; the coordinator's server closing ends them too. */
  public void close() {
    events.closeAll();
  }

  // ---- services and events ----

  private Future<JsonObject> snapshot() {
    Fleet f = fleet.get();
    Instant now = time.now();
    if (f == null) {
      return Future.succeededFuture(
          new JsonObject()
              .put("at", now.toString())
              .put("items", new io.vertx.core.json.JsonArray()));
    }
    Lives known = lives.get();
    return queries
        .fetch(f.checks(), DashboardViews.servicesSpan(now))
        .compose(
            results ->
                worker.executeBlocking(
                    () -> DashboardViews.services(f, now, results, known), false));
  }

  private void events(RoutingContext ctx) {
    if (!events.add(ctx.response())) {
      error(
          ctx,
          503,
          "unavailable",
          "this coordinator already serves "
              + MAX_EVENT_STREAMS
              + " event streams, the most it allows; close one, or poll GET /api/v1/services");
    }
  }

  // ---- one service ----

  private void detail(RoutingContext ctx) {
    withService(
        ctx,
        (f, s) -> {
          Instant now = time.now();
          Lives known = lives.get();
          compute(
              ctx,
              queries.fetch(f.checksOf(s.id()), DashboardViews.detailSpan(f, s.id(), now)),
              results -> DashboardViews.detail(f, s, now, results, known));
        });
  }

  private void timeline(RoutingContext ctx) {
    withService(
        ctx,
        (f, s) -> {
          TimeRange window = window(ctx, Duration.ofHours(24));
          if (window == null) {
            return;
          }
          Lives known = lives.get();
          compute(
              ctx,
              queries.fetch(f.checksOf(s.id()), window),
              results -> DashboardViews.timeline(f, s, window, results, known));
        });
  }

  private void daily(RoutingContext ctx) {
    withService(
        ctx,
        (f, s) -> {
          Integer days = intParam(ctx, "days", DEFAULT_DAYS, 1, MAX_DAYS);
          if (days == null) {
            return;
          }
          Instant now = time.now();
          Lives known = lives.get();
          compute(
              ctx,
              queries.fetch(f.checksOf(s.id()), new TimeRange(UtcDays.dailyStart(now, days), now)),
              results -> DashboardViews.daily(f, s, now, days, results, known));
        });
  }

  private void latency(RoutingContext ctx) {
    withService(
        ctx,
        (f, s) -> {
          TimeRange window = window(ctx, Duration.ofHours(24));
          if (window == null) {
            return;
          }
          Integer maxPoints = intParam(ctx, "points", DEFAULT_POINTS, 2, MAX_POINTS);
          if (maxPoints == null) {
            return;
          }
          List<Check> checks = f.checksOf(s.id());
          List<Future<Map<String, List<ProbeResult>>>> reads = new ArrayList<>();
          for (Check c : checks) {
            reads.add(store.resultsByLocation(c.id(), window.start(), window.end()));
          }
          Future<Map<String, Map<String, List<ProbeResult>>>> fetched =
              Future.all(reads)
                  .map(
                      all -> {
                        Map<String, Map<String, List<ProbeResult>>> byCheck = new HashMap<>();
                        for (int i = 0; i < checks.size(); i++) {
                          byCheck.put(checks.get(i).id(), reads.get(i).result());
                        }
                        return byCheck;
                      });
          compute(
              ctx,
              fetched,
              byCheck -> DashboardViews.latency(s, window, checks, byCheck, maxPoints));
        });
  }

  // ---- fleet-wide ----

  private void risk(RoutingContext ctx) {
    Fleet f = fleetOrNotReady(ctx);
    if (f == null) {
      return;
    }
    Instant now = time.now();
    Lives known = lives.get();
    compute(
        ctx,
        queries.fetch(f.checks(), RiskView.window(now)),
        results -> DashboardViews.risk(RiskView.of(f, now, results, known)));
  }

  private void monthly(RoutingContext ctx) {
    Fleet f = fleetOrNotReady(ctx);
    if (f == null) {
      return;
    }
    Instant now = time.now();
    String format = ctx.request().getParam("format", "json");
    if (!format.equals("json") && !format.equals("csv")) {
      badRequest(ctx, "format was '" + format + "' but it must be json or csv");
      return;
    }
    String raw = ctx.request().getParam("month");
    YearMonth month;
    TimeRange window;
    try {
      month = raw == null || raw.isEmpty() ? DowntimeBudget.monthOf(now) : month(raw);
      window = MonthlyReport.window(month, now);
    } catch (IllegalArgumentException e) {
      badRequest(ctx, e.getMessage());
      return;
    }
    Lives known = lives.get();
    // The computation runs on a worker; rendering it (one row per service) is cheap.
    Future<MonthlyReport> report =
        queries
            .fetch(f.checks(), window)
            .compose(
                results ->
                    worker.executeBlocking(
                        () -> MonthlyReport.of(f, month, window, results, known), false));
    report
        .onFailure(ctx::fail)
        .onSuccess(
            r -> {
              if (format.equals("json")) {
                ctx.json(DashboardViews.monthly(r));
                return;
              }
              ctx.response()
                  .putHeader(HttpHeaders.CONTENT_TYPE, "text/csv; charset=utf-8")
                  .putHeader(
                      "Content-Disposition",
                      "attachment; filename=\"nines-report-" + month + ".csv\"")
                  .end(MonthlyCsv.render(r));
            });
  }

  static YearMonth month(String raw) {
    if (MONTH.matcher(raw).matches()) {
      YearMonth month = null;
      try {
        month = YearMonth.parse(raw);
      } catch (DateTimeParseException e) {
        // falls through to the message below
      }
      if (month != null && month.isBefore(EARLIEST_MONTH)) {
        throw new IllegalArgumentException(
            "month was '" + raw + "' but it must be " + EARLIEST_MONTH + " or later");
      }
      if (month != null) {
        return month;
      }
    }
    throw new IllegalArgumentException(
        "month was '"
            + Replies.abbreviate(raw)
            + "' but it must be a month as YYYY-MM, such as 2026-04");
  }

  private void status(RoutingContext ctx) {
    Fleet f = fleetOrNotReady(ctx);
    if (f == null) {
      return;
    }
    CachedStatus cached = status;
    long nowNanos = time.monotonicNanos();
    if (cached != null && nowNanos - cached.atNanos() < STATUS_CACHE.toNanos()) {
      ctx.json(cached.json());
      return;
    }
    Instant now = time.now();
    Lives known = lives.get();
    compute(
        ctx,
        queries.fetch(f.checks(), StatusHistory.span(now, DEFAULT_DAYS)),
        results -> {
          JsonObject json =
              DashboardViews.status(StatusHistory.of(f, now, DEFAULT_DAYS, results, known));
          status = new CachedStatus(nowNanos, json);
          return json;
        });
  }

  // ---- plumbing ----

  private interface ServiceHandler {
    void handle(Fleet fleet, Service service);
  }

  private void withService(RoutingContext ctx, ServiceHandler handler) {
    Fleet f = fleetOrNotReady(ctx);
    if (f == null) {
      return;
    }
    String id = ctx.pathParam("id");
    Service s = f.services().get(id);
    if (s == null) {
      error(ctx, 404, "not_found", "unknown service '" + id + "'; GET /api/v1/services lists them");
      return;
    }
    handler.handle(f, s);
  }

  /**
   * The window of {@code from} and {@code to}, as the availability endpoint reads them: {@code to}
   * defaults to now and is cut to now; {@code from} defaults to {@code to - defaultLength}. Sends
   * 400 and returns null when they are wrong.
   */
  private TimeRange window(RoutingContext ctx, Duration defaultLength) {
    try {
      return Replies.window(ctx, time.now(), defaultLength);
    } catch (IllegalArgumentException e) {
      badRequest(ctx, e.getMessage());
      return null;
    }
  }

  /** An integer parameter in {@code [min, max]}; sends 400 and returns null when it is not. */
  private static Integer intParam(RoutingContext ctx, String name, int dflt, int min, int max) {
    String raw = ctx.request().getParam(name);
    if (raw == null || raw.isEmpty()) {
      return dflt;
    }
    int value;
    try {
      value = Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      value = min - 1;
    }
    if (value < min || value > max) {
      badRequest(
          ctx,
          name + " was '" + raw + "' but it must be a whole number from " + min + " to " + max);
      return null;
    }
    return value;
  }

  private Fleet fleetOrNotReady(RoutingContext ctx) {
    Fleet f = fleet.get();
    if (f == null) {
      error(ctx, 503, "not_ready", "no fleet configuration is loaded yet; retry shortly");
    }
    return f;
  }

  /** Once {@code fetched} is in, computes the answer on the worker pool and sends it. */
  private <T> void compute(RoutingContext ctx, Future<T> fetched, Function<T, JsonObject> answer) {
    fetched
        .compose(t -> worker.executeBlocking((Callable<JsonObject>) () -> answer.apply(t), false))
        .onFailure(ctx::fail)
        .onSuccess(ctx::json);
  }
}
