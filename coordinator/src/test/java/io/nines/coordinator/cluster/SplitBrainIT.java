package io.nines.coordinator.cluster;

import static io.nines.store.testing.TestFleets.fail;
import static io.nines.store.testing.TestFleets.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.nines.common.ProbeResult;
import io.nines.config.DownWhen;
import io.nines.config.Fleet;
import io.nines.coordinator.testing.TestCluster;
import io.nines.store.results.Evaluation;
import io.nines.store.results.HazelcastResultStore;
import io.nines.store.testing.TestFleets;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A split brain healed in one JVM: two members of one cluster name that cannot see each other form
 * two clusters, each accepts results, then they learn of each other and Hazelcast merges the
 * smaller side into the other through the checks map's merge policy.
 */
class SplitBrainIT {
  static final Instant NOW = Instant.parse("2026-04-10T12:00:00Z");

  final Fleet fleet =
      TestFleets.fleet()
          .check("home", "shop", Duration.ofSeconds(30), List.of("eu", "us"), new DownWhen(2))
          .build();
  final TestCluster names = new TestCluster();
  ClusterMember left;
  ClusterMember right;

  @AfterEach
  void stop() {
    for (ClusterMember m : new ClusterMember[] {left, right}) {
      if (m != null) {
        m.close().await();
      }
    }
  }

  ClusterOptions alone() {
    ClusterOptions o = names.options(List.of());
    return ClusterOptions.builder()
        .clusterName(o.clusterName())
        .host(o.host())
        .port(0)
        .partitionCount(o.partitionCount())
        .property("hazelcast.merge.first.run.delay.seconds", "1")
        .property("hazelcast.merge.next.run.delay.seconds", "1")
        .property("hazelcast.wait.seconds.before.join", "0")
        .property("hazelcast.max.wait.seconds.before.join", "0")
        .build();
  }

  @Test
  void whenASplitClusterHeals_thenResultsAcceptedOnEitherSideAreKeptOnce() throws Exception {
    left = ClusterMember.start(alone(), new VertxOptions()).await(60, TimeUnit.SECONDS);
    right = ClusterMember.start(alone(), new VertxOptions()).await(60, TimeUnit.SECONDS);
    assertThat(left.memberCount()).isEqualTo(1);
    assertThat(right.memberCount()).isEqualTo(1);
    ProbeResult both = ok("a", 1, "home", "eu", NOW.minusSeconds(90));
    ProbeResult onlyLeft = ok("a", 2, "home", "eu", NOW.minusSeconds(60));
    ProbeResult onlyRight = fail("b", 7, "home", "us", NOW.minusSeconds(30));
    left.store().append(List.of(both, onlyLeft), fleet, NOW).await(10, TimeUnit.SECONDS);
    right.store().append(List.of(both), fleet, NOW.minusSeconds(5)).await(10, TimeUnit.SECONDS);
    right.store().append(List.of(onlyRight), fleet, NOW.plusSeconds(5)).await(10, TimeUnit.SECONDS);

    // The network heals: each learns where the other is.
    left.hazelcast()
        .getConfig()
        .getNetworkConfig()
        .getJoin()
        .getTcpIpConfig()
        .addMember(right.address());
    right
        .hazelcast()
        .getConfig()
        .getNetworkConfig()
        .getJoin()
        .getTcpIpConfig()
        .addMember(left.address());
    Awaitility.await()
        .atMost(Duration.ofSeconds(40))
        .until(() -> left.memberCount() == 2 && right.memberCount() == 2);

    for (ClusterMember m : List.of(left, right)) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                Map<String, List<ProbeResult>> byLocation =
                    m.store().resultsByLocation("home", NOW.minusSeconds(600), NOW).await();
                assertThat(byLocation.get("eu")).containsExactly(both, onlyLeft);
                assertThat(byLocation.get("us")).containsExactly(onlyRight);
              });
      Evaluation e = m.store().evaluation("home").await(10, TimeUnit.SECONDS).orElseThrow();
      assertThat(e.at()).as("the later of the two evaluations").isEqualTo(NOW.plusSeconds(5));
      assertThat(e.count()).isEqualTo(2);
    }
    assertThat(
            left.store()
                .append(List.of(both, onlyLeft, onlyRight), fleet, NOW)
                .await()
                .duplicates())
        .isEqualTo(3);
    assertThat(
            left.hazelcast()
                .getConfig()
                .getMapConfig(HazelcastResultStore.MAP_NAME)
                .getMergePolicyConfig()
                .getPolicy())
        .endsWith("CheckLogMergePolicy");
  }
}
