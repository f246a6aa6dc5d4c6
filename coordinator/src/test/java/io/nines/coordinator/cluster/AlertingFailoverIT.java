package io.nines.coordinator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.availability.incident.Notification;
import io.nines.common.ResultBatch;
import io.nines.common.testing.ManualTimeSource;
import io.nines.config.Fleet;
import io.nines.config.FleetLoader;
import io.nines.coordinator.AlertingOptions;
import io.nines.coordinator.Coordinator;
import io.nines.coordinator.CoordinatorOptions;
import io.nines.coordinator.testing.TestCluster;
import io.nines.store.alerts.Delivery;
import io.nines.store.alerts.OutboxEntry;
import io.nines.store.testing.TestFleets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three coordinator members alert from the cluster's maps. The member that owns a service's
 * incident dies (a crash: no goodbye, no hand-over) between escalation step 1 and step 2; a
 * survivor pages step 2, once, and nobody pages step 1 again.
 */
class AlertingFailoverIT {
  static final String TOKEN = "failover-agent-token-0123";
  static final Instant T0 = Instant.parse("2026-04-10T10:00:00Z");
  static final String FLEET =
      """
      locations: [eu]
      teams:
        shop:
          email: [shop@shop.example]
          escalation:
            steps:
              - { after: 0m, notify: [email] }
              - { after: 1m, notify: [email] }
      services:
        checkout: { tier: critical, owners: [shop], page-after: 0s }
      checks:
        - { id: checkout-api, service: checkout, every: 30s, http: { get: "http://127.0.0.1:1/k" } }
      """;

  /** One delivery the receiver saw: which member sent what. */
  record Received(int member, Notification notification) {}

  @TempDir Path dir;
  final ManualTimeSource time = new ManualTimeSource(T0);

  /** The receiver: every delivery of every member, in order. */
  final List<Received> received = new CopyOnWriteArrayList<>();

  final List<Coordinator> coordinators = new ArrayList<>();
  final List<Integer> ports = new ArrayList<>();
  long seq;

  @Test
  void whenTheMemberOwningAnIncidentDiesMidEscalation_thenASurvivorPagesStep2Once()
      throws Exception {
    Files.writeString(dir.resolve("fleet.yaml"), FLEET);
    Fleet fleet = new FleetLoader(time, Map.of(), Map.of()).load(dir);
    Vertx agents = Vertx.vertx();
    WebClient client = WebClient.create(agents);
    try (TestCluster cluster = TestCluster.start(3)) {
      for (int i = 0; i < 3; i++) {
        ClusterMember m = cluster.member(i);
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
                          new Delivery(time.now(), true, "250", "accepted", false));
                    },
                    Set.of(),
                    3_600_000));
        ports.add(c.start(m.vertx()).await(10, TimeUnit.SECONDS));
        coordinators.add(c);
      }
      int owner = -1;
      for (int i = 0; i < 3; i++) {
        if (cluster
            .member(i)
            .hazelcast()
            .getPartitionService()
            .getPartition("checkout")
            .getOwner()
            .localMember()) {
          owner = i;
        }
      }
      assertThat(owner).as("a member owns checkout's key").isNotNegative();
      List<Integer> survivors = new ArrayList<>(List.of(0, 1, 2));
      survivors.remove(Integer.valueOf(owner));

      // checkout goes DOWN; its owner opens the incident and pages step 1.
      failingResult(client, survivors.get(0));
      time.advance(Duration.ofSeconds(30));
      failingResult(client, survivors.get(0));
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                runAlerting(List.of(0, 1, 2));
                return pages().size() == 1;
              });
      String step1 = pages().get(0).notification().key();
      assertThat(pages().get(0).member()).as("step 1 is paged by the key's owner").isEqualTo(owner);
      // The owner recorded the delivery before it dies (a delivery not yet recorded would be
      // sent again by the survivor, under the same idempotency key).
      Coordinator ownerCoordinator = coordinators.get(owner);
      // Alerting keeps running meanwhile (no time passes): an entry delivered but not yet recorded,
      // or queued for the next period (the dependents' notice), is finished by it, as in a live
      // cluster; a second delivery of a key would show in the per-key count below.
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                runAlerting(List.of(0, 1, 2));
                return ownerCoordinator
                    .alerting()
                    .outbox()
                    .recent(10)
                    .await(5, TimeUnit.SECONDS)
                    .stream()
                    .allMatch(e -> e.status() == OutboxEntry.Status.SENT);
              });

      // The owner crashes mid-escalation.
      TestCluster.kill(cluster.member(owner));
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> cluster.member(survivors.get(0)).memberCount() == 2);

      // Step 2 is due a minute after the start; checkout is still DOWN.
      time.advance(Duration.ofSeconds(30));
      failingResult(client, survivors.get(1));
      time.advance(Duration.ofSeconds(30));
      failingResult(client, survivors.get(1));
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                runAlerting(survivors);
                return pages().size() >= 2;
              });
      // More periods change nothing: every key was delivered once.
      for (int i = 0; i < 3; i++) {
        time.advance(Duration.ofSeconds(5));
        runAlerting(survivors);
      }

      Map<String, Long> perKey =
          received.stream()
              .collect(Collectors.groupingBy(r -> r.notification().key(), Collectors.counting()));
      assertThat(perKey).as("deliveries per key").allSatisfy((k, n) -> assertThat(n).isEqualTo(1));
      List<Received> pages = pages();
      assertThat(pages).hasSize(2);
      assertThat(pages.get(0).notification().key()).isEqualTo(step1);
      assertThat(pages.get(1).notification().key()).isNotEqualTo(step1);
      assertThat(pages.get(1).member()).as("step 2 is paged by a survivor").isIn(survivors);
      assertThat(pages.get(1).notification().incidentId())
          .isEqualTo(pages.get(0).notification().incidentId());
    } finally {
      for (Coordinator c : coordinators) {
        try {
          c.stop().recover(e -> Future.succeededFuture()).await(10, TimeUnit.SECONDS);
        } catch (RuntimeException killedMembersVertxIsClosed) {
          // The killed member's Vert.x closed with its Hazelcast instance.
        }
      }
      agents.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** The pages the receiver got, in order. */
  List<Received> pages() {
    return received.stream().filter(r -> r.notification().isPage()).toList();
  }

  void runAlerting(List<Integer> members) throws Exception {
    for (int m : members) {
      coordinators.get(m).alerting().runOnce().await(10, TimeUnit.SECONDS);
    }
  }

  void failingResult(WebClient client, int member) throws Exception {
    var r = TestFleets.fail("agent-eu", ++seq, "checkout-api", "eu", time.now());
    int status =
        client
            .post(ports.get(member), "127.0.0.1", "/api/v1/results")
            .putHeader("Authorization", "Bearer " + TOKEN)
            .timeout(10_000)
            .sendJsonObject(new ResultBatch("agent-eu", List.of(r)).toJson())
            .await(10, TimeUnit.SECONDS)
            .statusCode();
    assertThat(status).as("results accepted by member %s", member).isEqualTo(200);
  }
}
