package io.nines.channels.internal;

import io.nines.channels.AlertmanagerTarget;
import io.nines.channels.DeliveryResult;
import io.nines.channels.Notification;
import io.nines.channels.NotificationChannel;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Prometheus Alertmanager's API v2: posts one alert to {@code <url>/api/v2/alerts}. Its labels
 * identify it: {@code alertname} (from the topic, such as {@code NinesServiceDown}), {@code
 * service}, {@code tier}, {@code team}, {@code severity} and {@code incident}, so each incident is
 * its own alert. {@code startsAt} is when the outage started; a resolution posts the same labels
 * with {@code endsAt}.
 *
 * <p>Alertmanager resolves an alert it has not heard about for its {@code resolve_timeout} (5 min
 * by default), as it expects senders to repeat firing alerts: whoever drives this channel should
 * post an open incident's trigger again at least that often. Alertmanager has no acknowledgement:
 * one is not sent and counts as delivered.
 */
public final class AlertmanagerChannel implements NotificationChannel<AlertmanagerTarget> {
  static final String KIND = "alertmanager";

  private final HttpPoster poster;
  private final Secrets secrets;

  public AlertmanagerChannel(HttpPoster poster, Secrets secrets) {
    this.poster = poster;
    this.secrets = secrets;
  }

  @Override
  public Future<DeliveryResult> send(Notification n, AlertmanagerTarget target) {
    return Settle.settle(KIND, () -> sendUnsettled(n, target));
  }

  private Future<DeliveryResult> sendUnsettled(Notification n, AlertmanagerTarget target) {
    if (n.kind() == Notification.Kind.ACKNOWLEDGE) {
      return Future.succeededFuture(
          DeliveryResult.delivered(
              0, "alertmanager has no acknowledgements; nothing sent for this one"));
    }
    return secrets
        .render(target.url(), "alertmanager url")
        .compose(
            base -> {
              String url = base.value();
              String alerts = (url.endsWith("/") ? url : url + "/") + "api/v2/alerts";
              return poster.post(
                  KIND,
                  alerts,
                  target.url().source(),
                  "application/json",
                  new JsonArray().add(alert(n)).toBuffer(),
                  Map.of(),
                  base.redaction());
            });
  }

  /** The alert for {@code n}. */
  static JsonObject alert(Notification n) {
    JsonObject labels =
        new JsonObject()
            .put("alertname", n.topic().alertName())
            .put("service", n.serviceId())
            .put("severity", n.severity().wire())
            .put("incident", n.incidentId());
    if (n.tier() != null) {
      labels.put("tier", n.tier());
    }
    if (n.teamId() != null) {
      labels.put("team", n.teamId());
    }
    JsonObject annotations =
        new JsonObject().put("summary", Texts.headline(n)).put("description", description(n));
    if (n.links().runbook() != null) {
      annotations.put("runbook_url", n.links().runbook());
    }
    if (n.links().screenshot() != null) {
      annotations.put("screenshot_url", n.links().screenshot());
    }
    if (n.links().timeline() != null) {
      annotations.put("timeline_url", n.links().timeline());
    }
    JsonObject alert =
        new JsonObject()
            .put("labels", labels)
            .put("annotations", annotations)
            .put("startsAt", n.startedAt().toString());
    if (n.kind() == Notification.Kind.RESOLVE) {
      alert.put("endsAt", n.at().toString());
    }
    String generator = n.links().incident() != null ? n.links().incident() : n.links().timeline();
    if (generator != null) {
      alert.put("generatorURL", generator);
    }
    return alert;
  }

  private static String description(Notification n) {
    StringBuilder sb = new StringBuilder();
    Texts.facts(n)
        .forEach(
            (k, v) -> {
              if (sb.length() > 0) {
                sb.append('\n');
              }
              sb.append(k).append(": ").append(v);
            });
    return sb.toString();
  }
}
