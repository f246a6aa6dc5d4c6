package io.nines.coordinator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.availability.incident.Notification;
import io.nines.common.FailureKind;
import io.nines.common.ProbeResult;
import io.nines.common.testing.ManualTimeSource;
import io.nines.config.Fleet;
import io.nines.config.FleetLoader;
import io.nines.coordinator.AlertingOptions;
import io.nines.coordinator.Coordinator;
import io.nines.coordinator.CoordinatorOptions;
import io.nines.coordinator.fleet.AgentTokens;
import io.nines.coordinator.testing.TestCluster;
import io.nines.store.alerts.Delivery;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three coordinator members; the member that owns a heartbeat check's key dies (a crash) before the
 * run's deadline. The miss is still detected by the member that takes the key over, and it is
 * recorded once (one DOWN result) and paged once, however many members sweep.
 */
class HeartbeatFailoverIT {
  static final Instant T0 = Instant.parse("2026-04-10T10:00:00Z");
  static final String CHECK = "nightly-backup";
  static final String FLEET =
      """
      locations: [eu]
      teams:
        ops:
          email: [ops@shop.example]
      services:
        backups: { tier: important, owners: [ops] }
      checks:
        - id: nightly-backup
          service: backups
          heartbeat: { every: 1d, grace: 30m }
      """;

  @TempDir Path dir;
  final ManualTimeSource time = new ManualTimeSource(T0);
  final List<Notification> received = new CopyOnWriteArrayList<>();
  final List<Coordinator> coordinators = new ArrayList<>();
  final List<Integer> ports = new ArrayList<>();

  @Test
  void whenTheOwnerOfAHeartbeatDiesBeforeItsDeadline_thenTheMissIsRecordedAndPagedOnce()
      throws Exception {
    Files.writeString(dir.resolve("fleet.yaml"), FLEET);
    Fleet fleet = new FleetLoader(time, Map.of(), Map.of()).load(dir);
    Path tokens = dir.resolve("tokens");
    AgentTokens.Created token = AgentTokens.createHeartbeat(CHECK);
    AgentTokens.append(tokens, token);
    Vertx jobs = Vertx.vertx();
    WebClient client = WebClient.create(jobs);
    try (TestCluster cluster = TestCluster.start(3)) {
      for (int i = 0; i < 3; i++) {
        ClusterMember m = cluster.member(i);
        Coordinator c =
            new Coordinator(
                CoordinatorOptions.builder()
                    .cluster(m)
                    .port(0)
                    .agentTokenFile(tokens)
                    .fleet(fleet)
                    .timeSource(time)
                    .meterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                    .build(),
                new AlertingOptions(
                    n -> {
                      received.add(n);
                      return Future.succeededFuture(
                          new Delivery(time.now(), true, "250", "accepted", false));
                    },
                    java.util.Set.of(),
                    3_600_000));
        ports.add(c.start(m.vertx()).await(10, TimeUnit.SECONDS));
        coordinators.add(c);
      }
      int owner = ownerOf(cluster, List.of(0, 1, 2), CHECK);
      List<Integer> survivors = new ArrayList<>(List.of(0, 1, 2));
      survivors.remove(Integer.valueOf(owner));

      // The job runs and pings a member that is not the owner.
      time.advance(Duration.ofHours(1));
      Instant ping = time.now();
      int status =
          client
              .post(ports.get(survivors.get(0)), "127.0.0.1", "/api/v1/heartbeats/" + CHECK)
              .putHeader("Authorization", "Bearer " + token.token())
              .timeout(10_000)
              .send()
              .await(10, TimeUnit.SECONDS)
              .statusCode();
      assertThat(status).isEqualTo(200);
      Instant due = ping.plus(Duration.ofDays(1));

      // Before the deadline, sweeping finds nothing; then the owner crashes.
      time.advance(Duration.ofHours(23));
      sweep(List.of(0, 1, 2));
      assertThat(failing(survivors.get(0))).isEmpty();
      TestCluster.kill(cluster.member(owner));
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> cluster.member(survivors.get(0)).memberCount() == 2);

      // The deadline passes: a survivor takes the key over and records the miss.
      time.advance(Duration.between(time.now(), due.plus(Duration.ofMinutes(31))));
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                sweep(survivors);
                return !failing(survivors.get(1)).isEmpty();
              });
      // Both survivors sweep again, and alerting runs on both, several times.
      for (int i = 0; i < 3; i++) {
        time.advance(Duration.ofSeconds(5));
        sweep(survivors);
        for (int m : survivors) {
          coordinators.get(m).alerting().runOnce().await(10, TimeUnit.SECONDS);
        }
      }
      List<ProbeResult> misses = failing(survivors.get(0));
      assertThat(misses).as("one DOWN result for the missed run").hasSize(1);
      assertThat(misses.get(0).startedAt()).isEqualTo(due);
      assertThat(misses.get(0).failure().kind()).isEqualTo(FailureKind.MISSED);
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> received.stream().filter(Notification::isPage).count() >= 1);
      assertThat(received.stream().filter(Notification::isPage).toList())
          .as("one page for the missed run")
          .hasSize(1)
          .allMatch(n -> n.serviceId().equals("backups"));
    } finally {
      for (Coordinator c : coordinators) {
        try {
          c.stop().recover(e -> Future.succeededFuture()).await(10, TimeUnit.SECONDS);
        } catch (RuntimeException killedMembersVertxIsClosed) {
          // The killed member's Vert.x closed with its Hazelcast instance.
        }
      }
      jobs.close().await(10, TimeUnit.SECONDS);
    }
  }

  static int ownerOf(TestCluster cluster, List<Integer> members, String key) {
    for (int i : members) {
      var o = cluster.member(i).hazelcast().getPartitionService().getPartition(key).getOwner();
      if (o != null && o.localMember()) {
        return i;
      }
    }
    throw new AssertionError("no member owns " + key);
  }

  void sweep(List<Integer> members) throws Exception {
    for (int m : members) {
      coordinators.get(m).heartbeats().sweep().await(10, TimeUnit.SECONDS);
    }
  }

  List<ProbeResult> failing(int member) throws Exception {
    return coordinators.get(member).store().recent(CHECK, 100).await(10, TimeUnit.SECONDS).stream()
        .filter(r -> !r.ok())
        .toList();
  }
}
