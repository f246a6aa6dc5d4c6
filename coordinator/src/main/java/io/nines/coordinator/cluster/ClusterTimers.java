package io.nines.coordinator.cluster;

import io.nines.common.Checks;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How fast a member notices that a peer is gone, and how fast two sides of a split find each other
 * again. Each becomes a Hazelcast property, in whole seconds.
 *
 * <p>The trade-off: a shorter {@code heartbeatTimeout} sees a dead or cut-off peer sooner (so a
 * split becomes two working clusters sooner, and a frozen member stops holding partitions sooner),
 * but a garbage-collection pause or a network hiccup longer than it splits a healthy cluster. The
 * merge delays only decide how soon a split that has healed is merged: until then each side keeps
 * its own incidents and pages; a merge check is one join attempt towards the peers, cheap.
 *
 * @param heartbeatInterval how often a member tells its peers it is alive ({@value
 *     #HEARTBEAT_INTERVAL_PROPERTY}); default 5 s, Hazelcast's
 * @param heartbeatTimeout a peer not heard from for this long is removed from the cluster ({@value
 *     #HEARTBEAT_TIMEOUT_PROPERTY}); default 60 s, Hazelcast's; at least twice the interval, so
 *     that one lost heartbeat does not remove a member
 * @param mergeFirstRunDelay how long after start a member first looks for the other side of a split
 *     ({@value #MERGE_FIRST_RUN_DELAY_PROPERTY}); default 60 s (Hazelcast's is 300 s)
 * @param mergeNextRunDelay how often it looks again ({@value #MERGE_NEXT_RUN_DELAY_PROPERTY});
 *     default 30 s (Hazelcast's is 120 s)
 */
public record ClusterTimers(
    Duration heartbeatInterval,
    Duration heartbeatTimeout,
    Duration mergeFirstRunDelay,
    Duration mergeNextRunDelay) {

  public static final String HEARTBEAT_INTERVAL_PROPERTY = "hazelcast.heartbeat.interval.seconds";
  public static final String HEARTBEAT_TIMEOUT_PROPERTY = "hazelcast.max.no.heartbeat.seconds";
  public static final String MERGE_FIRST_RUN_DELAY_PROPERTY =
      "hazelcast.merge.first.run.delay.seconds";
  public static final String MERGE_NEXT_RUN_DELAY_PROPERTY =
      "hazelcast.merge.next.run.delay.seconds";

  /**
   * The longest a timer may be: Hazelcast reads them as int seconds, and a day is already absurd.
   */
  static final Duration MAX = Duration.ofDays(1);

  public static final ClusterTimers DEFAULTS =
      new ClusterTimers(
          Duration.ofSeconds(5),
          Duration.ofSeconds(60),
          Duration.ofSeconds(60),
          Duration.ofSeconds(30));

  private static final Pattern FORMAT = Pattern.compile("(?:[0-9]{1,6}[hms])+");
  private static final Pattern PART = Pattern.compile("([0-9]{1,6})([hms])");

  public ClusterTimers {
    checkSeconds(heartbeatInterval, "heartbeatInterval");
    checkSeconds(heartbeatTimeout, "heartbeatTimeout");
    checkSeconds(mergeFirstRunDelay, "mergeFirstRunDelay");
    checkSeconds(mergeNextRunDelay, "mergeNextRunDelay");
    Checks.checkArgument(
        heartbeatTimeout.compareTo(heartbeatInterval.multipliedBy(2)) >= 0,
        "heartbeatTimeout: %s (expected: at least twice heartbeatInterval, %s, so that one lost"
            + " heartbeat does not remove a member)",
        format(heartbeatTimeout),
        format(heartbeatInterval.multipliedBy(2)));
  }

  private static void checkSeconds(Duration d, String name) {
    Checks.notNull(d, name);
    Checks.checkArgument(
        d.getNano() == 0 && d.getSeconds() >= 1 && d.compareTo(MAX) <= 0,
        "%s: %s (expected: whole seconds from 1s to 24h)",
        name,
        d.getNano() == 0 ? format(d) : d.toMillis() + "ms");
  }

  public ClusterTimers withHeartbeatInterval(Duration d) {
    return new ClusterTimers(d, heartbeatTimeout, mergeFirstRunDelay, mergeNextRunDelay);
  }

  public ClusterTimers withHeartbeatTimeout(Duration d) {
    return new ClusterTimers(heartbeatInterval, d, mergeFirstRunDelay, mergeNextRunDelay);
  }

  public ClusterTimers withMergeDelays(Duration firstRun, Duration nextRun) {
    return new ClusterTimers(heartbeatInterval, heartbeatTimeout, firstRun, nextRun);
  }

  /**
   * Reads a timer as an operator writes it: {@code 10s}, {@code 2m}, {@code 1m30s}, {@code 1h}.
   *
   * @return the duration, or null when {@code text} is not one in whole seconds
   */
  public static Duration parse(String text) {
    if (text == null || !FORMAT.matcher(text.trim()).matches()) {
      return null;
    }
    Duration total = Duration.ZERO;
    Matcher m = PART.matcher(text.trim());
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      total =
          total.plus(
              switch (m.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
              });
    }
    return total;
  }

  /** Writes a timer the way {@link #parse} reads it: {@code 90s} is {@code 1m30s}. */
  public static String format(Duration d) {
    long s = d.getSeconds();
    StringBuilder out = new StringBuilder();
    if (s >= 3600) {
      out.append(s / 3600).append('h');
      s %= 3600;
    }
    if (s >= 60) {
      out.append(s / 60).append('m');
      s %= 60;
    }
    if (s > 0 || out.length() == 0) {
      out.append(s).append('s');
    }
    return out.toString();
  }
}
