package io.nines.availability;

import io.nines.common.Checks;
import io.nines.common.TimeRange;
import io.nines.config.PageAfter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Multi-window burn-rate alerting, as in the SRE workbook: a service whose downtime in the last
 * hour is at least 2 % of its monthly budget, or in the last six hours at least 5 %, is burning
 * fast enough to spend the budget before the month ends. Pure.
 *
 * <p>The fast-burn thresholds are shares of the full 30-day budget (a rate, whatever the month);
 * whether the month's budget is spent is judged against the budget pro-rated to the service's life
 * ({@link io.nines.availability.DowntimeBudget}). Downtime is only ever counted inside the life, so
 * nothing before a check existed can make a service burn.
 */
public final class BurnRate {
  private BurnRate() {}

  /** The share of the budget spent in the last hour that counts as a fast burn. */
  public static final double FAST_1H = 0.02;

  /** The share of the budget spent in the last six hours that counts as a fast burn. */
  public static final double FAST_6H = 0.05;

  /** The seconds in the 30-day month the budget is defined over. */
  public static final double MONTH_SECONDS = 30 * 86_400.0;

  /** What the burn rate says. */
  public enum Verdict {
    OK,
    FAST_BURN,
    SPENT
  }

  /**
   * How long an outage lasts before {@code page-after} confirms it: its duration, or for {@code N
   * failures} the time from the first failed run to the N-th, {@code (N - 1)} intervals of the
   * service's most frequent check.
   *
   * @param shortestEvery the interval of the service's most frequent check
   */
  public static Duration confirmationTime(PageAfter pageAfter, Duration shortestEvery) {
    Checks.notNull(pageAfter, "pageAfter");
    Checks.notNull(shortestEvery, "shortestEvery");
    return pageAfter.byFailures()
        ? shortestEvery.multipliedBy(pageAfter.failures() - 1L)
        : pageAfter.duration();
  }

  /**
   * The downtime inside {@code window} that its confirmation time never confirmed: the parts of
   * {@code outages} no longer than {@code confirmAfter} (a blip that paged nobody, or the current
   * outage until it is confirmed). The fast-burn verdict leaves it out, so that nobody is paged or
   * told of the burn of an outage that would not page or tell them by itself; the figures, and
   * whether the month's budget is spent, count every second.
   *
   * @param outages the DOWN stretches around {@code window}, each whole where possible (an outage
   *     that began before the window counts by its whole length)
   */
  public static Duration unconfirmed(
      List<TimeRange> outages, TimeRange window, Duration confirmAfter) {
    Checks.notNull(window, "window");
    Checks.notNull(confirmAfter, "confirmAfter");
    Duration out = Duration.ZERO;
    for (TimeRange o : outages) {
      // N failed runs at interval e: the N-th comes (N - 1) e after the first, so a run fewer
      // is DOWN for exactly (N - 1) e until the next good run; only longer is confirmed.
      if (o.length().compareTo(confirmAfter) <= 0) {
        Instant start = o.start().isAfter(window.start()) ? o.start() : window.start();
        Instant end = o.end().isBefore(window.end()) ? o.end() : window.end();
        if (start.isBefore(end)) {
          out = out.plus(Duration.between(start, end));
        }
      }
    }
    return out;
  }

  /** The allowed downtime in a 30-day month for {@code targetPercent}, in seconds. */
  public static double budgetSeconds(double targetPercent) {
    return (1 - targetPercent / 100.0) * MONTH_SECONDS;
  }

  /**
   * Judges a service's burn.
   *
   * @param targetPercent the service's target, e.g. 99.9
   * @param down1hSeconds downtime (maintenance included) in the last hour
   * @param down6hSeconds downtime in the last six hours
   * @param downMonthSeconds downtime so far this calendar month
   */
  public static Verdict judge(
      double targetPercent, double down1hSeconds, double down6hSeconds, double downMonthSeconds) {
    return judge(
        targetPercent,
        down1hSeconds,
        down6hSeconds,
        downMonthSeconds,
        budgetSeconds(targetPercent));
  }

  /**
   * Judges a service's burn against a month's budget pro-rated to its life.
   *
   * @param targetPercent the service's target, e.g. 99.9; sets the fast-burn thresholds
   * @param down1hSeconds downtime (maintenance included) in the part of the last hour inside the
   *     service's life
   * @param down6hSeconds the same over the last six hours
   * @param downMonthSeconds downtime so far this calendar month, inside the life
   * @param allowedMonthSeconds the month's budget for the part of the month inside the life; at
   *     most 0 when the life has not started (never SPENT then)
   */
  public static Verdict judge(
      double targetPercent,
      double down1hSeconds,
      double down6hSeconds,
      double downMonthSeconds,
      double allowedMonthSeconds) {
    double budget = budgetSeconds(targetPercent);
    if (budget <= 0 || allowedMonthSeconds <= 0) {
      return Verdict.OK;
    }
    if (downMonthSeconds >= allowedMonthSeconds) {
      return Verdict.SPENT;
    }
    if (down1hSeconds >= FAST_1H * budget || down6hSeconds >= FAST_6H * budget) {
      return Verdict.FAST_BURN;
    }
    return Verdict.OK;
  }
}
