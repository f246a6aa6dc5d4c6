package io.nines.availability;

import java.time.Duration;
import java.util.List;

/** The nines table: how much downtime each target allows per day, week, 30-day month and year. */
public final class NinesTable {
  private NinesTable() {}

  /** The targets of the classic table, from two nines to six. */
  public static final List<Double> STANDARD_TARGETS = List.of(99.0, 99.9, 99.99, 99.999, 99.9999);

  /**
   * One row.
   *
   * @param targetPercent e.g. {@code 99.9}
   * @param nines {@link Nines#of} the target
   * @param perDay allowed downtime per 24 hours
   * @param perWeek allowed downtime per 7 days
   * @param per30DayMonth allowed downtime per 30 days
   * @param perYear allowed downtime per 365 days
   */
  public record Row(
      double targetPercent,
      double nines,
      Duration perDay,
      Duration perWeek,
      Duration per30DayMonth,
      Duration perYear) {}

  /** The row of {@code targetPercent}, in {@code (0, 100]}. */
  public static Row row(double targetPercent) {
    return new Row(
        targetPercent,
        Nines.of(targetPercent / 100),
        DowntimeBudget.allowed(targetPercent, Duration.ofDays(1)),
        DowntimeBudget.allowed(targetPercent, Duration.ofDays(7)),
        DowntimeBudget.allowed(targetPercent, DowntimeBudget.THIRTY_DAYS),
        DowntimeBudget.allowed(targetPercent, Duration.ofDays(365)));
  }

  /** The rows of {@link #STANDARD_TARGETS}. */
  public static List<Row> standard() {
    return STANDARD_TARGETS.stream().map(NinesTable::row).toList();
  }
}
