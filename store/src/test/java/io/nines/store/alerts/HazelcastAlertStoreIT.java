package io.nines.store.alerts;

import io.nines.availability.incident.Command;
import io.nines.availability.incident.IncidentEngine;
import io.nines.availability.incident.ServiceAlerts;
import io.nines.store.testing.ContractCluster;
import io.nines.store.testing.StoreCluster;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The alert store contract on two real members whose maps are written behind to a database, as a
 * cluster with a database runs it: decisions alternate between the members (so concurrent ones race
 * through compare-and-set across the wire), reads go through the second, and each member's store
 * writes ahead to its own view of the cluster's outbox. A full-cluster restart is in {@code
 * FullClusterRestart*}.
 */
@ExtendWith(ContractCluster.class)
class HazelcastAlertStoreIT extends AlertStoreContract {
  HazelcastOutbox outbox;

  @Override
  AlertStore newStore() {
    StoreCluster cluster = ContractCluster.get();
    cluster.member(0).hazelcast().getMap(HazelcastAlertStore.MAP_NAME).clear();
    cluster.member(0).hazelcast().getMap(HazelcastOutbox.MAP_NAME).clear();
    outbox = HazelcastOutboxIT.outboxOf(cluster.member(0));
    return new TwoMembers(storeOf(cluster.member(0)), storeOf(cluster.member(1)));
  }

  static HazelcastAlertStore storeOf(StoreCluster.Member m) {
    return new HazelcastAlertStore(m.vertx(), m.hazelcast(), FLEET, HazelcastOutboxIT.outboxOf(m));
  }

  @Override
  Outbox writeAhead() {
    return outbox;
  }

  /** The cluster's alert store as a whole, seen from two members. */
  record TwoMembers(HazelcastAlertStore first, HazelcastAlertStore second, AtomicInteger calls)
      implements AlertStore {
    TwoMembers(HazelcastAlertStore first, HazelcastAlertStore second) {
      this(first, second, new AtomicInteger());
    }

    @Override
    public Future<IncidentEngine.Step> apply(String serviceId, Command command) {
      return (calls.getAndIncrement() % 2 == 0 ? first : second).apply(serviceId, command);
    }

    @Override
    public Future<Optional<ServiceAlerts>> get(String serviceId) {
      return second.get(serviceId);
    }

    @Override
    public Future<List<ServiceAlerts>> all() {
      return second.all();
    }
  }
}
