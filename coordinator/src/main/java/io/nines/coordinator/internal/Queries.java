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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads results from the store and feeds them to the pure core. May block as the store may; callers
 * on an event loop run it on a worker.
 */
public final class Queries {
  private final ResultStore store;

  public Queries(ResultStore store) {
    this.store = store;
  }

  /** How long a result stays fresh: twice the check's interval. */
  public static Duration staleAfter(Check check) {
    return check.every().multipliedBy(2);
  }

  /** One timeline per location that has results able to shape {@code span}, by location id. */
  public Map<String, Timeline> locationTimelines(Check check, TimeRange span) {
    Duration stale = staleAfter(check);
    Map<String, List<ProbeResult>> byLocation =
        store.resultsByLocation(check.id(), span.start().minus(stale), span.end());
    Map<String, Timeline> out = new LinkedHashMap<>();
    for (String location : check.locations()) {
      out.put(location, Timeline.constant(span, State.UNKNOWN));
    }
    byLocation.forEach(
        (location, results) -> out.put(location, Timelines.forLocation(results, stale, span)));
    return out;
  }

  public Timeline checkTimeline(Check check, TimeRange span) {
    return Timelines.forCheck(locationTimelines(check, span).values(), check.downWhen(), span);
  }

  public Timeline serviceTimeline(Fleet fleet, String serviceId, TimeRange span) {
    List<Timeline> checks = new ArrayList<>();
    for (Check c : fleet.checksOf(serviceId)) {
      checks.add(checkTimeline(c, span));
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
