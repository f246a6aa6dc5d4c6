package io.nines.availability;

import io.nines.config.Tier;
import java.time.Duration;
import java.util.Optional;

/**
 * The course's 5×5 risk matrix: likelihood (A almost certain … E rare) by consequence (1
 * insignificant … 5 catastrophic), rated 1–25 and banded LOW, MEDIUM, HIGH, CRITICAL. Pure.
 *
 * <p>Likelihood comes from the observed outage frequency over the last 90 days, as outages per 30
 * days: A at 8 or more (about two a week), B at 4 or more (weekly), C at 1 or more (monthly), D
 * above 0 (at least one in 90 days), E none. Only the observed part of the 90 days counts (a
 * service configured a week ago has a week of history, not 83 days of imagined calm); less than a
 * day observed counts as one day, so that one early blip is not extrapolated to dozens a month.
 * Consequence comes from the tier: critical 5, important 3, non-critical 2.
 */
public final class RiskMatrix {
  private RiskMatrix() {}

  /** How likely an outage is. */
  public enum Likelihood {
    A("almost certain"),
    B("likely"),
    C("possible"),
    D("unlikely"),
    E("rare");

    private final String label;

    Likelihood(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** The band of a rating. */
  public enum Level {
    LOW,
    MEDIUM,
    HIGH,
    CRITICAL
  }

  /** A cell of the matrix. */
  public record Cell(Likelihood likelihood, int consequence, int rating, Level level) {}

  private static final int[][] RATINGS = {
    {8, 16, 18, 23, 25},
    {7, 10, 17, 20, 24},
    {3, 9, 12, 19, 22},
    {2, 5, 11, 14, 21},
    {1, 4, 6, 13, 15}
  };

  private static final Level[][] LEVELS = {
    {Level.MEDIUM, Level.HIGH, Level.HIGH, Level.CRITICAL, Level.CRITICAL},
    {Level.MEDIUM, Level.MEDIUM, Level.HIGH, Level.HIGH, Level.CRITICAL},
    {Level.LOW, Level.MEDIUM, Level.MEDIUM, Level.HIGH, Level.HIGH},
    {Level.LOW, Level.LOW, Level.MEDIUM, Level.MEDIUM, Level.HIGH},
    {Level.LOW, Level.LOW, Level.LOW, Level.MEDIUM, Level.MEDIUM}
  };

  /** The cell for a likelihood and a consequence from 1 to 5. */
  public static Cell cell(Likelihood likelihood, int consequence) {
    if (consequence < 1 || consequence > 5) {
      throw new IllegalArgumentException("consequence: " + consequence + " (expected: 1 to 5)");
    }
    int row = likelihood.ordinal();
    return new Cell(
        likelihood, consequence, RATINGS[row][consequence - 1], LEVELS[row][consequence - 1]);
  }

  /** Likelihood from outages observed in the last {@code days} days. */
  public static Likelihood likelihood(int outages, int days) {
    if (days <= 0) {
      throw new IllegalArgumentException("days: " + days + " (expected: > 0)");
    }
    double per30Days = outages * 30.0 / days;
    if (per30Days >= 8) {
      return Likelihood.A;
    }
    if (per30Days >= 4) {
      return Likelihood.B;
    }
    if (per30Days >= 1) {
      return Likelihood.C;
    }
    if (outages > 0) {
      return Likelihood.D;
    }
    return Likelihood.E;
  }

  /**
   * Likelihood from outages observed over {@code observed}, the part of the look-back window inside
   * the service's life; less than a day counts as a day.
   *
   * @return empty when nothing was observed: there is no likelihood without data
   */
  public static Optional<Likelihood> likelihood(int outages, Duration observed) {
    if (observed.isZero() || observed.isNegative()) {
      return Optional.empty();
    }
    Duration month = Duration.ofDays(30);
    Duration counted = observed.compareTo(month) < 0 ? month : observed;
    double per30Days = outages * (30.0 * 86_400_000_000_000L) / counted.toNanos();
    if (per30Days >= 8) {
      return Optional.of(Likelihood.A);
    }
    if (per30Days >= 4) {
      return Optional.of(Likelihood.B);
    }
    if (per30Days >= 1) {
      return Optional.of(Likelihood.C);
    }
    return Optional.of(outages > 0 ? Likelihood.D : Likelihood.E);
  }

  /** Consequence from a tier. */
  public static int consequence(Tier tier) {
    return switch (tier) {
      case CRITICAL -> 5;
      case IMPORTANT -> 3;
      case NON_CRITICAL -> 2;
    };
  }
}
