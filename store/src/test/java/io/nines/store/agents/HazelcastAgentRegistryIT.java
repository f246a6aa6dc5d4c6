package io.nines.store.agents;

import io.nines.store.testing.ContractCluster;
import io.nines.store.testing.StoreCluster;
import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The agent registry contract on two real members: heartbeats alternate between the members, as
 * agents behind a load balancer send them, and every read goes through the member that did not take
 * the last heartbeat, so a record is visible cluster-wide once its heartbeat completes.
 */
@ExtendWith(ContractCluster.class)
class HazelcastAgentRegistryIT extends AgentRegistryContract {
  @Override
  AgentRegistry newRegistry() {
    StoreCluster cluster = ContractCluster.get();
    cluster.member(0).hazelcast().getMap(HazelcastAgentRegistry.MAP).clear();
    return new TwoMembers(registryOf(cluster.member(0)), registryOf(cluster.member(1)));
  }

  static HazelcastAgentRegistry registryOf(StoreCluster.Member m) {
    return new HazelcastAgentRegistry(m.vertx(), m.hazelcast());
  }

  /** The cluster's registry as a whole, seen from two members. */
  record TwoMembers(
      HazelcastAgentRegistry first, HazelcastAgentRegistry second, AtomicInteger calls)
      implements AgentRegistry {
    TwoMembers(HazelcastAgentRegistry first, HazelcastAgentRegistry second) {
      this(first, second, new AtomicInteger());
    }

    @Override
    public Future<Void> heartbeat(AgentRecord record) {
      return (calls.getAndIncrement() % 2 == 0 ? first : second).heartbeat(record);
    }

    @Override
    public Future<List<AgentRecord>> all() {
      return (calls.get() % 2 == 0 ? second : first).all();
    }
  }
}
