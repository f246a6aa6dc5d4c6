package io.nines.coordinator.alerting;

/**
 * Multi-window burn-rate alerting, as in the SRE workbook: a service whose downtime in the last
 * hour is at least 2 % of its monthly budget, or in the last six hours at least 5 %, is burning
 * fast enough to spend the budget before the month ends. Pure.
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
    double budget = budgetSeconds(targetPercent);
    if (budget <= 0) {
      return Verdict.OK;
    }
    if (downMonthSeconds >= budget) {
      return Verdict.SPENT;
    }
    if (down1hSeconds >= FAST_1H * budget || down6hSeconds >= FAST_6H * budget) {
      return Verdict.FAST_BURN;
    }
    return Verdict.OK;
  }
}
