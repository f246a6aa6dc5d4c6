package io.nines.availability.report;

import io.nines.availability.Interval;
import io.nines.availability.State;
import io.nines.availability.Timeline;
import io.nines.availability.Timelines;
import io.nines.common.TimeRange;
import io.nines.config.Check;
import io.nines.config.DownWhen;
import io.nines.config.Fleet;
import io.nines.config.MaintenanceWindow;
import io.nines.config.Service;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Merges fetched location timelines into check and service timelines along a fleet's configuration,
 * and builds the {@link ServiceView} every read model starts from. Pure arithmetic, proportional to
 * the state changes in the window, not to the results that ran in it.
 */
public final class FleetTimelines {
  private FleetTimelines() {}

  /** How long a result stays fresh: twice the check's interval. */
  public static Duration staleAfter(Check check) {
    return check.every().multipliedBy(2);
  }

  /**
   * One timeline per location of {@code check} over {@code span}, by location id: its configured
   * locations (UNKNOWN without results) and any other that reported. {@code span} should lie within
   * the span that was fetched; time outside it is UNKNOWN.
   */
  public static Map<String, Timeline> locationTimelines(
      Check check, TimeRange span, FetchedTimelines results) {
    Map<String, Timeline> out = new LinkedHashMap<>();
    for (String location : check.locations()) {
      out.put(location, Timeline.constant(span, State.UNKNOWN));
    }
    results
        .of(check)
        .forEach((location, t) -> out.put(location, t.span().equals(span) ? t : t.clip(span)));
    return out;
  }

  /** The check's timeline over {@code span}: its locations merged by its {@code down-when}. */
  public static Timeline checkTimeline(Check check, TimeRange span, FetchedTimelines results) {
    return Timelines.forCheck(
        locationTimelines(check, span, results).values(), check.downWhen(), span);
  }

  /** The service's timeline over {@code span}, every check counted throughout the span. */
  public static Timeline serviceTimeline(
      Fleet fleet, String serviceId, TimeRange span, FetchedTimelines results) {
    List<Timeline> checks = new ArrayList<>();
    for (Check c : fleet.checksOf(serviceId)) {
      checks.add(checkTimeline(c, span, results));
    }
    Service service = fleet.services().get(serviceId);
    return Timelines.forService(checks, service == null ? DownWhen.ANY : service.downWhen(), span);
  }

  // ---- lives ----

  /**
   * When the first location of {@code check} reported, in what was fetched: the start of the
   * earliest time a location was UP or DOWN; null when none reported in the fetched span.
   */
  public static Instant firstResult(Check check, FetchedTimelines results) {
    Instant first = null;
    for (Timeline t : results.of(check).values()) {
      for (Interval iv : t.intervals()) {
        if (iv.state() != State.UNKNOWN) {
          first = earlier(first, iv.start());
          break;
        }
      }
    }
    return first;
  }

  /**
   * Where {@code check}'s life starts: when the configuration that defines it was first applied
   * ({@code lives}), or its first result in what was fetched, whichever is earlier; null when
   * neither is known (nothing of its life was seen).
   */
  public static Instant lifeStart(Check check, Lives lives, FetchedTimelines results) {
    return earlier(lives.checkConfigured(check.id()), firstResult(check, results));
  }

  /** Where the service's life starts: its earliest check's; null when no check's is known. */
  public static Instant lifeStart(
      Fleet fleet, String serviceId, Lives lives, FetchedTimelines results) {
    Instant start = null;
    for (Check c : fleet.checksOf(serviceId)) {
      start = earlier(start, lifeStart(c, lives, results));
    }
    return start;
  }

  private static Instant earlier(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isBefore(b) ? a : b;
  }

  /**
   * The service's timeline over {@code span}, where each check counts only from the start of its
   * life: before a check existed, the service is what its other checks say, and before any check's
   * life it is UNKNOWN (and outside the service's life, see {@link #lifeStart(Fleet, String, Lives,
   * FetchedTimelines)}).
   */
  public static Timeline serviceTimeline(
      Fleet fleet, String serviceId, TimeRange span, FetchedTimelines results, Lives lives) {
    List<Check> checks = fleet.checksOf(serviceId);
    Service service = fleet.services().get(serviceId);
    DownWhen downWhen = service == null ? DownWhen.ANY : service.downWhen();
    List<Timeline> timelines = new ArrayList<>();
    List<Instant> starts = new ArrayList<>();
    TreeSet<Instant> cuts = new TreeSet<>();
    cuts.add(span.start());
    cuts.add(span.end());
    boolean allAlive = true;
    for (Check c : checks) {
      timelines.add(checkTimeline(c, span, results));
      Instant start = lifeStart(c, lives, results);
      starts.add(start);
      if (start == null || start.isAfter(span.start())) {
        allAlive = false;
        if (start != null && start.isBefore(span.end())) {
          cuts.add(start);
        }
      }
    }
    if (allAlive || span.isEmpty()) {
      return Timelines.forService(timelines, downWhen, span);
    }
    List<Interval> parts = new ArrayList<>();
    Instant from = null;
    for (Instant cut : cuts) {
      if (from != null) {
        List<Timeline> alive = new ArrayList<>();
        for (int i = 0; i < checks.size(); i++) {
          if (starts.get(i) != null && !starts.get(i).isAfter(from)) {
            alive.add(timelines.get(i));
          }
        }
        if (!alive.isEmpty()) {
          parts.addAll(Timelines.forService(alive, downWhen, new TimeRange(from, cut)).intervals());
        }
      }
      from = cut;
    }
    return Timeline.of(span, parts);
  }

  /**
   * The service's maintenance occurrences overlapping {@code window}, clipped to it, each counted
   * only from when the configuration that defines its window was applied ({@code lives}).
   */
  public static List<TimeRange> maintenance(
      Fleet fleet, String serviceId, TimeRange window, Lives lives) {
    List<TimeRange> out = new ArrayList<>();
    for (MaintenanceWindow m : fleet.maintenanceOf(serviceId)) {
      Instant since = lives.maintenanceSince(m.id());
      Instant from = since != null && since.isAfter(window.start()) ? since : window.start();
      out.addAll(m.schedule().occurrences(from, window.end()));
    }
    return out;
  }

  /** The service's maintenance occurrences overlapping {@code window}, clipped to it. */
  public static List<TimeRange> maintenance(Fleet fleet, String serviceId, TimeRange window) {
    List<TimeRange> out = new ArrayList<>();
    for (MaintenanceWindow m : fleet.maintenanceOf(serviceId)) {
      out.addAll(m.schedule().occurrences(window.start(), window.end()));
    }
    return out;
  }

  /** {@code serviceId}'s view over {@code span}, from what was fetched over it. */
  public static ServiceView service(
      Fleet fleet, String serviceId, TimeRange span, FetchedTimelines results, Lives lives) {
    return new ServiceView(
        fleet,
        fleet.services().get(serviceId),
        serviceTimeline(fleet, serviceId, span, results, lives),
        lifeStart(fleet, serviceId, lives, results),
        lives);
  }

  /**
   * The service's target in percent: its own when the loader set one (above 0), else its tier's
   * from the fleet settings.
   */
  public static double targetPercent(Fleet fleet, Service service) {
    if (service.targetPercent() > 0 && service.targetPercent() <= 100) {
      return service.targetPercent();
    }
    Double byTier = fleet.settings().tierTargets().get(service.tier());
    return byTier != null ? byTier : service.tier().defaultTargetPercent();
  }
}
