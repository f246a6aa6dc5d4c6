package io.nines.coordinator.readmodel;

import static io.nines.coordinator.readmodel.Views.ranges;
import static io.nines.coordinator.readmodel.Views.seconds;

import io.nines.availability.AvailabilityReport;
import io.nines.availability.DowntimeBudget;
import io.nines.availability.Interval;
import io.nines.availability.RiskMatrix;
import io.nines.availability.Timeline;
import io.nines.common.ProbeResult;
import io.nines.common.TimeRange;
import io.nines.config.Check;
import io.nines.config.Fleet;
import io.nines.config.Service;
import io.nines.coordinator.confighistory.Lives;
import io.nines.coordinator.query.Queries;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON the dashboard reads, computed from a fleet and results already fetched. Pure and
 * stateless: every method is a function of its arguments, heavy for long windows, so callers on an
 * event loop run it on a worker. Units are in the field names; times are ISO-8601 UTC.
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

  /** The days the risk matrix looks back to count outages. */
  public static final int RISK_DAYS = 90;

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
      Fleet fleet, Instant now, Queries.Results results, Lives lives) {
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
      Fleet fleet, Service s, Instant now, TimeRange span, Queries.Results results, Lives lives) {
    Queries.ServiceView view = Queries.service(fleet, s.id(), span, results, lives);
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
    double target = Queries.targetPercent(fleet, s);
    DowntimeBudget budget = view.budget(now);
    return observedFrom(
            new JsonObject()
                .put("id", s.id())
                .put("name", s.name())
                .put("tier", s.tier().configName())
                .put("target", target)
                .put("state", view.timeline().lastState().name())
                .put("inMaintenance", inMaintenance(view, now)),
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
  private static JsonObject observedFrom(JsonObject json, Queries.ServiceView view) {
    return view.observedFrom() == null
        ? json.putNull("observedFrom")
        : json.put("observedFrom", view.observedFrom().toString());
  }

  public static boolean inMaintenance(Queries.ServiceView view, Instant now) {
    return !view.maintenance(new TimeRange(now, now.plusMillis(1))).isEmpty();
  }

  // ---- one service ----

  /** The span {@link #detail} reads: the current month so far, and at least the freshness span. */
  public static TimeRange detailSpan(Fleet fleet, String serviceId, Instant now) {
    Instant month = DowntimeBudget.monthRange(DowntimeBudget.monthOf(now)).start();
    Duration stale =
        fleet.checksOf(serviceId).stream()
            .map(Queries::staleAfter)
            .max(Comparator.naturalOrder())
            .orElse(Duration.ZERO);
    Instant fresh = now.minus(stale);
    return new TimeRange(fresh.isBefore(month) ? fresh : month, now);
  }

  /** {@code GET /api/v1/services/{id}}. */
  public static JsonObject detail(
      Fleet fleet, Service s, Instant now, Queries.Results results, Lives lives) {
    TimeRange span = detailSpan(fleet, s.id(), now);
    Queries.ServiceView view = Queries.service(fleet, s.id(), span, results, lives);
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
      TimeRange fresh = new TimeRange(now.minus(Queries.staleAfter(c)), now);
      Map<String, Timeline> locations = Queries.locationTimelines(c, fresh, results);
      JsonObject locationStates = new JsonObject();
      locations.forEach((l, t) -> locationStates.put(l, t.lastState().name()));
      checks.add(
          new JsonObject()
              .put("id", c.id())
              .put("type", c.type())
              .put("everySeconds", seconds(c.every()))
              .put("locations", new JsonArray(c.locations()))
              .put("downWhen", c.downWhen().print(c.locations().size()))
              .put("state", Queries.checkTimeline(c, fresh, results).lastState().name())
              .put("locationStates", locationStates));
    }
    JsonObject json =
        new JsonObject()
            .put("id", s.id())
            .put("name", s.name())
            .put("tier", s.tier().configName())
            .put("target", Queries.targetPercent(fleet, s))
            .put("state", timeline.lastState().name())
            .put("inMaintenance", inMaintenance(view, now))
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
      Fleet fleet, Service s, TimeRange window, Queries.Results results, Lives lives) {
    Queries.ServiceView view = Queries.service(fleet, s.id(), window, results, lives);
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

  /** The first instant of the first of {@code days} UTC days that end with today. */
  public static Instant dailyStart(Instant now, int days) {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    return today.minusDays(days - 1L).atStartOfDay().toInstant(ZoneOffset.UTC);
  }

  /**
   * {@code GET /api/v1/services/{id}/daily}: one entry per UTC day, oldest first; today's ends at
   * now. An outage that spans midnight counts on both days.
   */
  public static JsonObject daily(
      Fleet fleet, Service s, Instant now, int days, Queries.Results results, Lives lives) {
    TimeRange span = new TimeRange(dailyStart(now, days), now);
    Queries.ServiceView view = Queries.service(fleet, s.id(), span, results, lives);
    JsonArray out = new JsonArray();
    for (TimeRange day : days(span)) {
      AvailabilityReport r = view.report(day);
      JsonObject json =
          new JsonObject()
              .put("date", LocalDate.ofInstant(day.start(), ZoneOffset.UTC).toString())
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

  /** {@code span} cut at UTC midnights; empty pieces (a span ending at midnight) are dropped. */
  public static List<TimeRange> days(TimeRange span) {
    List<TimeRange> out = new ArrayList<>();
    Instant cursor = span.start();
    while (cursor.isBefore(span.end())) {
      Instant next =
          LocalDate.ofInstant(cursor, ZoneOffset.UTC)
              .plusDays(1)
              .atStartOfDay()
              .toInstant(ZoneOffset.UTC);
      Instant end = next.isBefore(span.end()) ? next : span.end();
      out.add(new TimeRange(cursor, end));
      cursor = end;
    }
    return out;
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
  public static JsonObject risk(Fleet fleet, Instant now, Queries.Results results, Lives lives) {
    TimeRange window = new TimeRange(now.minus(Duration.ofDays(RISK_DAYS)), now);
    JsonArray services = new JsonArray();
    for (Service s : fleet.services().values()) {
      Queries.ServiceView view = Queries.service(fleet, s.id(), window, results, lives);
      AvailabilityReport r = view.report(window);
      int outages = r.outages().size();
      Optional<RiskMatrix.Likelihood> likelihood =
          r.hasData() ? RiskMatrix.likelihood(outages, r.observed().length()) : Optional.empty();
      int consequence = RiskMatrix.consequence(s.tier());
      JsonObject json =
          new JsonObject()
              .put("id", s.id())
              .put("name", s.name())
              .put("tier", s.tier().configName())
              .put("state", view.timeline().lastState().name())
              .put("outages", outages)
              .put("days", RISK_DAYS)
              .put("observedSeconds", seconds(r.observed().length()))
              .put("coverage", r.coverage())
              .put("noData", likelihood.isEmpty())
              .put("consequence", consequence);
      if (likelihood.isPresent()) {
        RiskMatrix.Cell cell = RiskMatrix.cell(likelihood.get(), consequence);
        json.put("likelihood", likelihood.get().name())
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
        .put("at", now.toString())
        .put("windowDays", RISK_DAYS)
        .put(
            "likelihoodRule",
            "outages per 30 days over the observed part of the last 90 days (at least 30 days): A"
                + " at 8 or more, B at 4 or more, C at 1 or more, D above 0, E none; no data, no"
                + " rating")
        .put("consequenceRule", "from the tier: critical 5, important 3, non-critical 2")
        .put("likelihoods", likelihoods)
        .put("consequences", new JsonArray(List.of(1, 2, 3, 4, 5)))
        .put("grid", grid)
        .put("services", services);
  }

  // ---- monthly report ----

  /**
   * The part of {@code month} to report on: the whole month, or up to {@code now} for the current
   * one.
   *
   * @throws IllegalArgumentException when the month starts after {@code now}
   */
  public static TimeRange monthWindow(YearMonth month, Instant now) {
    TimeRange range = DowntimeBudget.monthRange(month);
    if (!range.start().isBefore(now)) {
      throw new IllegalArgumentException(
          "month was '"
              + month
              + "' but it must not be after the current month "
              + DowntimeBudget.monthOf(now)
              + " (a report needs measurements)");
    }
    return range.end().isAfter(now) ? new TimeRange(range.start(), now) : range;
  }

  /**
   * {@code GET /api/v1/reports/monthly}: per service, the month's figures. {@code met} compares
   * {@code percent} (maintenance counted as downtime, like the downtime budget) with the target;
   * {@code metExcludingMaintenance} compares the figure without maintenance.
   */
  public static JsonObject monthly(
      Fleet fleet, YearMonth month, TimeRange window, Queries.Results results, Lives lives) {
    JsonArray services = new JsonArray();
    for (Service s : fleet.services().values()) {
      AvailabilityReport r = Queries.service(fleet, s.id(), window, results, lives).report(window);
      double target = Queries.targetPercent(fleet, s);
      JsonObject json =
          new JsonObject()
              .put("id", s.id())
              .put("name", s.name())
              .put("tier", s.tier().configName())
              .put("target", target);
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
            .put("metExcludingMaintenance", ex * 100 >= target);
      } else {
        json.putNull("availabilityExcludingMaintenance")
            .putNull("percentExcludingMaintenance")
            .putNull("metExcludingMaintenance");
      }
      if (r.hasData()) {
        json.put("met", r.percent() >= target);
      } else {
        json.putNull("met");
      }
      services.add(json.put("outageCount", r.outages().size()).put("outages", ranges(r.outages())));
    }
    return new JsonObject()
        .put("month", month.toString())
        .put("from", window.start().toString())
        .put("to", window.end().toString())
        .put("complete", window.equals(DowntimeBudget.monthRange(month)))
        .put("services", services);
  }

  /** The columns of the monthly report's CSV, in order. */
  public static final List<String> CSV_COLUMNS =
      List.of(
          "service",
          "name",
          "tier",
          "target_percent",
          "availability_percent",
          "nines",
          "downtime_seconds",
          "maintenance_seconds",
          "availability_excluding_maintenance_percent",
          "met",
          "outages",
          "coverage");

  /** The monthly report as RFC 4180 CSV with a header row; CRLF line ends. */
  public static String monthlyCsv(JsonObject report) {
    StringBuilder out = new StringBuilder(String.join(",", CSV_COLUMNS)).append("\r\n");
    for (Object o : report.getJsonArray("services")) {
      JsonObject s = (JsonObject) o;
      Double ex = s.getDouble("percentExcludingMaintenance");
      Double percent = s.getDouble("percent");
      Double nines = s.getDouble("nines");
      Boolean met = s.getBoolean("met");
      List<String> row =
          List.of(
              csv(s.getString("id")),
              csv(s.getString("name")),
              csv(s.getString("tier")),
              number(s.getDouble("target")),
              percent == null ? "" : number(percent),
              nines == null ? "" : number(nines),
              number(s.getDouble("downSeconds")),
              number(s.getDouble("maintenanceSeconds")),
              ex == null ? "" : number(ex),
              met == null ? "no data" : String.valueOf(met),
              String.valueOf(s.getInteger("outageCount")),
              number(s.getDouble("coverage", 1.0)));
      out.append(String.join(",", row)).append("\r\n");
    }
    return out.toString();
  }

  private static String csv(String value) {
    if (value == null) {
      return "";
    }
    // A leading =, +, - or @ would run as a formula in a spreadsheet.
    String v = value;
    if (!v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0) {
      v = "'" + v;
    }
    if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
      return "\"" + v.replace("\"", "\"\"") + "\"";
    }
    return v;
  }

  private static String number(double d) {
    return String.format(Locale.ROOT, "%.6f", d).replaceAll("0+$", "").replaceAll("\\.$", "");
  }

  // ---- public status ----

  /**
   * {@code GET /api/v1/status}: per service only its name, its state now and its daily
   * availability. Nothing internal: no ids, checks, URLs, owners or failure messages.
   */
  public static JsonObject status(
      Fleet fleet, Instant now, int days, Queries.Results results, Lives lives) {
    TimeRange span = new TimeRange(dailyStart(now, days), now);
    JsonArray services = new JsonArray();
    boolean allUp = true;
    for (Service s : fleet.services().values()) {
      Queries.ServiceView view = Queries.service(fleet, s.id(), span, results, lives);
      JsonArray bars = new JsonArray();
      for (TimeRange day : days(span)) {
        AvailabilityReport r = view.report(day);
        JsonObject bar =
            new JsonObject()
                .put("date", LocalDate.ofInstant(day.start(), ZoneOffset.UTC).toString());
        Views.figure(bar, "availability", r, r.availability());
        bars.add(
            putExcluding(
                bar.put("maintenance", !r.maintenance().isZero())
                    .put("coverage", r.coverage())
                    .put("noData", !r.hasData()),
                r));
      }
      AvailabilityReport whole = view.report(span);
      String state = view.timeline().lastState().name();
      boolean maintenance = inMaintenance(view, now);
      allUp &= state.equals("UP") && !maintenance;
      JsonObject json =
          new JsonObject()
              .put("name", s.name())
              .put("state", state)
              .put("inMaintenance", maintenance);
      Views.figure(json, "availability", whole, whole.availability());
      services.add(
          json.put("windowSeconds", seconds(whole.total()))
              .put("observedSeconds", seconds(whole.observed().length()))
              .put("coverage", whole.coverage())
              .put("noData", !whole.hasData())
              .put("days", bars));
    }
    return new JsonObject()
        .put("at", now.toString())
        .put("allOperational", allUp)
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
