package io.nines.config;

import io.nines.common.TimeRange;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;

/**
 * Planned maintenance. It counts as downtime; availability is also reported without it.
 *
 * @param id a stable id, e.g. {@code catalog-weekly}
 * @param services the services it covers
 * @param schedule when it happens
 * @param reason shown next to the timeline, or empty
 */
public record MaintenanceWindow(
    String id, List<String> services, Schedule schedule, String reason) {
  public MaintenanceWindow {
    services = List.copyOf(services);
    reason = reason == null ? "" : reason;
  }

  /** When a window happens. */
  public sealed interface Schedule {
    /** The occurrences that overlap {@code [from, to)}, clipped to it, in order. */
    List<TimeRange> occurrences(Instant from, Instant to);
  }

  /** Every week on {@code day} at {@code at} in {@code zone}, for {@code length}. */
  public record Weekly(DayOfWeek day, LocalTime at, Duration length, ZoneId zone)
      implements Schedule {
    @Override
    public List<TimeRange> occurrences(Instant from, Instant to) {
      List<TimeRange> out = new ArrayList<>();
      if (!to.isAfter(from)) {
        return out;
      }
      TimeRange window = new TimeRange(from, to);
      // Start one week early so an occurrence that began before `from` is clipped, not missed.
      ZonedDateTime start =
          from.atZone(zone).minusWeeks(1).with(TemporalAdjusters.previousOrSame(day)).with(at);
      for (ZonedDateTime t = start; t.toInstant().isBefore(to); t = t.plusWeeks(1)) {
        TimeRange occurrence = new TimeRange(t.toInstant(), t.toInstant().plus(length));
        TimeRange clipped = occurrence.intersect(window);
        if (!clipped.isEmpty()) {
          out.add(clipped);
        }
      }
      return out;
    }
  }

  /** Once, from {@code start} to {@code end}. */
  public record Once(Instant start, Instant end) implements Schedule {
    @Override
    public List<TimeRange> occurrences(Instant from, Instant to) {
      if (!to.isAfter(from)) {
        return List.of();
      }
      TimeRange clipped = new TimeRange(start, end).intersect(new TimeRange(from, to));
      return clipped.isEmpty() ? List.of() : List.of(clipped);
    }
  }
}
