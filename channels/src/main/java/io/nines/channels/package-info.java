/**
 * Notification channels: how a decided {@link io.nines.channels.Notification} reaches a person or a
 * system. {@link io.nines.channels.Channels} sends to the channels a team configures ({@link
 * io.nines.config.Channel}: PagerDuty Events API v2, email over SMTP, Slack webhooks, signed
 * generic webhooks) and to Prometheus Alertmanager.
 *
 * <p>Every send completes with a {@link io.nines.channels.DeliveryResult}: it never throws and its
 * future never fails, and the result says whether a retry can help. Each endpoint (channel kind and
 * {@code host:port}) sits behind its own circuit breaker, so a dead endpoint fails fast and slows
 * no other. Deciding who gets what, the outbox and retries live elsewhere; this package only
 * delivers one notification once.
 *
 * <p>Secrets in channel settings are resolved at each send; a resolved secret never appears in a
 * result message, a log line or a metric tag.
 */
package io.nines.channels;
