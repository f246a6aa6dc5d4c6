package io.nines.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nines.config.DownWhen;
import io.nines.config.Fleet;
import io.nines.store.agents.HazelcastAgentRegistry;
import io.nines.store.alerts.HazelcastAlertStore;
import io.nines.store.alerts.HazelcastOutbox;
import io.nines.store.documents.HazelcastDocuments;
import io.nines.store.results.HazelcastResultStore;
import io.nines.store.testing.StoreCluster;
import io.nines.store.testing.TestFleets;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A cluster member's backend supplies every store on the cluster's maps. */
class ClusterBackendIT {
  static StoreCluster cluster;
  final Fleet fleet =
      TestFleets.fleet()
          .check("home", "shop", Duration.ofSeconds(30), List.of("eu"), DownWhen.MAJORITY)
          .build();
  final Supplier<Fleet> fleets = () -> fleet;

  @BeforeAll
  static void startCluster() {
    cluster = StoreCluster.start(2);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void whenTheModeIsCluster_thenEveryStoreIsOnTheClustersMaps() {
    StoreCluster.Member member = cluster.member(0);
    ClusterBackend backend = member.backend();
    assertThat(backend.mode()).isEqualTo("cluster");

    backend.start(member.vertx(), fleets).await();

    assertThat(backend.results()).isInstanceOf(HazelcastResultStore.class);
    assertThat(backend.outbox()).isInstanceOf(HazelcastOutbox.class);
    assertThat(backend.alertStore()).isInstanceOf(HazelcastAlertStore.class);
    assertThat(backend.agents()).isInstanceOf(HazelcastAgentRegistry.class);
    assertThat(backend.documents("maintenance")).isInstanceOf(HazelcastDocuments.class);
    assertThat(backend.database()).isNull();
    backend.close().await();
  }

  @Test
  void whenOneMemberWritesADocument_thenAnotherMembersBackendReadsIt() {
    cluster.member(0).backend().documents("config").put("v-1", "{\"hash\":\"abc\"}");

    assertThat(cluster.member(1).backend().documents("config").get("v-1"))
        .isEqualTo("{\"hash\":\"abc\"}");
    assertThat(cluster.member(1).hazelcast().getMap(ClusterBackend.mapOf("config")).size())
        .isEqualTo(1);
  }

  @Test
  void whenStartedOnAnotherVertx_thenItIsRefused() {
    Vertx other = Vertx.vertx();
    try {
      assertThatThrownBy(() -> cluster.member(1).backend().start(other, fleets))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not the cluster member's");
    } finally {
      other.close().await();
    }
  }
}
