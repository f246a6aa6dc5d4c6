package io.nines.coordinator.internal;

import io.nines.common.TimeRange;
import io.nines.config.Check;
import io.nines.config.DownWhen;
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
 * Fetches location timelines from the store, then merges them in the pure core. {@link #fetch} is
 * asynchronous and never blocks; the static methods are pure arithmetic over what was fetched
 * (proportional to the state changes in the window, not to the results that ran in it).
 */
public final class Queries {
  private final ResultStore store;

  public Queries(ResultStore store) {
    this.store = store;
  }

  /**
   * The location timelines of {@code checks} over {@code span}, from each check's history in the
   * store ({@link ResultStore#locationTimelines}): raw results are not read, so a window reaches
   * back as far as {@code retention.rollup}. All checks are read at once.
   *
   * @return check id -> location -> timeline over {@code span}; every check of {@code checks} has
   *     an entry
   */
  public Future<Results> fetch(Collection<Check> checks, TimeRange span) {
    List<Check> list = List.copyOf(checks);
    List<Future<Map<String, Timeline>>> reads = new ArrayList<>(list.size());
    for (Check c : list) {
      reads.add(store.locationTimelines(c.id(), span));
    }
    return Future.all(reads)
        .map(
            all -> {
              Map<String, Map<String, Timeline>> byCheck = new HashMap<>();
              for (int i = 0; i < list.size(); i++) {
                byCheck.put(list.get(i).id(), reads.get(i).result());
              }
              return new Results(byCheck);
            });
  }

  /** What {@link #fetch} read: check id -> location -> timeline over the fetched span. */
  public record Results(Map<String, Map<String, Timeline>> byCheck) {
    public Map<String, Timeline> of(Check check) {
      return byCheck.getOrDefault(check.id(), Map.of());
    }
  }

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
      Check check, TimeRange span, Results results) {
    Map<String, Timeline> out = new LinkedHashMap<>();
    for (String location : check.locations()) {
      out.put(location, Timeline.constant(span, State.UNKNOWN));
    }
    results
        .of(check)
        .forEach((location, t) -> out.put(location, t.span().equals(span) ? t : t.clip(span)));
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
    Service service = fleet.services().get(serviceId);
    return Timelines.forService(checks, service == null ? DownWhen.ANY : service.downWhen(), span);
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
