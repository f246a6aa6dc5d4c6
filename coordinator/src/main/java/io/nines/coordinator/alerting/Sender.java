package io.nines.coordinator.alerting;

import io.nines.availability.incident.Notification;
import io.nines.store.alerts.Delivery;
import io.vertx.core.Future;
import java.time.Instant;

/**
 * Delivers a notification through the channel its {@link Notification#channelKind()} names, to the
 * team it names. Never throws and never fails the future: a failure is a {@link Delivery} with
 * {@code ok} false. Called on a Vert.x context; never blocks it.
 */
public interface Sender {
  Future<Delivery> send(Notification notification);

  /**
   * Sends {@code firing}, a notification already delivered to a channel that holds alert state
   * (Alertmanager), once more: as it was while its incident is open, so that the channel does not
   * time it out, or, when {@code resolvedAt} is set, as resolved at that time, addressing the very
   * alert it fired. Same contract as {@link #send}. The default sends nothing: channels without
   * state need no repeats.
   */
  default Future<Delivery> repost(Notification firing, Instant resolvedAt) {
    return Future.succeededFuture(
        new Delivery(
            resolvedAt == null ? firing.at() : resolvedAt,
            true,
            "0",
            "not reposted: this sender keeps no alert state",
            false));
  }
}
