package io.nines.coordinator.timeline;

import io.nines.common.TimeRange;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The availability of one service over one window, as computed by {@link Availability#report}.
 *
 * <p>The window's time splits, without overlap, into {@code maintenance}, {@code down} minus {@code
 * maintenance} (the outages), {@code degraded}, {@code unknown} and the rest (up); so {@code down =
 * maintenance + sum(outages)}.
 *
 * @param window the window {@code [from, to)}; never empty
 * @param availability {@code (total - down) / total}, a fraction in {@code [0, 1]}
 * @param nines {@link Nines#of(double)} of {@code availability}
 * @param down downtime: every second inside maintenance plus every second DOWN outside it
 * @param maintenance time inside the union of the maintenance windows (overlaps counted once)
 * @param unknown time outside maintenance without fresh data; counted as up in {@code availability}
 * @param degraded time outside maintenance when some locations failed but fewer than the threshold;
 *     counted as up
 * @param availabilityExcludingMaintenance {@code (total - maintenance - (down - maintenance)) /
 *     (total - maintenance)}; empty when the whole window is maintenance
 * @param outages contiguous stretches DOWN by the probes outside maintenance, in order
 * @param maintenanceWindows the union of the maintenance windows inside the window, in order
 */
public record AvailabilityReport(
    TimeRange window,
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

  /** {@code availability * 100}, unrounded. */
  public double percent() {
    return availability * 100;
  }

  /** The window's length. */
  public Duration total() {
    return window.length();
  }
}
