package io.nines.availability.report;

import io.nines.common.TimeRange;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** UTC calendar days, as the daily bars of the dashboard and the status page count them. */
public final class UtcDays {
  private UtcDays() {}

  /** The first instant of the first of {@code days} UTC days that end with today. */
  public static Instant dailyStart(Instant now, int days) {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    return today.minusDays(days - 1L).atStartOfDay().toInstant(ZoneOffset.UTC);
  }

  /** {@code span} cut at UTC midnights; empty pieces (a span ending at midnight) are dropped. */
  public static List<TimeRange> days(TimeRange span) {
    List<TimeRange> out = new ArrayList<>();
    Instant cursor = span.start();
    while (cursor.isBefore(span.end())) {
      Instant next =
          LocalDate.ofInstant(cursor, ZoneOffset.UTC)
              .plusDays(1)
              .atStartOfDay()
              .toInstant(ZoneOffset.UTC);
      Instant end = next.isBefore(span.end()) ? next : span.end();
      out.add(new TimeRange(cursor, end));
      cursor = end;
    }
    return out;
  }

  /** The UTC date {@code day} starts on. */
  public static LocalDate dateOf(TimeRange day) {
    return LocalDate.ofInstant(day.start(), ZoneOffset.UTC);
  }
}
