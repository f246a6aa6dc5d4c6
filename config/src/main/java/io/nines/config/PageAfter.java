package io.nines.config;

import java.time.Duration;

/**
 * How long a service must stay DOWN before anyone is paged or told: its confirmation time, written
 * {@code page-after: 30s} (DOWN for that long) or {@code page-after: 3 failures} (that many
 * consecutive failed runs of its checks). It decides who is woken, never the figures: availability
 * and the timeline count an outage from its first second, however short.
 *
 * @param duration with {@code failures == 0}: how long the service must have been DOWN; {@link
 *     Duration#ZERO} pages at once
 * @param failures above 0: how many consecutive failed runs confirm the outage; 0 when {@code
 *     duration} applies
 */
public record PageAfter(Duration duration, int failures) {

  /** Pages as soon as the service is DOWN. */
  public static final PageAfter IMMEDIATELY = new PageAfter(Duration.ZERO, 0);

  /**
   * The default: three consecutive failed runs, as Gatus' {@code failure-threshold}. It scales with
   * how often a check runs (10 s for a check every 5 s, 2 min for one every minute), so one lost
   * run or a restart shorter than two intervals wakes nobody.
   */
  public static final PageAfter DEFAULT = new PageAfter(Duration.ZERO, 3);

  public PageAfter {
    if (duration == null || duration.isNegative()) {
      throw new IllegalArgumentException(
          "duration: " + duration + " (expected: zero or more, not null)");
    }
    if (failures < 0 || (failures > 0 && !duration.isZero())) {
      throw new IllegalArgumentException(
          "failures: " + failures + " with duration " + duration + " (expected: one of them)");
    }
  }

  /** A confirmation by time. */
  public static PageAfter of(Duration duration) {
    return new PageAfter(duration, 0);
  }

  /** A confirmation by {@code n} consecutive failed runs, n at least 1. */
  public static PageAfter failures(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("failures: " + n + " (expected: at least 1)");
    }
    return new PageAfter(Duration.ZERO, n);
  }

  /** Whether it counts failed runs rather than time. */
  public boolean byFailures() {
    return failures > 0;
  }

  /** As written in the configuration: {@code 30s}, {@code 3 failures}. */
  @Override
  public String toString() {
    if (byFailures()) {
      return failures + (failures == 1 ? " failure" : " failures");
    }
    return io.nines.config.internal.Units.formatDuration(duration);
  }
}
