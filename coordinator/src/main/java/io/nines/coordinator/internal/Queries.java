package io.nines.coordinator.internal;

import io.nines.common.ProbeResult;
import io.nines.common.TimeRange;
import io.nines.config.Check;
import io.nines.config.Fleet;
import io.nines.config.MaintenanceWindow;
import io.nines.config.Service;
import io.nines.coordinator.store.ResultStore;
import io.nines.coordinator.timeline.State;
import io.nines.coordinator.timeline.Timeline;
import io.nines.coordinator.timeline.Timelines;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fetches results from the store, then feeds them to the pure core. {@link #fetch} is asynchronous
 * and never blocks; the static methods are pure arithmetic over what was fetched (heavy for long
 * windows, so callers on an event loop run them on a worker).
 */
public final class Queries {
  private final ResultStore store;

  public Queries(ResultStore store) {
    this.store = store;
  }

  /**
   * The results of {@code checks} (from all locations) that can shape {@code span}: those that ran
   * in {@code [span.start - staleAfter(check), span.end)}. All checks are read at once.
   *
   * @return check id -> location -> results; every check of {@code checks} has an entry
   */
  public Future<Results> fetch(Collection<Check> checks, TimeRange span) {
    List<Check> list = List.copyOf(checks);
    List<Future<Map<String, List<ProbeResult>>>> reads = new ArrayList<>(list.size());
    for (Check c : list) {
      reads.add(store.resultsByLocation(c.id(), span.start().minus(staleAfter(c)), span.end()));
    }
    return Future.all(reads)
        .map(
            all -> {
              Map<String, Map<String, List<ProbeResult>>> byCheck = new HashMap<>();
              for (int i = 0; i < list.size(); i++) {
                byCheck.put(list.get(i).id(), reads.get(i).result());
              }
              return new Results(byCheck);
            });
  }

  /** Results fetched by {@link #fetch}: check id -> location -> results. */
  public record Results(Map<String, Map<String, List<ProbeResult>>> byCheck) {
    public Map<String, List<ProbeResult>> of(Check check) {
      return byCheck.getOrDefault(check.id(), Map.of());
    }
  }

  /** How long a result stays fresh: twice the check's interval. */
  public static Duration staleAfter(Check check) {
    return check.every().multipliedBy(2);
  }

  /**
   * One timeline per location of {@code check} over {@code span}, by location id: its configured
   * locations (UNKNOWN without results) and any other that reported.
   */
  public static Map<String, Timeline> locationTimelines(
      Check check, TimeRange span, Results results) {
    Duration stale = staleAfter(check);
    Map<String, Timeline> out = new LinkedHashMap<>();
    for (String location : check.locations()) {
      out.put(location, Timeline.constant(span, State.UNKNOWN));
    }
    results
        .of(check)
        .forEach((location, rs) -> out.put(location, Timelines.forLocation(rs, stale, span)));
    return out;
  }

  public static Timeline checkTimeline(Check check, TimeRange span, Results results) {
    return Timelines.forCheck(
        locationTimelines(check, span, results).values(), check.downWhen(), span);
  }

  public static Timeline serviceTimeline(
      Fleet fleet, String serviceId, TimeRange span, Results results) {
    List<Timeline> checks = new ArrayList<>();
    for (Check c : fleet.checksOf(serviceId)) {
      checks.add(checkTimeline(c, span, results));
    }
    return Timelines.forService(checks, span);
  }

  /** The service's maintenance occurrences overlapping {@code window}, clipped to it. */
  public static List<TimeRange> maintenance(Fleet fleet, String serviceId, TimeRange window) {
    List<TimeRange> out = new ArrayList<>();
    for (MaintenanceWindow m : fleet.maintenanceOf(serviceId)) {
      out.addAll(m.schedule().occurrences(window.start(), window.end()));
    }
    return out;
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
