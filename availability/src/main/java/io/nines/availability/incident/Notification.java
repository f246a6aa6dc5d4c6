package io.nines.availability.incident;

import io.nines.common.Checks;
import io.nines.common.InstantText;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * One message to one team through one kind of channel, as decided by the engine and put in the
 * outbox. Senders deliver it; a retry after a crash carries the same {@link #key}, so channels that
 * honour idempotency keys deliver it once.
 *
 * @param key the idempotency key: incident (or budget period), team, channel kind and step
 * @param incidentId the incident it is about, or empty for budget and fleet notices
 * @param serviceId the service it is about
 * @param team the team it goes to
 * @param channelKind {@code pagerduty}, {@code email}, {@code slack} or {@code webhook}
 * @param kind what it is
 * @param at when the engine decided it
 * @param summary one line: what is down, where, since when; instants in it are cut to the second
 * @param details what the responder needs (failing step, actual value, root cause, exposed
 *     services...), all strings
 */
public record Notification(
    String key,
    String incidentId,
    String serviceId,
    String team,
    String channelKind,
    Kind kind,
    Instant at,
    String summary,
    Map<String, String> details) {

  public Notification {
    Checks.checkNotBlank(key, "key");
    Checks.notNull(kind, "kind");
    // People read these: instants in them are shown to the second, not the nanosecond.
    summary = InstantText.toSeconds(summary);
    Map<String, String> shown = new HashMap<>();
    details.forEach((k, v) -> shown.put(k, InstantText.toSeconds(v)));
    details = Map.copyOf(shown);
  }

  /**
   * The detail a {@link Kind#RESOLVE} that ends a notice rather than an incident carries: the name
   * of the kind it resolves, e.g. {@code BUDGET_BURN}.
   */
  public static final String RESOLVES = "resolves";

  /** What a notification is. */
  public enum Kind {
    /** A page for an outage of a service the team owns. */
    PAGE,
    /** The incident was acknowledged: stop paging (PagerDuty acknowledge). */
    ACKNOWLEDGE,
    /** The service recovered. */
    RESOLVE,
    /** A service the team depends on is down (an upstream outage). */
    UPSTREAM,
    /**
     * The team's service is down because a service it depends on is down, and that one is in
     * maintenance (so its incident tells nobody); no page.
     */
    ROOT_CAUSE,
    /** The service changes state too often; one notice, then quiet until it is stable. */
    FLAPPING,
    /** The service burns its downtime budget fast enough to spend it before the month ends. */
    BUDGET_BURN,
    /** The service's downtime budget for the month is spent. */
    BUDGET_SPENT,
    /** Fleet health: a lost agent, a location without agents, a full spool. */
    FLEET
  }

  /**
   * {@code key} without its last {@code segments} slash-separated segments (a notice's key without
   * its team, channel and step names the notice), or {@code key} itself if it has too few.
   */
  public static String withoutLast(String key, int segments) {
    int end = key.length();
    for (int i = 0; i < segments; i++) {
      int slash = key.lastIndexOf('/', end - 1);
      if (slash <= 0) {
        return key;
      }
      end = slash;
    }
    return key.substring(0, end);
  }

  /** Whether this is meant to wake someone. */
  public boolean isPage() {
    return kind == Kind.PAGE;
  }
}
