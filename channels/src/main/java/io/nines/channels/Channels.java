package io.nines.channels;

import io.micrometer.core.instrument.MeterRegistry;
import io.nines.channels.internal.AlertmanagerChannel;
import io.nines.channels.internal.Breakers;
import io.nines.channels.internal.EmailChannel;
import io.nines.channels.internal.HttpPoster;
import io.nines.channels.internal.PagerDutyChannel;
import io.nines.channels.internal.Secrets;
import io.nines.channels.internal.SlackChannel;
import io.nines.channels.internal.WebhookChannel;
import io.nines.common.Checks;
import io.nines.common.TimeSource;
import io.nines.config.Channel;
import io.nines.config.SecretRef;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.List;
import java.util.function.Function;

/**
 * Every channel behind one door: {@link #send} picks the channel for a team's configured {@link
 * Channel} (PagerDuty, email, Slack, webhook or Alertmanager), {@link #sendToAlertmanager} posts to
 * an Alertmanager given directly, and {@link #circuits} shows the breaker of every endpoint used so
 * far.
 *
 * <p>Sends follow the {@link NotificationChannel} contract: callable from any thread, never
 * blocking, never throwing, always completing with a {@link DeliveryResult} within the send timeout
 * (plus scheduling delay). One instance per coordinator; thread-safe.
 *
 * <p>Metrics: the gauge {@code nines.channel.circuit} tagged {@code channel} (the kind) and {@code
 * endpoint} ({@code host:port}), 0 closed, 1 half-open, 2 open.
 */
public final class Channels implements NotificationChannel<Channel> {
  /** PagerDuty's own Events API v2 endpoint, used when a PagerDuty channel sets no URL. */
  public static final String PAGERDUTY_URL = PagerDutyChannel.DEFAULT_URL;

  private final WebClient web;
  private final Breakers breakers;
  private final PagerDutyChannel pagerDuty;
  private final EmailChannel email;
  private final SlackChannel slack;
  private final WebhookChannel webhook;
  private final AlertmanagerChannel alertmanager;

  private Channels(
      Vertx vertx,
      MeterRegistry registry,
      TimeSource time,
      ChannelOptions options,
      Function<SecretRef, String> secretResolver) {
    this.web =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setUserAgent(options.userAgent())
                .setConnectTimeout(
                    (int) Math.min(Integer.MAX_VALUE, options.sendTimeout().toMillis()))
                .setFollowRedirects(false));
    this.breakers = new Breakers(vertx, registry, options);
    Secrets secrets = new Secrets(vertx, secretResolver);
    HttpPoster poster = new HttpPoster(web, breakers, options);
    this.pagerDuty = new PagerDutyChannel(poster, secrets);
    this.email = new EmailChannel(vertx, options.smtp(), breakers, secrets, options.sendTimeout());
    this.slack = new SlackChannel(poster, secrets);
    this.webhook = new WebhookChannel(poster, secrets, time);
    this.alertmanager = new AlertmanagerChannel(poster, secrets);
  }

  /**
   * Channels sending with {@code vertx}.
   *
   * @param registry where the breaker gauges are registered
   * @param time the clock for send timestamps (webhook {@code X-Nines-Timestamp})
   * @param secretResolver reads secret references at send time, normally {@code ref ->
   *     ref.resolve(System.getenv())}; may throw {@link SecretRef.UnresolvedSecret}
   */
  public static Channels create(
      Vertx vertx,
      MeterRegistry registry,
      TimeSource time,
      ChannelOptions options,
      Function<SecretRef, String> secretResolver) {
    return new Channels(
        Checks.notNull(vertx, "vertx"),
        Checks.notNull(registry, "registry"),
        Checks.notNull(time, "time"),
        Checks.notNull(options, "options"),
        Checks.notNull(secretResolver, "secretResolver"));
  }

  /** Sends {@code notification} through the channel that {@code config} describes. */
  @Override
  public Future<DeliveryResult> send(Notification notification, Channel config) {
    if (notification == null || config == null) {
      return Future.succeededFuture(
          DeliveryResult.permanent(
              0,
              "send needs a notification and a channel (got "
                  + notification
                  + ", "
                  + config
                  + ")"));
    }
    if (config instanceof Channel.PagerDuty pd) {
      return pagerDuty.send(notification, pd);
    } else if (config instanceof Channel.Email e) {
      return email.send(notification, e);
    } else if (config instanceof Channel.Slack s) {
      return slack.send(notification, s);
    } else if (config instanceof Channel.Webhook w) {
      return webhook.send(notification, w);
    } else if (config instanceof Channel.Alertmanager am) {
      return alertmanager.send(notification, new AlertmanagerTarget(am.url()));
    }
    return Future.succeededFuture(
        DeliveryResult.permanent(
            0,
            "channel kind '"
                + config.kind()
                + "' has no sender (expected: pagerduty, email, slack, webhook or alertmanager)"));
  }

  /** Posts {@code notification} to the Alertmanager at {@code target}. */
  public Future<DeliveryResult> sendToAlertmanager(
      Notification notification, AlertmanagerTarget target) {
    if (notification == null || target == null) {
      return Future.succeededFuture(
          DeliveryResult.permanent(0, "sendToAlertmanager needs a notification and a target"));
    }
    return alertmanager.send(notification, target);
  }

  /** The breaker of every endpoint sent to so far, sorted by channel kind and endpoint. */
  public List<CircuitStatus> circuits() {
    return breakers.statuses();
  }

  /** Closes the HTTP and mail clients and the breakers. Sends after this fail. */
  public Future<Void> close() {
    breakers.close();
    web.close();
    return email.close();
  }
}
