package io.nines.availability.report;

import io.nines.availability.Availability;
import io.nines.availability.AvailabilityReport;
import io.nines.availability.DowntimeBudget;
import io.nines.availability.Timeline;
import io.nines.common.TimeRange;
import io.nines.config.Fleet;
import io.nines.config.Service;
import io.nines.config.Settings;
import java.time.Instant;
import java.util.List;

/**
 * One service as the read models see it: its timeline over a fetched span, where its life starts,
 * and the maintenance that counts. Built by {@link FleetTimelines#service}.
 *
 * @param observedFrom where its life starts; null when it has not started
 */
public record ServiceView(
    Fleet fleet, Service service, Timeline timeline, Instant observedFrom, Lives lives) {

  /** How stale time inside the life counts: the fleet's {@code settings.unknown}. */
  public Settings.Unknown unknown() {
    return fleet.settings().unknown();
  }

  /** The maintenance that counts, overlapping {@code window} and clipped to it. */
  public List<TimeRange> maintenance(TimeRange window) {
    return FleetTimelines.maintenance(fleet, service.id(), window, lives);
  }

  /** Whether a maintenance window is open at {@code now}. */
  public boolean inMaintenance(Instant now) {
    return !maintenance(new TimeRange(now, now.plusMillis(1))).isEmpty();
  }

  /** The report over {@code window}, which must lie within the timeline's span. */
  public AvailabilityReport report(TimeRange window) {
    return Availability.report(timeline, window, maintenance(window), observedFrom, unknown());
  }

  /** This month's budget as of {@code now}; the month so far must lie within the span. */
  public DowntimeBudget budget(Instant now) {
    TimeRange month =
        new TimeRange(DowntimeBudget.monthRange(DowntimeBudget.monthOf(now)).start(), now);
    return DowntimeBudget.asOf(
        FleetTimelines.targetPercent(fleet, service),
        timeline,
        maintenance(month),
        now,
        observedFrom,
        unknown());
  }
}
