package io.nines.availability.report;

import io.nines.availability.AvailabilityReport;
import io.nines.availability.DowntimeBudget;
import io.nines.common.TimeRange;
import io.nines.config.Fleet;
import io.nines.config.Service;
import io.nines.config.Tier;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A calendar month's availability per service, against each service's target: the monthly report.
 *
 * @param month the month reported on
 * @param window the part of the month reported: the whole month, or up to {@code now} for the
 *     current one ({@link #window(YearMonth, Instant)})
 * @param services one entry per service, in the fleet's order
 */
public record MonthlyReport(YearMonth month, TimeRange window, List<ServiceMonth> services) {
  public MonthlyReport {
    services = List.copyOf(services);
  }

  /** Whether the report covers the whole month (the month is over). */
  public boolean complete() {
    return window.equals(DowntimeBudget.monthRange(month));
  }

  /**
   * One service's month.
   *
   * @param targetPercent the service's target in percent ({@link FleetTimelines#targetPercent})
   * @param report the service's availability over the report's window
   */
  public record ServiceMonth(
      String id, String name, Tier tier, double targetPercent, AvailabilityReport report) {

    /**
     * Whether the month met the target, maintenance counted as downtime (like the downtime budget);
     * empty without data.
     */
    public Optional<Boolean> met() {
      return report.hasData() ? Optional.of(report.percent() >= targetPercent) : Optional.empty();
    }

    /**
     * Whether the figure without maintenance met the target; empty when there is no such figure (no
     * data, or the whole observed time was maintenance).
     */
    public Optional<Boolean> metExcludingMaintenance() {
      return report.availabilityExcludingMaintenance().isPresent()
          ? Optional.of(
              report.availabilityExcludingMaintenance().getAsDouble() * 100 >= targetPercent)
          : Optional.empty();
    }
  }

  /**
   * The part of {@code month} to report on: the whole month, or up to {@code now} for the current
   * one.
   *
   * @throws IllegalArgumentException when the month starts after {@code now}
   */
  public static TimeRange window(YearMonth month, Instant now) {
    TimeRange range = DowntimeBudget.monthRange(month);
    if (!range.start().isBefore(now)) {
      throw new IllegalArgumentException(
          "month was '"
              + month
              + "' but it must not be after the current month "
              + DowntimeBudget.monthOf(now)
              + " (a report needs measurements)");
    }
    return range.end().isAfter(now) ? new TimeRange(range.start(), now) : range;
  }

  /**
   * The report on {@code month}.
   *
   * @param window {@link #window(YearMonth, Instant)} of the month
   * @param results fetched over {@code window}
   */
  public static MonthlyReport of(
      Fleet fleet, YearMonth month, TimeRange window, FetchedTimelines results, Lives lives) {
    List<ServiceMonth> services = new ArrayList<>();
    for (Service s : fleet.services().values()) {
      AvailabilityReport r =
          FleetTimelines.service(fleet, s.id(), window, results, lives).report(window);
      services.add(
          new ServiceMonth(s.id(), s.name(), s.tier(), FleetTimelines.targetPercent(fleet, s), r));
    }
    return new MonthlyReport(month, window, services);
  }
}
