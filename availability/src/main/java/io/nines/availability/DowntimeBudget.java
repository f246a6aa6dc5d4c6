package io.nines.availability;

import io.nines.common.Checks;
import io.nines.common.TimeRange;
import io.nines.config.Settings;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Collection;

/**
 * How much downtime a target allows in a calendar month, and how much of it is left.
 *
 * <p>Months are UTC calendar months. Arithmetic is exact (decimal), so 99.999% over 30 days is
 * exactly 25.92 s.
 *
 * <p>The budget covers only the part of the month inside the service's life: a service whose checks
 * were first configured on the 21st of a 30-day month is allowed a third of the monthly downtime,
 * and nothing before its life is spent.
 *
 * @param targetPercent the availability target, e.g. {@code 99.9}
 * @param month the calendar month (UTC)
 * @param period the part of the month the budget covers: {@code [max(month start, life start),
 *     month end)}; empty when the life starts after the month (or has not started)
 * @param allowed {@code (1 - target/100) * period's length}
 * @param spent downtime so far in the period, maintenance included
 */
public record DowntimeBudget(
    double targetPercent, YearMonth month, TimeRange period, Duration allowed, Duration spent) {

  /** A budget over the whole of {@code month}. */
  public DowntimeBudget(double targetPercent, YearMonth month, Duration allowed, Duration spent) {
    this(targetPercent, month, monthRange(month), allowed, spent);
  }

  /** The share of the month the budget covers, in {@code [0, 1]}. */
  public double coverage() {
    return (double) period.length().toNanos() / monthRange(month).length().toNanos();
  }

  /** The month length that the nines table uses. */
  public static final Duration THIRTY_DAYS = Duration.ofDays(30);

  /** What is left; negative once the budget is overspent. */
  public Duration left() {
    return allowed.minus(spent);
  }

  /**
   * The downtime that {@code targetPercent} allows over {@code period}: {@code (1 - target/100) *
   * period}, exact to the nanosecond.
   *
   * @param targetPercent in {@code (0, 100]}
   */
  public static Duration allowed(double targetPercent, Duration period) {
    Checks.checkArgument(
        targetPercent > 0 && targetPercent <= 100,
        "targetPercent: %s (expected: above 0 and at most 100)",
        targetPercent);
    BigDecimal fraction =
        BigDecimal.valueOf(100)
            .subtract(BigDecimal.valueOf(targetPercent))
            .divide(BigDecimal.valueOf(100));
    BigDecimal nanos =
        fraction.multiply(BigDecimal.valueOf(period.toNanos())).setScale(0, RoundingMode.HALF_EVEN);
    return Duration.ofNanos(nanos.longValueExact());
  }

  /** The downtime {@code targetPercent} allows in a 30-day month, as in the nines table. */
  public static Duration allowedPer30DayMonth(double targetPercent) {
    return allowed(targetPercent, THIRTY_DAYS);
  }

  /** The budget of {@code month}, of which {@code spent} is used. */
  public static DowntimeBudget of(double targetPercent, YearMonth month, Duration spent) {
    return new DowntimeBudget(
        targetPercent, month, allowed(targetPercent, monthRange(month).length()), spent);
  }

  /** The UTC calendar month {@code now} falls in. */
  public static YearMonth monthOf(Instant now) {
    return YearMonth.from(now.atOffset(ZoneOffset.UTC));
  }

  /** {@code [first instant of month, first instant of next month)}, in UTC. */
  public static TimeRange monthRange(YearMonth month) {
    return new TimeRange(
        month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC),
        month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC));
  }

  /**
   * This month's budget as of {@code now}: spent is the downtime (maintenance included) of {@code
   * timeline} from the start of the month to {@code now}, for a life that began before the month.
   */
  public static DowntimeBudget asOf(
      double targetPercent, Timeline timeline, Collection<TimeRange> maintenance, Instant now) {
    return asOf(
        targetPercent,
        timeline,
        maintenance,
        now,
        monthRange(monthOf(now)).start(),
        Settings.Unknown.UP);
  }

  /**
   * This month's budget as of {@code now}, pro-rated to the service's life: {@code allowed} is the
   * target's share of {@code [max(month start, observedFrom), month end)}, and {@code spent} the
   * downtime (maintenance included, stale time as {@code unknown} says) from then to {@code now}.
   *
   * @param observedFrom where the service's life starts; null when it has not started (nothing is
   *     allowed and nothing spent)
   */
  public static DowntimeBudget asOf(
      double targetPercent,
      Timeline timeline,
      Collection<TimeRange> maintenance,
      Instant now,
      Instant observedFrom,
      Settings.Unknown unknown) {
    YearMonth month = monthOf(now);
    TimeRange whole = monthRange(month);
    TimeRange period = Availability.observed(whole, observedFrom);
    TimeRange soFar = new TimeRange(whole.start(), now);
    Duration spent =
        soFar.isEmpty()
            ? Duration.ZERO
            : Availability.report(timeline, soFar, maintenance, observedFrom, unknown).down();
    return new DowntimeBudget(
        targetPercent, month, period, allowed(targetPercent, period.length()), spent);
  }
}
