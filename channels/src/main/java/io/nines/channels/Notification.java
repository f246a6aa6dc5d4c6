package io.nines.channels;

import io.nines.channels.internal.Texts;
import io.nines.common.Checks;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One message about one incident (or notice) for one recipient, as decided by routing. Channels
 * render it into their own payloads; none of them adds facts of its own.
 *
 * <p>Times are kept to the second, in every channel: {@code startedAt} and {@code at} are cut to
 * the second, and so is every ISO-8601 instant written in {@code summary} or a detail value ({@code
 * 2026-12-06T22:40:02.274812478Z} reads {@code 2026-12-06T22:40:02Z}).
 *
 * @param idempotencyKey the same for every attempt at the same delivery: {@link #key(String,
 *     String, String) incident, recipient and step}. Sent as the webhook's {@code Idempotency-Key}
 *     header and the email's {@code X-Nines-Idempotency-Key} header.
 * @param incidentId the incident (or notice) id; PagerDuty's {@code dedup_key}, so trigger,
 *     acknowledge and resolve of one incident address one PagerDuty alert
 * @param kind what happened to the incident
 * @param topic what the message is about; Alertmanager's {@code alertname}
 * @param serviceId the service's id, as in the configuration
 * @param serviceName the service's display name; the id when null
 * @param tier the service's tier, or null
 * @param teamId the team being notified, or null
 * @param severity how urgent
 * @param summary one line saying what is wrong, such as {@code "Checkout is down: step 'pay' got
 *     status 503 in eu-west"}; channels shorten it where their format demands (PagerDuty: 1024
 *     characters)
 * @param startedAt when the outage or condition started ("since")
 * @param at when this event happened: the trigger, acknowledgement or resolution time
 * @param details facts for the reader, in display order; well-known keys are the {@code DETAIL_*}
 *     constants. Values are shown as given.
 * @param links where to read more
 */
public record Notification(
    String idempotencyKey,
    String incidentId,
    Kind kind,
    Topic topic,
    String serviceId,
    String serviceName,
    String tier,
    String teamId,
    Severity severity,
    String summary,
    Instant startedAt,
    Instant at,
    Map<String, String> details,
    Links links) {

  /** Detail key: where the failure is seen, such as {@code "eu-west, us-east"}. */
  public static final String DETAIL_LOCATION = "location";

  /** Detail key: the journey step or assertion that fails. */
  public static final String DETAIL_FAILING_STEP = "failing_step";

  /** Detail key: the actual value the failing step saw, such as {@code "status 503"}. */
  public static final String DETAIL_ACTUAL = "actual";

  /** Detail key: availability this month, such as {@code "99.82 %"}. */
  public static final String DETAIL_AVAILABILITY = "availability";

  /** Detail key: the tier's availability target, such as {@code "99.9 %"}. */
  public static final String DETAIL_TARGET = "target";

  /** Detail key: who acknowledged the incident. */
  public static final String DETAIL_ACKNOWLEDGED_BY = "acknowledged_by";

  /** Detail key: the incident of the probable root cause (an upstream service). */
  public static final String DETAIL_ROOT_CAUSE = "root_cause";

  public Notification {
    Checks.checkNotBlank(idempotencyKey, "idempotencyKey");
    Checks.checkNotBlank(incidentId, "incidentId");
    Checks.notNull(kind, "kind");
    Checks.notNull(topic, "topic");
    Checks.checkNotBlank(serviceId, "serviceId");
    if (serviceName == null || serviceName.isBlank()) {
      serviceName = serviceId;
    }
    Checks.notNull(severity, "severity");
    summary = Texts.toSeconds(Checks.checkNotBlank(summary, "summary"));
    startedAt = Checks.notNull(startedAt, "startedAt").truncatedTo(ChronoUnit.SECONDS);
    at = Checks.notNull(at, "at").truncatedTo(ChronoUnit.SECONDS);
    Map<String, String> copy = new LinkedHashMap<>();
    if (details != null) {
      details.forEach(
          (k, v) -> {
            Checks.checkArgument(v != null, "details.%s: null (expected: a value)", k);
            copy.put(k, Texts.toSeconds(v));
          });
    }
    details = Collections.unmodifiableMap(copy);
    links = links == null ? Links.NONE : links;
  }

  /**
   * The idempotency key of one delivery: {@code incidentId/recipient/step}.
   *
   * @param recipient who receives it, such as a team and channel ({@code "payments:pagerduty"})
   * @param step the escalation step or message, such as {@code "1"} or {@code "resolve"}
   */
  public static String key(String incidentId, String recipient, String step) {
    return Checks.checkNotBlank(incidentId, "incidentId")
        + "/"
        + Checks.checkNotBlank(recipient, "recipient")
        + "/"
        + Checks.checkNotBlank(step, "step");
  }

  /** What happened to the incident; PagerDuty's {@code event_action} for the first three. */
  public enum Kind {
    /** The incident opened, or an escalation step pages again. */
    TRIGGER,
    /** Someone acknowledged it. */
    ACKNOWLEDGE,
    /** The service is up again. */
    RESOLVE,
    /** Information that is not a page: upstream outage, budget burn, flapping. */
    NOTICE;

    /** The lowercase name used on the wire. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What a notification is about. */
  public enum Topic {
    /** The service itself is down. */
    OUTAGE("NinesServiceDown", "DOWN"),
    /** A service this team's services depend on is down. */
    UPSTREAM_OUTAGE("NinesUpstreamOutage", "UPSTREAM OUTAGE"),
    /** The downtime budget burns fast enough to run out before the month ends. */
    BUDGET_BURN("NinesBudgetBurn", "BUDGET BURN"),
    /** The downtime budget for the month is spent. */
    BUDGET_SPENT("NinesBudgetSpent", "BUDGET SPENT"),
    /** The service changes state too often to page on each change. */
    FLAPPING("NinesServiceFlapping", "FLAPPING"),
    /** A problem of the monitoring fleet itself: a lost agent, an empty location, a full spool. */
    FLEET("NinesFleetProblem", "FLEET");

    private final String alertName;
    private final String label;

    Topic(String alertName, String label) {
      this.alertName = alertName;
      this.label = label;
    }

    /** The Alertmanager {@code alertname}, such as {@code NinesServiceDown}. */
    public String alertName() {
      return alertName;
    }

    /** A short uppercase label for subjects, such as {@code DOWN}. */
    public String label() {
      return label;
    }

    /** The lowercase name used on the wire, such as {@code upstream_outage}. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** PagerDuty's severities, which the other channels share. */
  public enum Severity {
    CRITICAL,
    ERROR,
    WARNING,
    INFO;

    /** The lowercase name used on the wire: {@code critical}, {@code error}... */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Links for the reader; each may be null.
   *
   * @param incident the incident's page
   * @param timeline the service's timeline around the incident
   * @param runbook the service's runbook
   * @param screenshot the dashboard's view of the screenshot of the newest failure, when a browser
   *     check took one
   */
  public record Links(String incident, String timeline, String runbook, String screenshot) {
    /** No links. */
    public static final Links NONE = new Links(null, null, null, null);

    /** Links without a screenshot. */
    public Links(String incident, String timeline, String runbook) {
      this(incident, timeline, runbook, null);
    }
  }
}
