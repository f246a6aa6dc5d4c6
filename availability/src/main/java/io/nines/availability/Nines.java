package io.nines.availability;

import io.nines.common.Checks;

/** Availability expressed as a count of nines: 0.999 is 3 nines, 0.99995 is about 4.3. */
public final class Nines {
  private Nines() {}

  /**
   * The most nines ever reported. A perfect window would otherwise be infinitely many nines. Six
   * nines allow 2.6 s of downtime in a 30-day month, which is below what probes a few seconds apart
   * can resolve, so a measurement cannot substantiate more; the cap applies to every availability,
   * so the figure never decreases as availability rises.
   */
  public static final double MAX = 6.0;

  /**
   * {@code -log10(1 - availability)}, at most {@link #MAX}, rounded to 2 decimals.
   *
   * @param availability a fraction in {@code [0, 1]}
   */
  public static double of(double availability) {
    Checks.checkArgument(
        availability >= 0 && availability <= 1,
        "availability: %s (expected: a fraction from 0 to 1)",
        availability);
    double unavailable = 1 - availability;
    double nines = unavailable <= 0 ? MAX : Math.min(MAX, -Math.log10(unavailable));
    return Math.round(nines * 100) / 100.0;
  }
}
