package io.nines.coordinator.timeline;

import io.nines.common.Checks;
import io.nines.common.TimeRange;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The classic formula, {@code (total - down) / total}, with Nines' policies:
 *
 * <ul>
 *   <li><b>Maintenance counts as downtime.</b> Every second inside a maintenance window is down,
 *       whatever the probes said; it is also reported on its own, and {@code
 *       availabilityExcludingMaintenance} gives the figure without it. Overlapping windows count
 *       once.
 *   <li><b>UNKNOWN counts as up.</b> Time without fresh data (no agent reporting) does not lower
 *       availability, as in Gatus and common status pages; it is reported as {@code unknown} so
 *       that a window with little data is visible as such. The alternative, excluding it from the
 *       total, would make a window with one good minute of data read 100%; counting it as up keeps
 *       the denominator the wall-clock window that users and contracts reason about.
 *   <li><b>DEGRADED counts as up</b>: the check's own {@code down-when} rule says it is not down.
 * </ul>
 */
public final class Availability {
  private Availability() {}

  /**
   * Availability of {@code timeline} over {@code window}.
   *
   * @param timeline a service (or check) timeline; parts of the window it does not cover are
   *     UNKNOWN
   * @param window the window; must not be empty
   * @param maintenance maintenance ranges, in any order, possibly overlapping or reaching outside
   *     the window
   * @throws IllegalArgumentException when the window is empty
   */
  public static AvailabilityReport report(
      Timeline timeline, TimeRange window, Collection<TimeRange> maintenance) {
    Checks.checkArgument(
        !window.isEmpty(), "window: %s (expected: to after from, a non-empty window)", window);
    Timeline t = timeline.clip(window);
    List<TimeRange> m = TimeRanges.clip(maintenance, window);
    Duration maint = TimeRanges.total(m);
    Duration downOutside = t.duration(State.DOWN).minus(t.overlap(m, State.DOWN));
    Duration unknown = t.duration(State.UNKNOWN).minus(t.overlap(m, State.UNKNOWN));
    Duration degraded = t.duration(State.DEGRADED).minus(t.overlap(m, State.DEGRADED));
    Duration down = maint.plus(downOutside);
    long totalNanos = window.length().toNanos();
    double availability = fraction(totalNanos - down.toNanos(), totalNanos);
    long measured = totalNanos - maint.toNanos();
    OptionalDouble excluding =
        measured > 0
            ? OptionalDouble.of(fraction(measured - downOutside.toNanos(), measured))
            : OptionalDouble.empty();
    List<TimeRange> outages = TimeRanges.subtract(t.stretches(State.DOWN), m);
    return new AvailabilityReport(
        window,
        availability,
        Nines.of(availability),
        down,
        maint,
        unknown,
        degraded,
        excluding,
        outages,
        m);
  }

  private static double fraction(long numerator, long denominator) {
    double f = (double) numerator / denominator;
    return Math.max(0, Math.min(1, f));
  }
}
