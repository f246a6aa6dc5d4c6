package io.nines.config;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/**
 * When a heartbeat check's job must report: every {@code every}, or at each fire of a cron {@code
 * schedule} in {@code zone}; a run is missed when no ping arrives within {@code grace} after it was
 * due, and a run that reported its start is DOWN when it has not finished within {@code
 * maxRuntime}.
 *
 * @param every the interval between runs; null when {@code schedule} is set
 * @param schedule the cron schedule; null when {@code every} is set
 * @param zone the schedule's time zone (UTC when not written); unused with {@code every}
 * @param grace how late a ping may come; above zero
 * @param maxRuntime the longest a started run may take before it counts as DOWN; null for no limit
 */
public record HeartbeatPlan(
    Duration every, CronSchedule schedule, ZoneId zone, Duration grace, Duration maxRuntime) {

  /** The one location every heartbeat check's results carry: it is pushed to, not probed from. */
  public static final String LOCATION = "push";

  public HeartbeatPlan {
    if ((every == null) == (schedule == null)) {
      throw new IllegalArgumentException(
          "every: " + every + ", schedule: " + schedule + " (expected: exactly one of them)");
    }
    if (grace == null || grace.isNegative() || grace.isZero()) {
      throw new IllegalArgumentException("grace: " + grace + " (expected: > 0)");
    }
    zone = zone == null ? ZoneId.of("UTC") : zone;
  }

  /**
   * When the next run is due after one at {@code after} (a ping, or the check's life start): {@code
   * after + every}, or the schedule's first fire strictly after {@code after}.
   */
  public Instant nextDue(Instant after) {
    return every != null ? after.plus(every) : schedule.next(after, zone);
  }

  /** The plan as written: {@code every 1d} or {@code 0 2 * * * Europe/Berlin}. */
  public String describe() {
    return every != null
        ? "every " + io.nines.config.internal.Units.formatDuration(every)
        : "'" + schedule.source() + "' " + zone.getId();
  }
}
