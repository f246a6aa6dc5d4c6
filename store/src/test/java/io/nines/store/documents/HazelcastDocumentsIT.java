package io.nines.store.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.nines.store.ClusterBackend;
import io.nines.store.StoreUnavailableException;
import io.nines.store.testing.ContractCluster;
import io.nines.store.testing.StoreCluster;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The documents contract on a map of two real members written behind to a database (the maintenance
 * map, as a cluster with a database runs it), through the first member. A full-cluster restart
 * reading it back is in {@code FullClusterRestart*}.
 */
@ExtendWith(ContractCluster.class)
class HazelcastDocumentsIT extends DocumentsContract {
  /** The maintenance windows' map, as a coordinator declares it. */
  static final String MAP = ClusterBackend.mapOf("maintenance");

  static StoreCluster cluster;

  @Override
  Documents newDocuments() {
    cluster = ContractCluster.get();
    return documentsOf(0);
  }

  static Documents documentsOf(int member) {
    IMap<String, String> map = cluster.member(member).hazelcast().getMap(MAP);
    map.clear();
    return new HazelcastDocuments(map);
  }

  @Test
  void whenOneMemberWrites_thenEveryMemberReadsTheSame() {
    documents.put("a", "{\"v\":1}");
    Documents second = new HazelcastDocuments(cluster.member(1).hazelcast().getMap(MAP));
    assertThat(second.putIfAbsent("b", "{\"v\":2}")).isTrue();

    assertThat(second.get("a")).isEqualTo("{\"v\":1}");
    assertThat(documents.putIfAbsent("b", "{}")).isFalse();
    assertThat(second.all()).isEqualTo(documents.all()).containsOnlyKeys("a", "b");
  }

  @Test
  void
      whenTheOwnerDoesNotAnswer_thenEveryCallGivesUpAfterItsTimeoutNamingTheMapAndTheKeyAndIsCounted()
          throws Exception {
    documents.put("frozen", "{}");
    LongAdder timeouts = new LongAdder();
    Documents bounded =
        new HazelcastDocuments(
            cluster.member(0).hazelcast().getMap(MAP), Duration.ofMillis(300), timeouts);
    // The owner's partition thread held, as on a member that is frozen or cut off.
    CountDownLatch release = StoreCluster.stall(cluster.ownerOf("frozen"), "frozen");
    try {
      long start = System.nanoTime();
      assertThatThrownBy(() -> bounded.get("frozen"))
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("reading 'frozen' in the cluster map '" + MAP + "'")
          .hasMessageContaining("took longer than 300 ms");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      assertThatThrownBy(() -> bounded.putIfAbsent("frozen", "{}"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("writing 'frozen' to the cluster map '" + MAP + "'")
          .hasRootCauseInstanceOf(TimeoutException.class);
      assertThatThrownBy(() -> bounded.put("frozen", "{\"v\":2}"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("took longer than 300 ms");
      assertThat(timeouts.sum()).isEqualTo(3);
    } finally {
      release.countDown();
    }
    // Once the owner answers again, so does the map; the write that timed out was made after all.
    assertThat(bounded.get("frozen")).isEqualTo("{\"v\":2}");
  }

  @Test
  void whenTheMemberIsGone_thenAWriteFailsNamingTheMapAndTheKey() {
    Config config = new Config().setClusterName("nines-test-" + UUID.randomUUID());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.getNetworkConfig().setPort(0).getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
    config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
    HazelcastInstance alone = Hazelcast.newHazelcastInstance(config);
    Documents gone = new HazelcastDocuments(alone.getMap(MAP));
    alone.shutdown();

    for (Runnable write :
        new Runnable[] {
          () -> gone.put("window-1", "{}"),
          () -> gone.putIfAbsent("window-1", "{}"),
          () -> gone.remove("window-1")
        }) {
      assertThatThrownBy(write::run)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("'" + MAP + "'")
          .hasMessageContaining("'window-1'");
    }
  }
}
