package io.nines.coordinator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import io.nines.store.checklog.CheckLogMergePolicy;
import io.nines.store.results.HazelcastResultStore;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterOptionsTest {

  @Test
  void whenNothingIsSet_thenAMemberStartsAloneOnLoopbackWithOneSyncBackup() {
    ClusterOptions o = ClusterOptions.builder().build();

    assertThat(o.clusterName()).isEqualTo("nines");
    assertThat(o.host()).isEqualTo("127.0.0.1");
    assertThat(o.port()).isEqualTo(5701);
    assertThat(o.members()).isEmpty();
    assertThat(o.backupCount()).isEqualTo(1);
  }

  @Test
  void whenTheEnvironmentNamesPeers_thenTheyBecomeTheMemberList() {
    ClusterOptions o =
        ClusterOptions.fromEnvironment(
            Map.of(
                "NINES_CLUSTER_NAME", "prod",
                "NINES_CLUSTER_HOST", "10.0.0.5",
                "NINES_CLUSTER_PORT", "5801",
                "NINES_CLUSTER_MEMBERS", "10.0.0.5:5801, 10.0.0.6:5801,,10.0.0.7",
                "NINES_CLUSTER_BACKUPS", "2"));

    assertThat(o.clusterName()).isEqualTo("prod");
    assertThat(o.host()).isEqualTo("10.0.0.5");
    assertThat(o.port()).isEqualTo(5801);
    assertThat(o.members()).containsExactly("10.0.0.5:5801", "10.0.0.6:5801", "10.0.0.7");
    assertThat(o.backupCount()).isEqualTo(2);
  }

  @Test
  void whenAnOptionIsWrong_thenTheMessageNamesItAndWhatWouldBeRight() {
    assertThatThrownBy(() -> ClusterOptions.fromEnvironment(Map.of("NINES_CLUSTER_PORT", "http")))
        .hasMessage("NINES_CLUSTER_PORT was 'http' but it must be a TCP port from 0 to 65535");
    assertThatThrownBy(() -> ClusterOptions.fromEnvironment(Map.of("NINES_CLUSTER_BACKUPS", "0")))
        .hasMessage("NINES_CLUSTER_BACKUPS was '0' but it must be a count from 1 to 6");
    assertThatThrownBy(() -> ClusterOptions.builder().members(List.of("a b")).build())
        .hasMessage("members[0]: 'a b' (expected: host or host:port)");
    assertThatThrownBy(() -> ClusterOptions.builder().port(-1).build())
        .hasMessage("port: -1 (expected: 0 to 65535)");
  }

  @Test
  void whenAConfigIsBuilt_thenJoinIsByTcpOnlyAndTheChecksMapIsBackedUpSynchronously() {
    ClusterOptions o =
        ClusterOptions.builder()
            .clusterName("c1")
            .port(0)
            .members(List.of("127.0.0.1:5702"))
            .partitionCount(31)
            .property("hazelcast.max.no.heartbeat.seconds", "9")
            .build();

    Config c = ClusterMember.hazelcastConfig(o);

    assertThat(c.getClusterName()).isEqualTo("c1");
    JoinConfig join = c.getNetworkConfig().getJoin();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers()).containsExactly("127.0.0.1:5702");
    assertThat(c.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
    assertThat(c.getProperty("hazelcast.shutdownhook.enabled")).isEqualTo("false");
    assertThat(c.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
    assertThat(c.getProperty("hazelcast.logging.type")).isEqualTo("jdk");
    assertThat(c.getProperty("hazelcast.partition.count")).isEqualTo("31");
    assertThat(c.getProperty("hazelcast.max.no.heartbeat.seconds")).isEqualTo("9");
    MapConfig checks = c.getMapConfig(HazelcastResultStore.MAP_NAME);
    assertThat(checks.getBackupCount()).isEqualTo(1);
    assertThat(checks.getAsyncBackupCount()).isZero();
    assertThat(checks.getInMemoryFormat()).isEqualTo(InMemoryFormat.OBJECT);
    assertThat(checks.getMergePolicyConfig().getPolicy())
        .isEqualTo(CheckLogMergePolicy.class.getName());
    assertThat(
            c.getSerializationConfig()
                .getJavaSerializationFilterConfig()
                .getBlacklist()
                .getPrefixes())
        .containsExactly("io.nines.");
    assertThat(c.getMultiMapConfig("__vertx.subs").getBackupCount()).isEqualTo(1);
  }

  @Test
  void whenTheHostDoesNotResolve_thenTheMessageSaysSo() {
    ClusterOptions o = ClusterOptions.builder().host("no-such-host.invalid").build();

    assertThatThrownBy(() -> ClusterMember.hazelcastConfig(o))
        .hasMessageStartingWith("host: 'no-such-host.invalid' does not resolve");
  }
}
