package io.nines.store.jdbc;

import io.nines.common.Checks;
import java.time.Duration;
import java.time.Instant;

/**
 * The results of one check at one location that ran in one minute, or (after 30 days, when the
 * minutes were rolled into hours) in one hour.
 *
 * @param minute the period's first instant (whole minutes, or whole hours, since the epoch, UTC)
 * @param total how many results ran in the period
 * @param failed how many of them failed; at most {@code total}
 * @param span how long the period is: one minute, or one hour
 */
public record Rollup(
    String checkId, String location, Instant minute, int total, int failed, Duration span) {
  public Rollup {
    Checks.checkNotBlank(checkId, "checkId");
    Checks.checkNotBlank(location, "location");
    Checks.notNull(minute, "minute");
    Checks.checkNotNegative(total, "total");
    Checks.checkArgument(
        failed >= 0 && failed <= total, "failed: %s (expected: 0 to total %s)", failed, total);
    Checks.notNull(span, "span");
  }

  /** The roll-up of one minute. */
  public Rollup(String checkId, String location, Instant minute, int total, int failed) {
    this(checkId, location, minute, total, failed, Duration.ofMinutes(1));
  }
}
