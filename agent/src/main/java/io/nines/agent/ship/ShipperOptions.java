package io.nines.agent.ship;

import io.nines.common.Checks;
import io.nines.common.ResultBatch;

/**
 * How the shipper batches and retries.
 *
 * @param batchSize the most results in one post (at most {@link ResultBatch#MAX_RESULTS})
 * @param maxUnwritten the most results held in memory while the spool is being written; past it the
 *     oldest are dropped and counted in {@code nines.shipper.dropped} (only when the disk stalls)
 * @param flushMillis how long a result may wait for its batch to fill before it is posted
 * @param backoffMinMillis the first retry delay after a failed post; it doubles per failure
 * @param backoffMaxMillis the longest retry delay
 * @param breakerMaxFailures failed posts that open the circuit breaker
 * @param breakerResetMillis how long the breaker stays open before one trial post (half-open)
 */
public record ShipperOptions(
    int batchSize,
    int maxUnwritten,
    long flushMillis,
    long backoffMinMillis,
    long backoffMaxMillis,
    int breakerMaxFailures,
    long breakerResetMillis) {
  public ShipperOptions {
    Checks.checkArgument(
        batchSize >= 1 && batchSize <= ResultBatch.MAX_RESULTS,
        "batchSize: %s (expected: 1 to %s)",
        batchSize,
        ResultBatch.MAX_RESULTS);
    Checks.checkPositive(maxUnwritten, "maxUnwritten");
    Checks.checkPositive(flushMillis, "flushMillis");
    Checks.checkPositive(backoffMinMillis, "backoffMinMillis");
    Checks.checkArgument(
        backoffMaxMillis >= backoffMinMillis,
        "backoffMaxMillis: %s (expected: >= backoffMinMillis, %s)",
        backoffMaxMillis,
        backoffMinMillis);
    Checks.checkPositive(breakerMaxFailures, "breakerMaxFailures");
    Checks.checkPositive(breakerResetMillis, "breakerResetMillis");
  }

  /**
   * Batches of up to {@code batchSize}, retries from 500 ms doubling to 30 s with jitter, and a
   * breaker that opens after 5 failed posts for 10 s.
   */
  public static ShipperOptions defaults(int batchSize, int maxUnwritten, long flushMillis) {
    return new ShipperOptions(
        Math.min(batchSize, ResultBatch.MAX_RESULTS),
        maxUnwritten,
        flushMillis,
        500,
        30_000,
        5,
        10_000);
  }

  public ShipperOptions withBackoff(long minMillis, long maxMillis) {
    return new ShipperOptions(
        batchSize,
        maxUnwritten,
        flushMillis,
        minMillis,
        maxMillis,
        breakerMaxFailures,
        breakerResetMillis);
  }

  public ShipperOptions withBreaker(int maxFailures, long resetMillis) {
    return new ShipperOptions(
        batchSize,
        maxUnwritten,
        flushMillis,
        backoffMinMillis,
        backoffMaxMillis,
        maxFailures,
        resetMillis);
  }
}
