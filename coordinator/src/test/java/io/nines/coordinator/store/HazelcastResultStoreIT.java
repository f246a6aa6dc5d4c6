package io.nines.coordinator.store;

import static io.nines.coordinator.testing.TestFleets.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.nines.common.ProbeResult;
import io.nines.coordinator.cluster.ClusterMember;
import io.nines.coordinator.testing.TestCluster;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store contract on a real two-member cluster, through the first member: about half the checks
 * live on the other member, so processors, values and results cross the wire (Compact
 * serialization) and every write goes through a backup.
 */
class HazelcastResultStoreIT extends ResultStoreContract {
  static TestCluster cluster;

  @BeforeAll
  static void startCluster() {
    cluster = TestCluster.start(2);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Override
  ResultStore newStore() {
    cluster.member(0).hazelcast().getMap(HazelcastResultStore.MAP_NAME).clear();
    return cluster.member(0).store();
  }

  long evaluationsOnAllMembers() {
    long n = 0;
    for (ClusterMember m : cluster.members()) {
      n += m.store().evaluationsOnThisMember();
    }
    return n;
  }

  @Test
  void whenBatchesAreApplied_thenEachIsEvaluatedOnceOnItsOwnerAndTheBackupDoesNotEvaluate() {
    long before = evaluationsOnAllMembers();
    List<ProbeResult> batch = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      batch.add(ok("a", i, "home", i % 2 == 0 ? "eu" : "us", at(100 - i)));
      append(List.of(batch.get(i - 1)), NOW);
    }
    append(batch, NOW);

    Evaluation e = evaluation("home").orElseThrow();
    String owner =
        cluster
            .member(0)
            .hazelcast()
            .getPartitionService()
            .getPartition("home")
            .getOwner()
            .getUuid()
            .toString();
    assertThat(e.count()).isEqualTo(10);
    assertThat(evaluationsOnAllMembers() - before).isEqualTo(10);
    assertThat(e.member()).isEqualTo(owner);
    assertThat(cluster.member(1).store().evaluation("home").await()).contains(e);
  }
}
