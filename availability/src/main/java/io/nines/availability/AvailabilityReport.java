package io.nines.availability;

import io.nines.common.TimeRange;
import io.nines.config.Settings;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The availability of one service over one window, as computed by {@link Availability#report}.
 *
 * <p>Only the {@code observed} part of the window (the service's life) is measured. It splits,
 * without overlap, into {@code maintenance}, {@code down} minus {@code maintenance} (the outages,
 * plus stale time when stale time counts as down), {@code degraded}, {@code unknown} and the rest
 * (up).
 *
 * @param window the window {@code [from, to)} that was asked for; never empty
 * @param observed the part of the window inside the service's life, {@code [max(from, life start),
 *     to)}; empty when the life had not started by {@code to}
 * @param unknownPolicy how stale time inside the life was counted
 * @param availability {@code (observed - down) / observed} (with {@link Settings.Unknown#EXCLUDED},
 *     stale time is taken out of {@code observed}), a fraction in {@code [0, 1]}; NaN when {@link
 *     #hasData()} is false
 * @param nines {@link Nines#of(double)} of {@code availability}; NaN without data
 * @param down downtime: every second inside maintenance plus every second DOWN outside it (plus
 *     stale time with {@link Settings.Unknown#DOWN})
 * @param maintenance time of the life inside the union of the maintenance windows (overlaps counted
 *     once)
 * @param unknown time of the life outside maintenance without fresh data
 * @param degraded time outside maintenance when some locations failed but fewer than the threshold;
 *     counted as up
 * @param availabilityExcludingMaintenance the same figure with maintenance taken out of both sides;
 *     empty when the whole observed time is maintenance, or without data
 * @param outages contiguous stretches DOWN by the probes outside maintenance, in order
 * @param maintenanceWindows the union of the maintenance windows inside the observed time, in order
 */
public record AvailabilityReport(
    TimeRange window,
    TimeRange observed,
    Settings.Unknown unknownPolicy,
    double availability,
    double nines,
    Duration down,
    Duration maintenance,
    Duration unknown,
    Duration degraded,
    OptionalDouble availabilityExcludingMaintenance,
    List<TimeRange> outages,
    List<TimeRange> maintenanceWindows) {

  public AvailabilityReport {
    outages = List.copyOf(outages);
    maintenanceWindows = List.copyOf(maintenanceWindows);
  }

  /**
   * Whether there is a figure: some of the window lies in the service's life and not all of that is
   * stale (or, with {@link Settings.Unknown#EXCLUDED}, something is left once stale time is taken
   * out). Without data, say "no data", never 100%.
   */
  public boolean hasData() {
    return !Double.isNaN(availability);
  }

  /** {@code availability * 100}, unrounded; NaN without data. */
  public double percent() {
    return availability * 100;
  }

  /** The window's length. */
  public Duration total() {
    return window.length();
  }

  /** How much of the window was observed: {@code observed / window}, in {@code [0, 1]}. */
  public double coverage() {
    return (double) observed.length().toNanos() / window.length().toNanos();
  }
}
