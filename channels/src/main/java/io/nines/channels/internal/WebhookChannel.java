package io.nines.channels.internal;

import io.nines.channels.DeliveryResult;
import io.nines.channels.Notification;
import io.nines.channels.NotificationChannel;
import io.nines.channels.WebhookSignature;
import io.nines.common.TimeSource;
import io.nines.config.Channel;
import io.nines.config.Redaction;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A generic webhook: posts the notification as JSON ({@link #body}) with the headers {@code
 * Idempotency-Key} (the notification's key, the same on every retry), {@code X-Nines-Timestamp}
 * (seconds since the epoch, also in the body as {@code sent_at}) and, when the channel has a
 * secret, {@code X-Nines-Signature: sha256=<hex HMAC-SHA256 of the raw body>} (see {@link
 * WebhookSignature}).
 */
public final class WebhookChannel implements NotificationChannel<Channel.Webhook> {
  static final String KIND = "webhook";

  private final HttpPoster poster;
  private final Secrets secrets;
  private final TimeSource time;

  public WebhookChannel(HttpPoster poster, Secrets secrets, TimeSource time) {
    this.poster = poster;
    this.secrets = secrets;
    this.time = time;
  }

  @Override
  public Future<DeliveryResult> send(Notification n, Channel.Webhook config) {
    return Settle.settle(KIND, () -> sendUnsettled(n, config));
  }

  private Future<DeliveryResult> sendUnsettled(Notification n, Channel.Webhook config) {
    Future<Secrets.Rendered> url = secrets.render(config.url(), "webhook url");
    Future<Secrets.Rendered> secret = secrets.render(config.secret(), "webhook secret");
    return Future.all(url, secret)
        .compose(
            all -> {
              long sentAt = time.now().getEpochSecond();
              Buffer body = body(n, sentAt).toBuffer();
              Map<String, String> headers = new LinkedHashMap<>();
              headers.put(WebhookSignature.IDEMPOTENCY_HEADER, n.idempotencyKey());
              headers.put(WebhookSignature.TIMESTAMP_HEADER, Long.toString(sentAt));
              Redaction redaction = url.result().redaction();
              String key = secret.result().value();
              if (key != null) {
                headers.put(WebhookSignature.HEADER, WebhookSignature.sign(key, body.getBytes()));
                redaction.add(key);
              }
              return poster.post(
                  KIND,
                  url.result().value(),
                  config.url().source(),
                  "application/json",
                  body,
                  headers,
                  redaction);
            });
  }

  /**
   * The JSON body: the notification's fields in snake_case, times as ISO-8601 UTC, and {@code
   * sent_at} in seconds since the epoch.
   */
  public static JsonObject body(Notification n, long sentAtEpochSeconds) {
    JsonObject service =
        new JsonObject()
            .put("id", n.serviceId())
            .put("name", n.serviceName())
            .put("tier", n.tier());
    JsonObject links =
        new JsonObject()
            .put("incident", n.links().incident())
            .put("timeline", n.links().timeline())
            .put("runbook", n.links().runbook())
            .put("screenshot", n.links().screenshot());
    JsonObject details = new JsonObject();
    n.details().forEach(details::put);
    return new JsonObject()
        .put("idempotency_key", n.idempotencyKey())
        .put("incident_id", n.incidentId())
        .put("kind", n.kind().wire())
        .put("topic", n.topic().wire())
        .put("severity", n.severity().wire())
        .put("service", service)
        .put("team", n.teamId())
        .put("summary", n.summary())
        .put("headline", Texts.headline(n))
        .put("started_at", n.startedAt().toString())
        .put("at", n.at().toString())
        .put("details", details)
        .put("links", links)
        .put("sent_at", sentAtEpochSeconds);
  }
}
