package io.nines.availability.report;

import io.nines.availability.AvailabilityReport;
import io.nines.availability.State;
import io.nines.common.TimeRange;
import io.nines.config.Fleet;
import io.nines.config.Service;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * What the public status page shows: per service its state now and its availability day by day.
 * Carries everything the computation saw; what reaches the public is the renderer's choice (names,
 * states and figures only: no ids, checks, URLs, owners or failure messages).
 *
 * @param at the instant the history was computed for ({@code now})
 * @param allOperational whether every service is UP and none is in maintenance
 * @param services one entry per service, in the fleet's order
 */
public record StatusHistory(Instant at, boolean allOperational, List<ServiceStatus> services) {
  public StatusHistory {
    services = List.copyOf(services);
  }

  /**
   * One service's status.
   *
   * @param state its state now
   * @param inMaintenance whether a maintenance window is open now
   * @param whole its availability over all the days
   * @param days one entry per UTC day, oldest first; today's ends at {@code at}
   */
  public record ServiceStatus(
      String name, State state, boolean inMaintenance, AvailabilityReport whole, List<Day> days) {
    public ServiceStatus {
      days = List.copyOf(days);
    }
  }

  /**
   * One UTC day of one service.
   *
   * @param report the service's availability over the day (up to now for today)
   */
  public record Day(LocalDate date, AvailabilityReport report) {
    /** Whether the day had planned maintenance. */
    public boolean maintenance() {
      return !report.maintenance().isZero();
    }
  }

  /** The span {@link #of} reads: {@code days} UTC days ending with today, up to {@code now}. */
  public static TimeRange span(Instant now, int days) {
    return new TimeRange(UtcDays.dailyStart(now, days), now);
  }

  /**
   * The status history as of {@code now}.
   *
   * @param days how many UTC days, today included
   * @param results fetched over {@link #span(Instant, int)}
   */
  public static StatusHistory of(
      Fleet fleet, Instant now, int days, FetchedTimelines results, Lives lives) {
    TimeRange span = span(now, days);
    List<ServiceStatus> services = new ArrayList<>();
    boolean allUp = true;
    for (Service s : fleet.services().values()) {
      ServiceView view = FleetTimelines.service(fleet, s.id(), span, results, lives);
      List<Day> bars = new ArrayList<>();
      for (TimeRange day : UtcDays.days(span)) {
        bars.add(new Day(UtcDays.dateOf(day), view.report(day)));
      }
      State state = view.timeline().lastState();
      boolean maintenance = view.inMaintenance(now);
      allUp &= state == State.UP && !maintenance;
      services.add(new ServiceStatus(s.name(), state, maintenance, view.report(span), bars));
    }
    return new StatusHistory(now, allUp, services);
  }
}
