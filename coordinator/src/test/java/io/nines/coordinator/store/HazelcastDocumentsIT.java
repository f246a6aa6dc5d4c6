package io.nines.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.map.IMap;
import io.nines.coordinator.cluster.ClusterMember;
import io.nines.coordinator.testing.ContractCluster;
import io.nines.coordinator.testing.TestCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The documents contract on a map of two real members written behind to a database (the maintenance
 * map, as a cluster with a database runs it), through the first member. A full-cluster restart
 * reading it back is in {@code FullClusterRestart*}.
 */
@ExtendWith(ContractCluster.class)
class HazelcastDocumentsIT extends DocumentsContract {
  static TestCluster cluster;

  @Override
  Documents newDocuments() {
    cluster = ContractCluster.get();
    return documentsOf(0);
  }

  static Documents documentsOf(int member) {
    IMap<String, String> map =
        cluster.member(member).hazelcast().getMap(ClusterMember.MAINTENANCE_MAP);
    map.clear();
    return new HazelcastDocuments(map);
  }

  @Test
  void whenOneMemberWrites_thenEveryMemberReadsTheSame() {
    documents.put("a", "{\"v\":1}");
    Documents second =
        new HazelcastDocuments(cluster.member(1).hazelcast().getMap(ClusterMember.MAINTENANCE_MAP));
    assertThat(second.putIfAbsent("b", "{\"v\":2}")).isTrue();

    assertThat(second.get("a")).isEqualTo("{\"v\":1}");
    assertThat(documents.putIfAbsent("b", "{}")).isFalse();
    assertThat(second.all()).isEqualTo(documents.all()).containsOnlyKeys("a", "b");
  }
}
