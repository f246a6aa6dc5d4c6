package io.nines.coordinator.alerting;

import io.nines.availability.incident.Notification;
import io.nines.common.TimeSource;
import io.nines.store.alerts.Delivery;
import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The demo's receiver: every notification it is given lands here, as each team would have received
 * it, and the dashboard shows it as an inbox. Real channels are a configuration change away. Keeps
 * the newest {@code capacity} messages. Thread-safe.
 */
public final class Inbox implements Sender {
  private final TimeSource time;
  private final int capacity;
  private final Deque<Notification> messages = new ArrayDeque<>();

  public Inbox(TimeSource time, int capacity) {
    this.time = time;
    this.capacity = capacity;
  }

  @Override
  public synchronized Future<Delivery> send(Notification notification) {
    messages.addFirst(notification);
    while (messages.size() > capacity) {
      messages.removeLast();
    }
    return Future.succeededFuture(
        new Delivery(time.now(), true, "inbox", "delivered to the demo inbox", false));
  }

  /** The newest messages first. */
  public synchronized List<Notification> messages() {
    return new ArrayList<>(messages);
  }
}
