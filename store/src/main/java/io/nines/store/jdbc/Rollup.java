package io.nines.store.jdbc;

import io.nines.common.Checks;
import java.time.Instant;

/**
 * The results of one check at one location that ran in one minute.
 *
 * @param minute the minute's first instant (whole minutes since the epoch, UTC)
 * @param total how many results ran in the minute
 * @param failed how many of them failed; at most {@code total}
 */
public record Rollup(String checkId, String location, Instant minute, int total, int failed) {
  public Rollup {
    Checks.checkNotBlank(checkId, "checkId");
    Checks.checkNotBlank(location, "location");
    Checks.notNull(minute, "minute");
    Checks.checkNotNegative(total, "total");
    Checks.checkArgument(
        failed >= 0 && failed <= total, "failed: %s (expected: 0 to total %s)", failed, total);
  }
}
