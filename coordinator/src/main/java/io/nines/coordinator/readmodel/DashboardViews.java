package io.nines.coordinator.readmodel;

import static io.nines.coordinator.readmodel.Views.ranges;
import static io.nines.coordinator.readmodel.Views.seconds;

import io.nines.availability.AvailabilityReport;
import io.nines.availability.DowntimeBudget;
import io.nines.availability.Interval;
import io.nines.availability.RiskMatrix;
import io.nines.availability.Timeline;
import io.nines.availability.report.FetchedTimelines;
import io.nines.availability.report.FleetTimelines;
import io.nines.availability.report.Lives;
import io.nines.availability.report.MonthlyReport;
import io.nines.availability.report.RiskView;
import io.nines.availability.report.ServiceView;
import io.nines.availability.report.StatusHistory;
import io.nines.availability.report.UtcDays;
import io.nines.common.ProbeResult;
import io.nines.common.TimeRange;
import io.nines.config.Check;
import io.nines.config.Fleet;
import io.nines.config.Service;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON the dashboard reads, computed from a fleet and results already fetched, or rendered from
 * the pure read models of {@code io.nines.availability.report} (risk, monthly report, status). Pure
 * and stateless: every method is a function of its arguments, heavy for long windows, so callers on
 * an event loop run it on a worker. Units are in the field names; times are ISO-8601 UTC.
 */
public final class DashboardViews {
  private DashboardViews() {}

  /** The windows the service list reports, by label, as in {@code GET /api/v1/services}. */
  public static final Map<String, Duration> LIST_WINDOWS = new LinkedHashMap<>();

  static {
    LIST_WINDOWS.put("24h", Duration.ofHours(24));
    LIST_WINDOWS.put("7d", Duration.ofDays(7));
    LIST_WINDOWS.put("30d", Duration.ofDays(30));
    LIST_WINDOWS.put("90d", Duration.ofDays(90));
  }

  // ---- services snapshot ----

  /**
   * What {@code GET /api/v1/services} needs to read: from the earliest of the longest of {@link
   * #LIST_WINDOWS} ago (90 days) and the start of the current month, to now.
   */
  public static TimeRange servicesSpan(Instant now) {
    Instant longest = now.minus(Collections.max(LIST_WINDOWS.values()));
    Instant month = DowntimeBudget.monthRange(DowntimeBudget.monthOf(now)).start();
    return new TimeRange(month.isBefore(longest) ? month : longest, now);
  }

  /**
   * The items of {@code GET /api/v1/services}, each with this month's downtime {@code budget} too.
   *
   * @param results fetched over {@link #servicesSpan(Instant)}
   */
  public static JsonObject services(
      Fleet fleet, Instant now, FetchedTimelines results, Lives lives) {
    TimeRange span = servicesSpan(now);
    JsonArray items = new JsonArray();
    for (Service s : fleet.services().values()) {
      items.add(service(fleet, s, now, span, results, lives));
    }
    return new JsonObject().put("at", now.toString()).put("items", items);
  }

  /**
   * One item of {@code GET /api/v1/services}: the service's state, its availability over each of
   * {@link #LIST_WINDOWS}, and this month's downtime {@code budget}. The one services summary, for
   * the API's paged list and the dashboard's snapshot alike.
   *
   * @param results fetched over {@code span}, which covers {@link #servicesSpan(Instant)}
   */
  public static JsonObject service(
      Fleet fleet, Service s, Instant now, TimeRange span, FetchedTimelines results, Lives lives) {
    ServiceView view = FleetTimelines.service(fleet, s.id(), span, results, lives);
    JsonObject availability = new JsonObject();
    JsonObject percent = new JsonObject();
    JsonObject nines = new JsonObject();
    JsonObject observedSeconds = new JsonObject();
    JsonObject coverage = new JsonObject();
    for (Map.Entry<String, Duration> w : LIST_WINDOWS.entrySet()) {
      TimeRange window = new TimeRange(now.minus(w.getValue()), now);
      AvailabilityReport r = view.report(window);
      Views.figure(availability, w.getKey(), r, r.availability());
      Views.figure(percent, w.getKey(), r, r.percent());
      Views.figure(nines, w.getKey(), r, r.nines());
      observedSeconds.put(w.getKey(), seconds(r.observed().length()));
      coverage.put(w.getKey(), r.coverage());
    }
    double target = FleetTimelines.targetPercent(fleet, s);
    DowntimeBudget budget = view.budget(now);
    return observedFrom(
            new JsonObject()
                .put("id", s.id())
                .put("name", s.name())
                .put("tier", s.tier().configName())
                .put("target", target)
                .put("state", view.timeline().lastState().name())
                .put("inMaintenance", view.inMaintenance(now)),
            view)
        .put("unknownPolicy", view.unknown().configName())
        .put("availability", availability)
        .put("percent", percent)
        .put("nines", nines)
        .put("observedSeconds", observedSeconds)
        .put("coverage", coverage)
        .put("budget", Views.budget(budget));
  }

  /** Adds {@code observedFrom}: where the service's life starts, null when it has not. */
  private static JsonObject observedFrom(JsonObject json, ServiceView view) {
    return view.observedFrom() == null
        ? json.putNull("observedFrom")
        : json.put("observedFrom", view.observedFrom().toString());
  }

  // ---- one service ----

  /** The span {@link #detail} reads: the current month so far, and at least the freshness span. */
  public static TimeRange detailSpan(Fleet fleet, String serviceId, Instant now) {
    Instant month = DowntimeBudget.monthRange(DowntimeBudget.monthOf(now)).start();
    Duration stale =
        fleet.checksOf(serviceId).stream()
            .map(FleetTimelines::staleAfter)
            .max(Comparator.naturalOrder())
            .orElse(Duration.ZERO);
    Instant fresh = now.minus(stale);
    return new TimeRange(fresh.isBefore(month) ? fresh : month, now);
  }

  /** {@code GET /api/v1/services/{id}}. */
  public static JsonObject detail(
      Fleet fleet, Service s, Instant now, FetchedTimelines results, Lives lives) {
    TimeRange span = detailSpan(fleet, s.id(), now);
    ServiceView view = FleetTimelines.service(fleet, s.id(), span, results, lives);
    Timeline timeline = view.timeline();
    JsonArray dependents = new JsonArray();
    for (Service other : fleet.services().values()) {
      if (other.dependsOn().contains(s.id())) {
        dependents.add(ref(other));
      }
    }
    JsonArray dependsOn = new JsonArray();
    for (String id : s.dependsOn()) {
      Service other = fleet.services().get(id);
      dependsOn.add(other != null ? ref(other) : new JsonObject().put("id", id).put("name", id));
    }
    JsonArray checks = new JsonArray();
    for (Check c : fleet.checksOf(s.id())) {
      TimeRange fresh = new TimeRange(now.minus(FleetTimelines.staleAfter(c)), now);
      Map<String, Timeline> locations = FleetTimelines.locationTimelines(c, fresh, results);
      JsonObject locationStates = new JsonObject();
      locations.forEach((l, t) -> locationStates.put(l, t.lastState().name()));
      checks.add(
          new JsonObject()
              .put("id", c.id())
              .put("type", c.type())
              .put("everySeconds", seconds(c.every()))
              .put("locations", new JsonArray(c.locations()))
              .put("downWhen", c.downWhen().print(c.locations().size()))
              .put("state", FleetTimelines.checkTimeline(c, fresh, results).lastState().name())
              .put("locationStates", locationStates));
    }
    JsonObject json =
        new JsonObject()
            .put("id", s.id())
            .put("name", s.name())
            .put("tier", s.tier().configName())
            .put("target", FleetTimelines.targetPercent(fleet, s))
            .put("state", timeline.lastState().name())
            .put("inMaintenance", view.inMaintenance(now))
            .put("unknownPolicy", view.unknown().configName())
            .put("owners", new JsonArray(s.owners()))
            .put("dependsOn", dependsOn)
            .put("dependents", dependents)
            .put("checks", checks)
            .put("budget", Views.budget(view.budget(now)));
    observedFrom(json, view);
    if (s.runbook() != null) {
      json.put("runbook", s.runbook());
    } else {
      json.putNull("runbook");
    }
    return json;
  }

  private static JsonObject ref(Service s) {
    return new JsonObject().put("id", s.id()).put("name", s.name());
  }

  /** {@code GET /api/v1/services/{id}/timeline}: the service's intervals over {@code window}. */
  public static JsonObject timeline(
      Fleet fleet, Service s, TimeRange window, FetchedTimelines results, Lives lives) {
    ServiceView view = FleetTimelines.service(fleet, s.id(), window, results, lives);
    Timeline timeline = view.timeline();
    AvailabilityReport r = view.report(window);
    JsonArray intervals = new JsonArray();
    for (Interval iv : timeline.intervals()) {
      intervals.add(
          new JsonObject()
              .put("start", iv.start().toString())
              .put("end", iv.end().toString())
              .put("state", iv.state().name()));
    }
    JsonArray changes = new JsonArray();
    if (fleet.version() != null && window.contains(fleet.version().loadedAt())) {
      changes.add(
          new JsonObject()
              .put("at", fleet.version().loadedAt().toString())
              .put("version", fleet.version().shortHash())
              .put("what", "configuration loaded"));
    }
    return Views.observed(
            new JsonObject()
                .put("service", s.id())
                .put("from", window.start().toString())
                .put("to", window.end().toString()),
            r)
        .put("intervals", intervals)
        .put("maintenance", ranges(r.maintenanceWindows()))
        .put("outages", ranges(r.outages()))
        .put("changes", changes);
  }

  /**
   * {@code GET /api/v1/services/{id}/daily}: one entry per UTC day, oldest first; today's ends at
   * now. An outage that spans midnight counts on both days.
   */
  public static JsonObject daily(
      Fleet fleet, Service s, Instant now, int days, FetchedTimelines results, Lives lives) {
    TimeRange span = new TimeRange(UtcDays.dailyStart(now, days), now);
    ServiceView view = FleetTimelines.service(fleet, s.id(), span, results, lives);
    JsonArray out = new JsonArray();
    for (TimeRange day : UtcDays.days(span)) {
      AvailabilityReport r = view.report(day);
      JsonObject json =
          new JsonObject()
              .put("date", UtcDays.dateOf(day).toString())
              .put("from", day.start().toString())
              .put("to", day.end().toString());
      Views.figure(json, "availability", r, r.availability());
      Views.figure(json, "percent", r, r.percent());
      out.add(
          json.put("downSeconds", seconds(r.down()))
              .put("maintenanceSeconds", seconds(r.maintenance()))
              .put("unknownSeconds", seconds(r.unknown()))
              .put("observedSeconds", seconds(r.observed().length()))
              .put("coverage", r.coverage())
              .put("noData", !r.hasData())
              .put("outages", r.outages().size()));
      putExcluding(json, r);
    }
    return new JsonObject().put("service", s.id()).put("days", out);
  }

  /**
   * {@code GET /api/v1/services/{id}/latency}: per check and location, up to {@code maxPoints}
   * points {@code [startedAt, durationMillis, ok]} in time order. When a series has more results,
   * the window is cut into {@code maxPoints} equal buckets and each keeps its slowest result,
   * marked failed if any result in the bucket failed, so that spikes and failures survive
   * downsampling.
   *
   * @param byCheck check id -> location -> results that ran in the window, ordered by start
   */
  public static JsonObject latency(
      Service s,
      TimeRange window,
      List<Check> checks,
      Map<String, Map<String, List<ProbeResult>>> byCheck,
      int maxPoints) {
    JsonArray series = new JsonArray();
    for (Check c : checks) {
      Map<String, List<ProbeResult>> byLocation = byCheck.getOrDefault(c.id(), Map.of());
      List<String> locations = new ArrayList<>(c.locations());
      byLocation.keySet().stream().filter(l -> !locations.contains(l)).forEach(locations::add);
      for (String location : locations) {
        List<ProbeResult> rs = byLocation.getOrDefault(location, List.of());
        series.add(
            new JsonObject()
                .put("check", c.id())
                .put("location", location)
                .put("results", rs.size())
                .put("points", points(rs, window, maxPoints)));
      }
    }
    return new JsonObject()
        .put("service", s.id())
        .put("from", window.start().toString())
        .put("to", window.end().toString())
        .put("series", series);
  }

  public static JsonArray points(List<ProbeResult> rs, TimeRange window, int maxPoints) {
    JsonArray out = new JsonArray();
    if (rs.size() <= maxPoints) {
      for (ProbeResult r : rs) {
        out.add(point(r.startedAt(), r.durationMillis(), r.ok()));
      }
      return out;
    }
    long spanNanos = Math.max(1, window.length().toNanos());
    ProbeResult[] slowest = new ProbeResult[maxPoints];
    boolean[] failed = new boolean[maxPoints];
    for (ProbeResult r : rs) {
      long offset = Duration.between(window.start(), r.startedAt()).toNanos();
      int b = (int) Math.min(maxPoints - 1, Math.max(0, (double) offset / spanNanos * maxPoints));
      if (slowest[b] == null || r.durationMillis() > slowest[b].durationMillis()) {
        slowest[b] = r;
      }
      failed[b] |= !r.ok();
    }
    for (int b = 0; b < maxPoints; b++) {
      if (slowest[b] != null) {
        out.add(point(slowest[b].startedAt(), slowest[b].durationMillis(), !failed[b]));
      }
    }
    return out;
  }

  private static JsonArray point(Instant t, long durationMillis, boolean ok) {
    return new JsonArray().add(t.toString()).add(durationMillis).add(ok);
  }

  // ---- risk ----

  /** {@code GET /api/v1/risk}: each service on the 5×5 grid, and the grid. */
  public static JsonObject risk(RiskView view) {
    JsonArray services = new JsonArray();
    for (RiskView.ServiceRisk s : view.services()) {
      AvailabilityReport r = s.report();
      JsonObject json =
          new JsonObject()
              .put("id", s.id())
              .put("name", s.name())
              .put("tier", s.tier().configName())
              .put("state", s.state().name())
              .put("outages", s.outages())
              .put("days", RiskView.WINDOW_DAYS)
              .put("observedSeconds", seconds(s.observed()))
              .put("coverage", r.coverage())
              .put("noData", s.likelihood().isEmpty())
              .put("consequence", s.consequence());
      if (s.likelihood().isPresent() && s.cell().isPresent()) {
        RiskMatrix.Cell cell = s.cell().get();
        json.put("likelihood", s.likelihood().get().name())
            .put("rating", cell.rating())
            .put("level", cell.level().name());
      } else {
        json.putNull("likelihood").putNull("rating").putNull("level");
      }
      services.add(json);
    }
    JsonArray grid = new JsonArray();
    for (RiskMatrix.Likelihood l : RiskMatrix.Likelihood.values()) {
      JsonArray row = new JsonArray();
      for (int c = 1; c <= 5; c++) {
        RiskMatrix.Cell cell = RiskMatrix.cell(l, c);
        row.add(
            new JsonObject()
                .put("likelihood", l.name())
                .put("consequence", c)
                .put("rating", cell.rating())
                .put("level", cell.level().name()));
      }
      grid.add(
          new JsonObject().put("likelihood", l.name()).put("label", l.label()).put("cells", row));
    }
    JsonArray likelihoods = new JsonArray();
    for (RiskMatrix.Likelihood l : RiskMatrix.Likelihood.values()) {
      likelihoods.add(new JsonObject().put("id", l.name()).put("label", l.label()));
    }
    return new JsonObject()
        .put("at", view.at().toString())
        .put("windowDays", RiskView.WINDOW_DAYS)
        .put("likelihoodRule", RiskView.LIKELIHOOD_RULE)
        .put("consequenceRule", RiskView.CONSEQUENCE_RULE)
        .put("likelihoods", likelihoods)
        .put("consequences", new JsonArray(List.of(1, 2, 3, 4, 5)))
        .put("grid", grid)
        .put("services", services);
  }

  // ---- monthly report ----

  /**
   * {@code GET /api/v1/reports/monthly}: per service, the month's figures. {@code met} compares
   * {@code percent} (maintenance counted as downtime, like the downtime budget) with the target;
   * {@code metExcludingMaintenance} compares the figure without maintenance. The CSV form is {@link
   * io.nines.availability.report.MonthlyCsv}.
   */
  public static JsonObject monthly(MonthlyReport report) {
    JsonArray services = new JsonArray();
    for (MonthlyReport.ServiceMonth s : report.services()) {
      AvailabilityReport r = s.report();
      JsonObject json =
          new JsonObject()
              .put("id", s.id())
              .put("name", s.name())
              .put("tier", s.tier().configName())
              .put("target", s.targetPercent());
      Views.observed(json, r);
      Views.figure(json, "availability", r, r.availability());
      Views.figure(json, "percent", r, r.percent());
      Views.figure(json, "nines", r, r.nines());
      json.put("downSeconds", seconds(r.down()))
          .put("maintenanceSeconds", seconds(r.maintenance()))
          .put("unknownSeconds", seconds(r.unknown()));
      if (r.availabilityExcludingMaintenance().isPresent()) {
        double ex = r.availabilityExcludingMaintenance().getAsDouble();
        json.put("availabilityExcludingMaintenance", ex)
            .put("percentExcludingMaintenance", ex * 100)
            .put("metExcludingMaintenance", s.metExcludingMaintenance().orElseThrow());
      } else {
        json.putNull("availabilityExcludingMaintenance")
            .putNull("percentExcludingMaintenance")
            .putNull("metExcludingMaintenance");
      }
      if (s.met().isPresent()) {
        json.put("met", s.met().get());
      } else {
        json.putNull("met");
      }
      services.add(json.put("outageCount", r.outages().size()).put("outages", ranges(r.outages())));
    }
    return new JsonObject()
        .put("month", report.month().toString())
        .put("from", report.window().start().toString())
        .put("to", report.window().end().toString())
        .put("complete", report.complete())
        .put("services", services);
  }

  // ---- public status ----

  /**
   * {@code GET /api/v1/status}: per service only its name, its state now and its daily
   * availability. Nothing internal: no ids, checks, URLs, owners or failure messages.
   */
  public static JsonObject status(StatusHistory history) {
    JsonArray services = new JsonArray();
    for (StatusHistory.ServiceStatus s : history.services()) {
      JsonArray bars = new JsonArray();
      for (StatusHistory.Day day : s.days()) {
        AvailabilityReport r = day.report();
        JsonObject bar = new JsonObject().put("date", day.date().toString());
        Views.figure(bar, "availability", r, r.availability());
        bars.add(
            putExcluding(
                bar.put("maintenance", day.maintenance())
                    .put("coverage", r.coverage())
                    .put("noData", !r.hasData()),
                r));
      }
      AvailabilityReport whole = s.whole();
      JsonObject json =
          new JsonObject()
              .put("name", s.name())
              .put("state", s.state().name())
              .put("inMaintenance", s.inMaintenance());
      Views.figure(json, "availability", whole, whole.availability());
      services.add(
          json.put("windowSeconds", seconds(whole.total()))
              .put("observedSeconds", seconds(whole.observed().length()))
              .put("coverage", whole.coverage())
              .put("noData", !whole.hasData())
              .put("days", bars));
    }
    return new JsonObject()
        .put("at", history.at().toString())
        .put("allOperational", history.allOperational())
        .put("services", services);
  }

  // ---- shared ----

  /** Adds {@code availabilityExcludingMaintenance}, null when the whole window was maintenance. */
  private static JsonObject putExcluding(JsonObject json, AvailabilityReport r) {
    if (r.availabilityExcludingMaintenance().isPresent()) {
      return json.put(
          "availabilityExcludingMaintenance", r.availabilityExcludingMaintenance().getAsDouble());
    }
    return json.putNull("availabilityExcludingMaintenance");
  }
}
