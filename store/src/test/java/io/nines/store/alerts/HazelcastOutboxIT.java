package io.nines.store.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.availability.incident.Notification;
import io.nines.store.testing.ContractCluster;
import io.nines.store.testing.StoreCluster;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The outbox contract on two real members whose map is written behind to a database, as a cluster
 * with a database runs it. Writes go through the first member and reads through the second, so
 * every answer crosses the wire; {@link #take} asks both members, each handing out the keys it
 * owns, as the delivery loops of a cluster do together, and trims the finished entries of those
 * keys past the 30-day delivery log. Owner-only delivery is in {@code HazelcastAlertingMapsIT}, a
 * full-cluster restart in {@code FullClusterRestart*}.
 */
@ExtendWith(ContractCluster.class)
class HazelcastOutboxIT extends OutboxContract {
  @Override
  Outbox newOutbox() {
    StoreCluster cluster = ContractCluster.get();
    cluster.member(0).hazelcast().getMap(HazelcastOutbox.MAP_NAME).clear();
    return new TwoMembers(outboxOf(cluster.member(0)), outboxOf(cluster.member(1)));
  }

  @Test
  void whenFinishedEntriesAgePastTheDeliveryLog_thenTheyAreDroppedAndUnfinishedOnesStay() {
    enqueue(T0, notice("old-sent"), notice("old-failed"), notice("old-queued"));
    take(T0, 10, 60);
    await(outbox.record("old-sent", sent(T0), null));
    await(outbox.record("old-failed", refused(T0), null));
    await(outbox.record("old-queued", refused(T0), T0.plus(HazelcastOutbox.FINISHED_KEPT)));
    Instant later = T0.plus(HazelcastOutbox.FINISHED_KEPT).plusSeconds(1);

    // Each member trims the keys it owns while it takes.
    take(later.minusSeconds(2), 10, 60);
    assertThat(keys(await(outbox.recent(100))))
        .as("not older than the delivery log yet")
        .containsExactlyInAnyOrder("old-sent", "old-failed", "old-queued");
    take(later, 10, 60);

    assertThat(keys(await(outbox.recent(100))))
        .as("the finished entries are dropped; the unfinished one stays, however old")
        .containsExactly("old-queued");
  }

  static HazelcastOutbox outboxOf(StoreCluster.Member m) {
    return new HazelcastOutbox(m.vertx(), m.hazelcast());
  }

  /** The cluster's outbox as a whole, seen from two members. */
  record TwoMembers(HazelcastOutbox first, HazelcastOutbox second) implements Outbox {
    @Override
    public Future<Integer> enqueue(List<Notification> notifications, Instant now) {
      return first.enqueue(notifications, now);
    }

    @Override
    public Future<List<OutboxEntry>> take(Instant now, int max, long leaseSeconds) {
      return first
          .take(now, max, leaseSeconds)
          .compose(
              a ->
                  second
                      .take(now, max - a.size(), leaseSeconds)
                      .map(
                          b -> {
                            List<OutboxEntry> all = new ArrayList<>(a);
                            all.addAll(b);
                            return all;
                          }));
    }

    @Override
    public Future<Void> record(String key, Delivery delivery, Instant nextAttemptAt) {
      return first.record(key, delivery, nextAttemptAt);
    }

    @Override
    public Future<List<OutboxEntry>> ofIncident(String incidentId) {
      return second.ofIncident(incidentId);
    }

    @Override
    public Future<List<OutboxEntry>> recent(int limit) {
      return second.recent(limit);
    }
  }
}
