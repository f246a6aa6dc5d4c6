package io.nines.store.checklog;

import io.nines.common.Checks;
import io.nines.config.Check;
import io.nines.config.DownWhen;
import io.nines.config.Settings;
import java.time.Duration;

/**
 * What the configuration says about one check when a batch of its results is applied: it travels
 * with the batch, so that the member that owns the check needs no configuration of its own.
 *
 * @param retention how long raw results are kept ({@code retention.raw}); positive
 * @param maxClockSkew how far after {@code now} a result may claim to have run; not negative
 * @param staleAfter how long a result stays fresh (twice the check's interval); positive
 * @param downWhen how many failing locations make the check DOWN
 * @param rollupRetention how long the check's timeline history is kept ({@code retention.rollup});
 *     positive
 */
public record CheckRules(
    Duration retention,
    Duration maxClockSkew,
    Duration staleAfter,
    DownWhen downWhen,
    Duration rollupRetention) {

  public CheckRules {
    Checks.notNull(retention, "retention");
    Checks.notNull(maxClockSkew, "maxClockSkew");
    Checks.notNull(staleAfter, "staleAfter");
    Checks.notNull(downWhen, "downWhen");
    Checks.checkArgument(
        retention.compareTo(Duration.ZERO) > 0, "retention: %s (expected: > 0)", retention);
    Checks.checkArgument(
        !maxClockSkew.isNegative(), "maxClockSkew: %s (expected: >= 0)", maxClockSkew);
    Checks.checkArgument(
        staleAfter.compareTo(Duration.ZERO) > 0, "staleAfter: %s (expected: > 0)", staleAfter);
    Checks.notNull(rollupRetention, "rollupRetention");
    Checks.checkArgument(
        rollupRetention.compareTo(Duration.ZERO) > 0,
        "rollupRetention: %s (expected: > 0)",
        rollupRetention);
  }

  /** Rules with the default {@code retention.rollup}. */
  public CheckRules(
      Duration retention, Duration maxClockSkew, Duration staleAfter, DownWhen downWhen) {
    this(retention, maxClockSkew, staleAfter, downWhen, Settings.DEFAULTS.retentionRollup());
  }

  /** The rules of {@code check} under {@code settings}. */
  public static CheckRules of(Check check, Settings settings, Duration maxClockSkew) {
    return new CheckRules(
        settings.retentionRaw(),
        maxClockSkew,
        check.every().multipliedBy(2),
        check.downWhen(),
        settings.retentionRollup());
  }

  /**
   * How long an entry that receives nothing more is worth keeping: until its results and its
   * timeline history have all left their retentions.
   */
  public Duration idleExpiry() {
    Duration longest = rollupRetention.compareTo(retention) > 0 ? rollupRetention : retention;
    return longest.plus(maxClockSkew);
  }
}
