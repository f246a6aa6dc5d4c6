package io.nines.channels;

import io.vertx.core.Future;

/**
 * Delivers notifications to one kind of endpoint.
 *
 * <p>Contract for every implementation: {@link #send} may be called from any thread or Vert.x
 * context; it never blocks the caller, never throws, and the returned future never fails. It always
 * completes, within the channel's send timeout plus scheduling delay, with a {@link DeliveryResult}
 * whose {@code retryable} flag tells the outbox whether to try again. A send is attempted once:
 * retries are the caller's business, and each attempt carries the notification's idempotency key
 * where the endpoint honours one.
 *
 * @param <C> the channel's settings, as configured
 */
public interface NotificationChannel<C> {

  /** Sends {@code notification} with the channel settings {@code config}. */
  Future<DeliveryResult> send(Notification notification, C config);
}
