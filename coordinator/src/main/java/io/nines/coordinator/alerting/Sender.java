package io.nines.coordinator.alerting;

import io.vertx.core.Future;

/**
 * Delivers a notification through the channel its {@link Notification#channelKind()} names, to the
 * team it names. Never throws and never fails the future: a failure is a {@link Delivery} with
 * {@code ok} false. Called on a Vert.x context; never blocks it.
 */
public interface Sender {
  Future<Delivery> send(Notification notification);
}
