package io.nines.store.checklog;

import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactWriter;
import io.nines.config.DownWhen;
import java.time.Duration;

/**
 * Each check's {@link CheckRules} as five columns of a flat Compact record, one entry per check
 * ({@link ReplayColumnsSerializer}, {@link ApplyBatchesColumnsSerializer}): durations in
 * milliseconds, {@code downWhen} as its count of failing locations. The field names are part of the
 * format between members.
 */
final class RulesColumns {
  private final long[] retention;
  private final long[] maxClockSkew;
  private final long[] staleAfter;
  private final int[] downWhen;
  private final long[] rollupRetention;

  private RulesColumns(
      long[] retention,
      long[] maxClockSkew,
      long[] staleAfter,
      int[] downWhen,
      long[] rollupRetention) {
    this.retention = retention;
    this.maxClockSkew = maxClockSkew;
    this.staleAfter = staleAfter;
    this.downWhen = downWhen;
    this.rollupRetention = rollupRetention;
  }

  /** Empty columns for {@code n} checks, to {@link #set} and {@link #write}. */
  static RulesColumns of(int n) {
    return new RulesColumns(new long[n], new long[n], new long[n], new int[n], new long[n]);
  }

  void set(int i, CheckRules rules) {
    retention[i] = rules.retention().toMillis();
    maxClockSkew[i] = rules.maxClockSkew().toMillis();
    staleAfter[i] = rules.staleAfter().toMillis();
    downWhen[i] = rules.downWhen().failing();
    rollupRetention[i] = rules.rollupRetention().toMillis();
  }

  void write(CompactWriter out) {
    out.writeArrayOfInt64("retentionMillis", retention);
    out.writeArrayOfInt64("maxClockSkewMillis", maxClockSkew);
    out.writeArrayOfInt64("staleAfterMillis", staleAfter);
    out.writeArrayOfInt32("downWhenFailing", downWhen);
    out.writeArrayOfInt64("rollupRetentionMillis", rollupRetention);
  }

  /** The columns as written; {@link #checkLength} before {@link #get}. */
  static RulesColumns read(CompactReader in) {
    return new RulesColumns(
        in.readArrayOfInt64("retentionMillis"),
        in.readArrayOfInt64("maxClockSkewMillis"),
        in.readArrayOfInt64("staleAfterMillis"),
        in.readArrayOfInt32("downWhenFailing"),
        in.readArrayOfInt64("rollupRetentionMillis"));
  }

  /** Fails unless every column holds {@code checks} entries. */
  void checkLength(int checks) {
    Columns.lengths(
        checks, "rules", retention, maxClockSkew, staleAfter, downWhen, rollupRetention);
  }

  CheckRules get(int i) {
    return new CheckRules(
        Duration.ofMillis(retention[i]),
        Duration.ofMillis(maxClockSkew[i]),
        Duration.ofMillis(staleAfter[i]),
        new DownWhen(downWhen[i]),
        Duration.ofMillis(rollupRetention[i]));
  }
}
