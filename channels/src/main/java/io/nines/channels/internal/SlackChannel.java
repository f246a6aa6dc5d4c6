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
 * A Slack-compatible incoming webhook: posts {@code {"text": ..., "blocks": [...]}}. {@code text}
 * is the plain headline (notifications and clients without blocks show it); one section block holds
 * the facts and links in mrkdwn. Slack answers 200 {@code ok}; 4xx such as {@code invalid_token} or
 * {@code channel_not_found} are permanent, 429 and 5xx retryable.
 *
 * <p>The webhook URL is a secret (its path is the credential): it never appears in messages or
 * metric tags.
 */
public final class SlackChannel implements NotificationChannel<Channel.Slack> {
  static final String KIND = "slack";

  private final HttpPoster poster;
  private final Secrets secrets;

  public SlackChannel(HttpPoster poster, Secrets secrets) {
    this.poster = poster;
    this.secrets = secrets;
  }

  @Override
  public Future<DeliveryResult> send(Notification n, Channel.Slack config) {
    return Settle.settle(KIND, () -> sendUnsettled(n, config));
  }

  private Future<DeliveryResult> sendUnsettled(Notification n, Channel.Slack config) {
    return secrets
        .render(config.url(), "slack url")
        .compose(
            url ->
                poster.post(
                    KIND,
                    url.value(),
                    config.url().source(),
                    "application/json",
                    message(n).toBuffer(),
                    Map.of(),
                    url.redaction()));
  }

  static JsonObject message(Notification n) {
    JsonObject section =
        new JsonObject()
            .put("type", "section")
            .put(
                "text",
                new JsonObject()
                    .put("type", "mrkdwn")
                    .put("text", Texts.truncate(Texts.slackMarkdown(n), 3000)));
    return new JsonObject()
        .put("text", Texts.truncate(Texts.headline(n), 3000))
        .put("blocks", new JsonArray().add(section));
  }
}
