package io.nines.coordinator.readmodel;

import io.nines.availability.AvailabilityReport;
import io.nines.availability.BurnRate;
import io.nines.availability.DowntimeBudget;
import io.nines.availability.State;
import io.nines.availability.report.FetchedTimelines;
import io.nines.availability.report.FleetTimelines;
import io.nines.availability.report.Lives;
import io.nines.availability.report.ServiceView;
import io.nines.common.ProbeResult;
import io.nines.common.TimeRange;
import io.nines.config.Check;
import io.nines.config.Fleet;
import io.nines.config.Service;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The availability figures as Prometheus series ({@code GET /metrics/availability}), so that teams
 * graph and alert on them next to their other SLOs. Every value is the one the API gives for the
 * same service and window; a figure the API gives as null (no data) is not exported at all, never
 * as 100% or 0.
 *
 * <p>Labels are bounded: ids of services, checks and locations, a state, a window name; never a
 * URL. In a cluster each member exports only the services it owns ({@code owns}), with their
 * checks, so that a Prometheus scraping every member sees each series once.
 */
public final class AvailabilityMetrics {
  private AvailabilityMetrics() {}

  /** The availability windows, by label value; the API's {@code 24h} is {@code 1d} here. */
  public static final Map<String, Duration> WINDOWS = new LinkedHashMap<>();

  /** The burn-rate windows of the multi-window alert ({@link BurnRate}), by label value. */
  public static final Map<String, Duration> BURN_WINDOWS = new LinkedHashMap<>();

  static {
    WINDOWS.put("1d", Duration.ofDays(1));
    WINDOWS.put("7d", Duration.ofDays(7));
    WINDOWS.put("30d", Duration.ofDays(30));
    BURN_WINDOWS.put("1h", Duration.ofHours(1));
    BURN_WINDOWS.put("6h", Duration.ofHours(6));
  }

  /**
   * The span whose results the figures need as of {@code now}: the longest window, and this month
   * so far for the budget.
   */
  public static TimeRange span(Instant now) {
    Instant longest = now.minus(WINDOWS.get("30d"));
    Instant month = DowntimeBudget.monthRange(DowntimeBudget.monthOf(now)).start();
    return new TimeRange(longest.isBefore(month) ? longest : month, now);
  }

  /** The services this member exports: those it owns, with at least one check. */
  public static List<Service> exported(Fleet fleet, Predicate<String> owns) {
    List<Service> out = new ArrayList<>();
    for (Service s : fleet.services().values()) {
      if (!fleet.checksOf(s.id()).isEmpty() && owns.test(s.id())) {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * The exposition text.
   *
   * @param services what {@link #exported} chose
   * @param results fetched over {@link #span(Instant)} for every check of {@code services}
   * @param latest per check id, per location, the newest result still fresh at {@code now} (twice
   *     the check's interval); a location without one has no check series
   */
  public static String render(
      Fleet fleet,
      Collection<Service> services,
      Instant now,
      FetchedTimelines results,
      Lives lives,
      Map<String, Map<String, ProbeResult>> latest) {
    TimeRange span = span(now);
    Family up =
        new Family(
            "nines_service_up",
            "Whether the service is available now as its probes see it (1: up or degraded, 0:"
                + " down); absent while its state is unknown");
    Family state =
        new Family(
            "nines_service_state",
            "The service's current state: 1 for the state it is in, 0 for the others");
    Family maintenance =
        new Family(
            "nines_service_in_maintenance", "Whether a maintenance window of the service is open");
    Family availability =
        new Family(
            "nines_service_availability_ratio",
            "Availability over the window's observed part, 0 to 1, as the API gives it; absent"
                + " when no part of the window was observed");
    Family coverage =
        new Family(
            "nines_service_coverage_ratio",
            "How much of the window was observed (inside the service's life), 0 to 1");
    Family allowed =
        new Family(
            "nines_service_budget_allowed_seconds",
            "This month's downtime budget, pro-rated to the part of the month inside the"
                + " service's life");
    Family remaining =
        new Family(
            "nines_service_budget_remaining_seconds",
            "This month's downtime budget left, in seconds; negative when overspent");
    Family burn =
        new Family(
            "nines_service_burn_rate",
            "Downtime rate over the window divided by the rate the target allows (1: the budget"
                + " lasts exactly 30 days); absent when no part of the window was observed");
    Family checkUp =
        new Family(
            "nines_check_up",
            "Whether the newest fresh result of the check at the location passed (1) or failed"
                + " (0); absent when the location has no result within twice the interval");
    Family duration =
        new Family(
            "nines_check_duration_seconds",
            "How long the newest fresh probe of the check at the location took, retries"
                + " included");
    for (Service s : services) {
      String sid = label("service", s.id());
      ServiceView view = FleetTimelines.service(fleet, s.id(), span, results, lives);
      State current = view.timeline().lastState();
      if (current != State.UNKNOWN) {
        up.add(sid, current == State.DOWN ? 0 : 1);
      }
      for (State st : State.values()) {
        state.add(
            sid + "," + label("state", st.name().toLowerCase(Locale.ROOT)), st == current ? 1 : 0);
      }
      maintenance.add(sid, view.inMaintenance(now) ? 1 : 0);
      for (Map.Entry<String, Duration> w : WINDOWS.entrySet()) {
        AvailabilityReport r = view.report(new TimeRange(now.minus(w.getValue()), now));
        String labels = sid + "," + label("window", w.getKey());
        coverage.add(labels, r.coverage());
        if (r.hasData()) {
          availability.add(labels, r.availability());
        }
      }
      DowntimeBudget budget = view.budget(now);
      if (!budget.period().isEmpty()) {
        allowed.add(sid, seconds(budget.allowed()));
        remaining.add(sid, seconds(budget.left()));
      }
      double target = FleetTimelines.targetPercent(fleet, s);
      double allowedRate = 1 - target / 100.0;
      for (Map.Entry<String, Duration> w : BURN_WINDOWS.entrySet()) {
        AvailabilityReport r = view.report(new TimeRange(now.minus(w.getValue()), now));
        double observed = seconds(r.observed().length());
        if (r.hasData() && observed > 0 && allowedRate > 0) {
          double downRate = seconds(r.down()) / observed;
          burn.add(sid + "," + label("window", w.getKey()), downRate / allowedRate);
        }
      }
      for (Check c : fleet.checksOf(s.id())) {
        Map<String, ProbeResult> byLocation = latest.getOrDefault(c.id(), Map.of());
        for (Map.Entry<String, ProbeResult> e : byLocation.entrySet()) {
          String labels = label("check", c.id()) + "," + sid + "," + label("location", e.getKey());
          checkUp.add(labels, e.getValue().ok() ? 1 : 0);
          duration.add(labels, e.getValue().durationMillis() / 1000.0);
        }
      }
    }
    StringBuilder out = new StringBuilder();
    for (Family f :
        List.of(
            up,
            state,
            maintenance,
            availability,
            coverage,
            allowed,
            remaining,
            burn,
            checkUp,
            duration)) {
      f.writeTo(out);
    }
    return out.toString();
  }

  /**
   * The newest result of each location that is still fresh at {@code now}: started within twice the
   * check's interval.
   */
  public static Map<String, ProbeResult> newestFresh(
      Check check, Map<String, List<ProbeResult>> byLocation, Instant now) {
    Instant freshFrom = now.minus(FleetTimelines.staleAfter(check));
    Map<String, ProbeResult> out = new LinkedHashMap<>();
    byLocation.forEach(
        (location, list) -> {
          ProbeResult newest = null;
          for (ProbeResult r : list) {
            if (!r.startedAt().isBefore(freshFrom)
                && (newest == null || r.startedAt().isAfter(newest.startedAt()))) {
              newest = r;
            }
          }
          if (newest != null) {
            out.put(location, newest);
          }
        });
    return out;
  }

  private static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }

  /** {@code name="value"}, with the value escaped as the text format requires. */
  static String label(String name, String value) {
    StringBuilder out = new StringBuilder(name).append("=\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\\\");
        case '"' -> out.append("\\\"");
        case '\n' -> out.append("\\n");
        default -> out.append(c);
      }
    }
    return out.append('"').toString();
  }

  /** One metric family: its help, and its samples in the order added. */
  private static final class Family {
    private final String name;
    private final String help;
    private final List<String> samples = new ArrayList<>();

    Family(String name, String help) {
      this.name = name;
      this.help = help;
    }

    void add(String labels, double value) {
      samples.add(name + "{" + labels + "} " + format(value));
    }

    void writeTo(StringBuilder out) {
      if (samples.isEmpty()) {
        return;
      }
      out.append("# HELP ").append(name).append(' ').append(help).append('\n');
      out.append("# TYPE ").append(name).append(" gauge\n");
      for (String s : samples) {
        out.append(s).append('\n');
      }
    }

    private static String format(double v) {
      if (v == Math.rint(v) && Math.abs(v) < 1e15) {
        return Long.toString((long) v);
      }
      return Double.toString(v);
    }
  }
}
