package io.nines.coordinator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.KubernetesConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Kubernetes discovery, tested on the Hazelcast config a member starts with (no Kubernetes runs
 * here): TCP-IP, multicast and auto-detection off, Hazelcast's Kubernetes join on, with the
 * properties its discovery strategy reads.
 */
class KubernetesDiscoveryTest {

  private static JoinConfig join(Map<String, String> env) {
    return ClusterMember.hazelcastConfig(ClusterOptions.fromEnvironment(env))
        .getNetworkConfig()
        .getJoin();
  }

  @Test
  void whenDiscoveryIsByServiceDns_thenOnlyTheKubernetesJoinIsOnWithTheNameAndThePort() {
    JoinConfig join =
        join(
            Map.of(
                "NINES_CLUSTER_DISCOVERY", "kubernetes",
                "NINES_CLUSTER_NAME", "prod",
                "NINES_CLUSTER_KUBERNETES_SERVICE_DNS",
                    "nines-coordinator-hs.nines.svc.cluster.local"));

    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    KubernetesConfig k = join.getKubernetesConfig();
    assertThat(k.isEnabled()).isTrue();
    assertThat(k.getProperties())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "service-dns", "nines-coordinator-hs.nines.svc.cluster.local",
                "service-port", "5701"));
    // Hazelcast's own check of the join: exactly one join method on.
    join.verify();
  }

  @Test
  void whenDiscoveryIsThroughTheApi_thenNamespaceServiceAndNotReadyAddressesAreSet() {
    JoinConfig join =
        join(
            Map.of(
                "NINES_CLUSTER_DISCOVERY", "kubernetes",
                "NINES_CLUSTER_PORT", "5801",
                "NINES_CLUSTER_KUBERNETES_NAMESPACE", "nines",
                "NINES_CLUSTER_KUBERNETES_SERVICE_NAME", "nines-coordinator-hs"));

    assertThat(join.getKubernetesConfig().getProperties())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "namespace", "nines",
                "service-name", "nines-coordinator-hs",
                "resolve-not-ready-addresses", "true",
                "service-port", "5801"));
    join.verify();
  }

  @Test
  void whenDiscoveryIsByLabel_thenTheLabelIsSplitIntoNameAndValue() {
    assertThat(
            join(Map.of(
                    "NINES_CLUSTER_DISCOVERY", "kubernetes",
                    "NINES_CLUSTER_KUBERNETES_POD_LABEL",
                        "app.kubernetes.io/name=nines-coordinator"))
                .getKubernetesConfig()
                .getProperties())
        .containsEntry("pod-label-name", "app.kubernetes.io/name")
        .containsEntry("pod-label-value", "nines-coordinator");
    assertThat(
            join(Map.of(
                    "NINES_CLUSTER_DISCOVERY", "kubernetes",
                    "NINES_CLUSTER_KUBERNETES_SERVICE_LABEL", "tier=coordinator"))
                .getKubernetesConfig()
                .getProperties())
        .containsEntry("service-label-name", "tier")
        .containsEntry("service-label-value", "coordinator");
  }

  @Test
  void whenNoDiscoveryIsNamed_thenTheMemberListIsUsedAndKubernetesIsOff() {
    JoinConfig join = join(Map.of("NINES_CLUSTER_MEMBERS", "10.0.0.1"));

    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().isEnabled()).isFalse();
  }

  @Test
  void whenKubernetesSettingsConflict_thenEachProblemIsNamedWithWhatWouldBeRight() {
    assertThatThrownBy(
            () ->
                ClusterOptions.fromEnvironment(
                    Map.of(
                        "NINES_CLUSTER_DISCOVERY", "kubernetes",
                        "NINES_CLUSTER_MEMBERS", "10.0.0.1",
                        "NINES_CLUSTER_KUBERNETES_SERVICE_DNS", "a.b.svc",
                        "NINES_CLUSTER_KUBERNETES_SERVICE_NAME", "b")))
        .hasMessageContaining(
            "NINES_CLUSTER_MEMBERS is for tcp-ip discovery: with kubernetes discovery the members"
                + " are found through Kubernetes; drop it")
        .hasMessageContaining(
            "kubernetes discovery needs exactly one way to find the peers, but"
                + " [NINES_CLUSTER_KUBERNETES_SERVICE_NAME, NINES_CLUSTER_KUBERNETES_SERVICE_DNS]"
                + " were given");
    assertThatThrownBy(
            () -> ClusterOptions.fromEnvironment(Map.of("NINES_CLUSTER_DISCOVERY", "kubernetes")))
        .hasMessageStartingWith(
            "kubernetes discovery needs exactly one way to find the peers, but none was given:"
                + " NINES_CLUSTER_KUBERNETES_SERVICE_DNS");
    assertThatThrownBy(
            () -> ClusterOptions.fromEnvironment(Map.of("NINES_CLUSTER_DISCOVERY", "multicast")))
        .hasMessage(
            "NINES_CLUSTER_DISCOVERY was 'multicast' but it must be tcp-ip (the member list, the"
                + " default) or kubernetes");
    assertThatThrownBy(
            () ->
                ClusterOptions.fromEnvironment(
                    Map.of("NINES_CLUSTER_KUBERNETES_SERVICE_NAME", "nines-coordinator")))
        .hasMessage(
            "NINES_CLUSTER_KUBERNETES_SERVICE_NAME applies to kubernetes discovery only: give"
                + " NINES_CLUSTER_DISCOVERY kubernetes as well, or drop it");
    assertThatThrownBy(
            () ->
                ClusterOptions.fromEnvironment(
                    Map.of(
                        "NINES_CLUSTER_DISCOVERY", "kubernetes",
                        "NINES_CLUSTER_KUBERNETES_POD_LABEL", "nines-coordinator")))
        .hasMessage(
            "NINES_CLUSTER_KUBERNETES_POD_LABEL was 'nines-coordinator' but it must be name=value,"
                + " e.g. app.kubernetes.io/name=nines-coordinator");
    assertThatThrownBy(
            () ->
                ClusterOptions.fromEnvironment(
                    Map.of(
                        "NINES_CLUSTER_DISCOVERY", "kubernetes",
                        "NINES_CLUSTER_KUBERNETES_NAMESPACE", "nines",
                        "NINES_CLUSTER_KUBERNETES_SERVICE_DNS", "a.nines.svc")))
        .hasMessageStartingWith("NINES_CLUSTER_KUBERNETES_NAMESPACE is for the Kubernetes API");
  }

  @Test
  void whenBuiltInJava_thenTheRecordRefusesAMemberListAndTwoSelectors() {
    assertThatThrownBy(
            () ->
                ClusterOptions.builder()
                    .members(List.of("10.0.0.1"))
                    .kubernetes(KubernetesDiscovery.serviceDns("a.b.svc"))
                    .build())
        .hasMessage(
            "members: [10.0.0.1] (expected: none with kubernetes discovery, which finds the peers"
                + " itself)");
    assertThatThrownBy(() -> new KubernetesDiscovery(null, "a", null, "x=y", null))
        .hasMessage(
            "kubernetes discovery: serviceName and podLabel (expected: exactly one of serviceName,"
                + " serviceLabel, podLabel or serviceDns)");
    Config c =
        ClusterMember.hazelcastConfig(
            ClusterOptions.builder()
                .port(0)
                .kubernetes(KubernetesDiscovery.service("nines", "nines-coordinator-hs"))
                .build());
    assertThat(c.getNetworkConfig().getJoin().getKubernetesConfig().getProperties())
        .doesNotContainKey("service-port");
  }
}
