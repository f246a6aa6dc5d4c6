package io.nines.channels.internal;

import io.nines.channels.DeliveryResult;
import io.nines.channels.Notification;
import io.nines.channels.NotificationChannel;
import io.nines.config.Channel;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * PagerDuty Events API v2. Every event's {@code dedup_key} is the incident id, so a trigger, its
 * repeats (escalation steps, retries), the acknowledgement and the resolution address one PagerDuty
 * alert, and a retried trigger never pages twice. A notice is sent as a trigger, as PagerDuty has
 * no other kind of event that reaches a person; routing sends PagerDuty only notices that a resolve
 * with the same {@code dedup_key} will close (see {@code IncidentEngine}).
 *
 * <p>PagerDuty answers 202 when it accepts an event, 400 for an invalid one (permanent), 429 when
 * rate-limited and 5xx on its own trouble (both retryable).
 */
public final class PagerDutyChannel implements NotificationChannel<Channel.PagerDuty> {
  /** PagerDuty's own endpoint, used when a channel sets no {@code url}. */
  public static final String DEFAULT_URL = "https://events.pagerduty.com/v2/enqueue";

  /** The longest {@code payload.summary} PagerDuty takes. */
  public static final int MAX_SUMMARY = 1024;

  static final String KIND = "pagerduty";

  private final HttpPoster poster;
  private final Secrets secrets;

  public PagerDutyChannel(HttpPoster poster, Secrets secrets) {
    this.poster = poster;
    this.secrets = secrets;
  }

  @Override
  public Future<DeliveryResult> send(Notification n, Channel.PagerDuty config) {
    return Settle.settle(KIND, () -> sendUnsettled(n, config));
  }

  private Future<DeliveryResult> sendUnsettled(Notification n, Channel.PagerDuty config) {
    String url = config.url() == null ? DEFAULT_URL : config.url();
    return secrets
        .render(config.routingKey(), "pagerduty routing_key")
        .compose(
            key ->
                poster.post(
                    KIND,
                    url,
                    url,
                    "application/json",
                    event(n, key.value()).toBuffer(),
                    Map.of(),
                    key.redaction()));
  }

  /** The event for {@code n}. */
  static JsonObject event(Notification n, String routingKey) {
    JsonObject event =
        new JsonObject()
            .put("routing_key", routingKey)
            .put("event_action", action(n.kind()))
            .put("dedup_key", n.incidentId());
    if (n.kind() == Notification.Kind.ACKNOWLEDGE || n.kind() == Notification.Kind.RESOLVE) {
      // PagerDuty takes only these three fields for acknowledge and resolve.
      return event;
    }
    JsonObject custom = new JsonObject();
    Texts.facts(n).forEach(custom::put);
    custom.put("incident_id", n.incidentId()).put("idempotency_key", n.idempotencyKey());
    JsonObject payload =
        new JsonObject()
            .put("summary", Texts.truncate(Texts.headline(n), MAX_SUMMARY))
            .put("source", n.serviceId())
            .put("severity", n.severity().wire())
            .put("timestamp", n.startedAt().toString())
            .put(
                "component",
                n.details().getOrDefault(Notification.DETAIL_FAILING_STEP, n.serviceId()))
            .put("class", n.topic().wire())
            .put("custom_details", custom);
    if (n.teamId() != null) {
      payload.put("group", n.teamId());
    }
    event.put("payload", payload).put("client", "Nines");
    if (n.links().incident() != null) {
      event.put("client_url", n.links().incident());
    }
    JsonArray links = new JsonArray();
    Texts.links(n)
        .forEach((text, href) -> links.add(new JsonObject().put("href", href).put("text", text)));
    if (!links.isEmpty()) {
      event.put("links", links);
    }
    return event;
  }

  private static String action(Notification.Kind kind) {
    switch (kind) {
      case ACKNOWLEDGE:
        return "acknowledge";
      case RESOLVE:
        return "resolve";
      default:
        return "trigger";
    }
  }
}
