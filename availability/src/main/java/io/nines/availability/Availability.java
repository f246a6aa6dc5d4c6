package io.nines.availability;

import io.nines.common.Checks;
import io.nines.common.TimeRange;
import io.nines.config.Settings;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The classic formula, {@code (total - down) / total}, with Nines' policies:
 *
 * <ul>
 *   <li><b>Only a check's life counts.</b> A service's life starts when the configuration that
 *       defines its first check was applied, or at its first result, whichever is earlier ({@code
 *       observedFrom}). Time before it is neither up, down nor unknown: it is left out of both
 *       sides of the formula, and the report says how much of the window was observed ({@link
 *       AvailabilityReport#observed}, {@link AvailabilityReport#coverage}). A window that holds
 *       none of the life, or only stale time (maintenance or not), has no figure ({@link
 *       AvailabilityReport#hasData}).
 *   <li><b>Maintenance counts as downtime.</b> Every second inside a maintenance window is down,
 *       whatever the probes said; it is also reported on its own, and {@code
 *       availabilityExcludingMaintenance} gives the figure without it. Overlapping windows count
 *       once.
 *   <li><b>UNKNOWN inside the life counts as up</b> by default ({@link Settings.Unknown#UP}): time
 *       without fresh data (no agent reporting) does not lower availability, as in Gatus and common
 *       status pages; it is reported as {@code unknown} so that a window with little data is
 *       visible as such. Excluding it from the total would make a window with one good minute of
 *       data read 100%; counting it as up keeps the denominator the observed wall-clock time that
 *       users and contracts reason about. The fleet setting {@code settings.unknown} may say {@link
 *       Settings.Unknown#DOWN} or {@link Settings.Unknown#EXCLUDED} instead.
 *   <li><b>DEGRADED counts as up</b>: the check's own {@code down-when} rule says it is not down.
 * </ul>
 */
public final class Availability {
  private Availability() {}

  /**
   * Availability of {@code timeline} over the whole of {@code window}, stale time counted as up:
   * the same as {@link #report(Timeline, TimeRange, Collection, Instant, Settings.Unknown)} with a
   * life that began before the window.
   */
  public static AvailabilityReport report(
      Timeline timeline, TimeRange window, Collection<TimeRange> maintenance) {
    return report(timeline, window, maintenance, window.start(), Settings.Unknown.UP);
  }

  /**
   * Availability of {@code timeline} over the part of {@code window} inside the service's life.
   *
   * @param timeline a service (or check) timeline; parts of the window it does not cover are
   *     UNKNOWN
   * @param window the window; must not be empty
   * @param maintenance maintenance ranges, in any order, possibly overlapping or reaching outside
   *     the window; the parts before {@code observedFrom} are ignored
   * @param observedFrom where the life starts; null when it has not started (no configuration
   *     recorded and no result), so that nothing of the window is observed
   * @param unknown how stale time inside the life counts
   * @throws IllegalArgumentException when the window is empty
   */
  public static AvailabilityReport report(
      Timeline timeline,
      TimeRange window,
      Collection<TimeRange> maintenance,
      Instant observedFrom,
      Settings.Unknown unknown) {
    Checks.checkArgument(
        !window.isEmpty(), "window: %s (expected: to after from, a non-empty window)", window);
    Checks.notNull(unknown, "unknown");
    TimeRange observed = observed(window, observedFrom);
    if (observed.isEmpty()) {
      return noData(window, observed, unknown);
    }
    Timeline t = timeline.clip(observed);
    List<TimeRange> m = TimeRanges.clip(maintenance, observed);
    Duration maint = TimeRanges.total(m);
    Duration downOutside = t.duration(State.DOWN).minus(t.overlap(m, State.DOWN));
    Duration stale = t.duration(State.UNKNOWN).minus(t.overlap(m, State.UNKNOWN));
    Duration degraded = t.duration(State.DEGRADED).minus(t.overlap(m, State.DEGRADED));
    long observedNanos = observed.length().toNanos();
    if (t.duration(State.UNKNOWN).toNanos() == observedNanos) {
      // Nothing but stale time: no agent reported inside the life. A maintenance window in it
      // does not make a figure: the rest of the time would count as up (or down) with nobody
      // having seen it, "100 % excluding maintenance" for a service nobody watched. The
      // maintenance is still reported, and is still downtime.
      return noData(window, observed, unknown, stale, maint, m);
    }
    Duration down = maint.plus(downOutside);
    long totalNanos = observedNanos;
    long downOutsideNanos = downOutside.toNanos();
    switch (unknown) {
      case UP -> {}
      case DOWN -> {
        down = down.plus(stale);
        downOutsideNanos += stale.toNanos();
      }
      case EXCLUDED -> totalNanos -= stale.toNanos();
    }
    double availability = fraction(totalNanos - down.toNanos(), totalNanos);
    long measured = totalNanos - maint.toNanos();
    OptionalDouble excluding =
        measured > 0
            ? OptionalDouble.of(fraction(measured - downOutsideNanos, measured))
            : OptionalDouble.empty();
    List<TimeRange> outages = TimeRanges.subtract(t.stretches(State.DOWN), m);
    return new AvailabilityReport(
        window,
        observed,
        unknown,
        availability,
        Nines.of(availability),
        down,
        maint,
        stale,
        degraded,
        excluding,
        outages,
        m);
  }

  /** The part of {@code window} from {@code observedFrom} on; empty when that is null or later. */
  public static TimeRange observed(TimeRange window, Instant observedFrom) {
    if (observedFrom == null || !observedFrom.isBefore(window.end())) {
      return new TimeRange(window.end(), window.end());
    }
    return observedFrom.isAfter(window.start())
        ? new TimeRange(observedFrom, window.end())
        : window;
  }

  private static AvailabilityReport noData(
      TimeRange window, TimeRange observed, Settings.Unknown unknown) {
    return noData(window, observed, unknown, Duration.ZERO, Duration.ZERO, List.of());
  }

  /**
   * No figure; the stale time and the maintenance (still downtime) in the observed part are
   * reported.
   */
  private static AvailabilityReport noData(
      TimeRange window,
      TimeRange observed,
      Settings.Unknown unknown,
      Duration stale,
      Duration maintenance,
      List<TimeRange> maintenanceWindows) {
    return new AvailabilityReport(
        window,
        observed,
        unknown,
        Double.NaN,
        Double.NaN,
        maintenance,
        maintenance,
        stale,
        Duration.ZERO,
        OptionalDouble.empty(),
        List.of(),
        maintenanceWindows);
  }

  private static double fraction(long numerator, long denominator) {
    if (denominator <= 0) {
      return Double.NaN;
    }
    double f = (double) numerator / denominator;
    return Math.max(0, Math.min(1, f));
  }
}
