package io.nines.coordinator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.availability.incident.Notification;
import io.nines.common.ProbeResult;
import io.nines.common.ResultBatch;
import io.nines.common.testing.ManualTimeSource;
import io.nines.config.Fleet;
import io.nines.config.FleetLoader;
import io.nines.coordinator.AlertingOptions;
import io.nines.coordinator.Coordinator;
import io.nines.coordinator.CoordinatorOptions;
import io.nines.coordinator.testing.TestCluster;
import io.nines.store.alerts.Delivery;
import io.nines.store.alerts.HazelcastAlertStore;
import io.nines.store.testing.TestFleets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A split brain with alerting, healed in one JVM: an outage begins while the two members cannot see
 * each other; each side opens its own incident (dated a second apart) and pages. After the merge,
 * the incident of one side is superseded: every page either side sent is resolved by the end, none
 * twice, so no page stays open at a pager that no member knows.
 */
class SplitBrainAlertingIT {
  static final String TOKEN = "split-brain-agent-token-0123";
  static final Instant T0 = Instant.parse("2026-04-10T10:00:00Z");
  static final String FLEET =
      """
      locations: [eu]
      teams:
        shop:
          pagerduty: { routing-key: "k" }
          email: [shop@shop.example]
          escalation:
            steps:
              - { after: 0m, notify: [pagerduty] }
              - { after: 10m, notify: [pagerduty, email] }
      services:
        checkout: { tier: critical, owners: [shop], page-after: 0s }
      checks:
        - { id: checkout-api, service: checkout, every: 30s, http: { get: "http://127.0.0.1:1/k" } }
      """;

  record Received(int member, Notification notification) {}

  @TempDir Path dir;
  final ManualTimeSource time = new ManualTimeSource(T0);
  final List<Received> received = new CopyOnWriteArrayList<>();
  final TestCluster names = new TestCluster();
  final List<ClusterMember> members = new ArrayList<>();
  final List<Coordinator> coordinators = new ArrayList<>();
  final List<Integer> ports = new ArrayList<>();
  Vertx agents;
  long seq;

  @AfterEach
  void stop() throws Exception {
    for (Coordinator c : coordinators) {
      c.stop().recover(e -> Future.succeededFuture()).await(10, TimeUnit.SECONDS);
    }
    for (ClusterMember m : members) {
      m.close().await(30, TimeUnit.SECONDS);
    }
    if (agents != null) {
      agents.close().await(10, TimeUnit.SECONDS);
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
  void whenBothSidesOfASplitPagedForOneOutage_thenAfterTheMergeEveryPageIsResolvedOnce()
      throws Exception {
    Files.writeString(dir.resolve("fleet.yaml"), FLEET);
    Fleet fleet = new FleetLoader(time, Map.of(), Map.of()).load(dir);
    agents = Vertx.vertx();
    WebClient client = WebClient.create(agents);
    for (int i = 0; i < 2; i++) {
      ClusterMember m =
          ClusterMember.start(alone(), new VertxOptions()).await(60, TimeUnit.SECONDS);
      members.add(m);
      int member = i;
      Coordinator c =
          new Coordinator(
              CoordinatorOptions.builder()
                  .cluster(m)
                  .port(0)
                  .agentTokens(Set.of(TOKEN))
                  .fleet(fleet)
                  .timeSource(time)
                  .meterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                  .build(),
              // The period is an hour: the test runs each member's alerting itself.
              new AlertingOptions(
                  n -> {
                    received.add(new Received(member, n));
                    return Future.succeededFuture(
                        new Delivery(time.now(), true, "202", "accepted", false));
                  },
                  Set.of(),
                  3_600_000));
      ports.add(c.start(m.vertx()).await(10, TimeUnit.SECONDS));
      coordinators.add(c);
    }
    assertThat(members.get(0).memberCount()).as("two clusters of one").isEqualTo(1);
    assertThat(members.get(1).memberCount()).isEqualTo(1);

    // The outage begins during the split: the agent's failing results reach both sides.
    post(client, false);
    time.advance(Duration.ofSeconds(30));
    post(client, false);
    // Each side decides alone, a second apart: two incidents for one outage, each paged.
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              runAlerting(0);
              return pagedIncidents().size() == 1;
            });
    time.advance(Duration.ofSeconds(1));
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              runAlerting(1);
              return pagedIncidents().size() == 2;
            });

    // The network heals.
    heal();
    // The owner's next period resolves the superseded incident's pages; the kept one goes on.
    time.advance(Duration.ofSeconds(5));
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              runAlerting(0);
              runAlerting(1);
              return resolvedIncidents().size() == 1;
            });
    Set<String> superseded = resolvedIncidents();
    assertThat(pagedIncidents()).containsAll(superseded);

    // The service recovers: the kept incident resolves too.
    time.advance(Duration.ofSeconds(25));
    post(client, true);
    time.advance(Duration.ofSeconds(30));
    post(client, true);
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              runAlerting(0);
              runAlerting(1);
              return resolvedIncidents().size() == 2;
            });
    // More periods change nothing.
    for (int i = 0; i < 3; i++) {
      time.advance(Duration.ofSeconds(5));
      runAlerting(0);
      runAlerting(1);
    }

    List<Notification> pages =
        received.stream().map(Received::notification).filter(Notification::isPage).toList();
    Map<String, Long> resolves =
        received.stream()
            .map(Received::notification)
            .filter(n -> n.kind() == Notification.Kind.RESOLVE)
            .collect(Collectors.groupingBy(Notification::key, Collectors.counting()));
    assertThat(pages).as("one page per side").hasSize(2);
    assertThat(resolves)
        .as("no page is resolved twice")
        .allSatisfy((k, n) -> assertThat(n).isOne());
    for (Notification p : pages) {
      assertThat(resolves)
          .as("a resolve for %s, with its dedup key", p.key())
          .containsKey(p.incidentId() + "/" + p.team() + "/" + p.channelKind() + "/resolve");
    }
    assertThat(
            members
                .get(0)
                .hazelcast()
                .getConfig()
                .getMapConfig(HazelcastAlertStore.MAP_NAME)
                .getMergePolicyConfig()
                .getPolicy())
        .endsWith("AlertsMergePolicy");
  }

  Set<String> pagedIncidents() {
    return received.stream()
        .map(Received::notification)
        .filter(Notification::isPage)
        .map(Notification::incidentId)
        .collect(Collectors.toSet());
  }

  Set<String> resolvedIncidents() {
    return received.stream()
        .map(Received::notification)
        .filter(n -> n.kind() == Notification.Kind.RESOLVE)
        .map(Notification::incidentId)
        .collect(Collectors.toSet());
  }

  void heal() {
    ClusterMember left = members.get(0);
    ClusterMember right = members.get(1);
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
  }

  void runAlerting(int member) throws Exception {
    coordinators.get(member).alerting().runOnce().await(10, TimeUnit.SECONDS);
  }

  /**
   * One result of the agent, posted to both sides (as a balancer's retries would). Each member is
   * asked until it answers 200, as an agent resends: right after the heal the merged cluster may
   * still be migrating partitions, and a batch that can't be applied in time is answered 503 (or
   * not before this client's timeout) and must be sent again (docs/cluster.md, "Writing"). The same
   * result sent again is a duplicate, never a second result.
   */
  void post(WebClient client, boolean ok) throws Exception {
    long s = ++seq;
    ProbeResult r =
        ok
            ? TestFleets.ok("agent-eu", s, "checkout-api", "eu", time.now())
            : TestFleets.fail("agent-eu", s, "checkout-api", "eu", time.now());
    for (int member = 0; member < ports.size(); member++) {
      int port = ports.get(member);
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .alias("results accepted by member " + member)
          .until(
              () -> {
                try {
                  int status =
                      client
                          .post(port, "127.0.0.1", "/api/v1/results")
                          .putHeader("Authorization", "Bearer " + TOKEN)
                          .timeout(15_000)
                          .sendJsonObject(new ResultBatch("agent-eu", List.of(r)).toJson())
                          .await(20, TimeUnit.SECONDS)
                          .statusCode();
                  // Only the cluster's "try again" is retried; any other answer fails the test.
                  assertThat(status).as("answer of member %s", port).isIn(200, 503);
                  return status == 200;
                } catch (java.util.concurrent.TimeoutException e) {
                  return false;
                }
              });
    }
  }
}
