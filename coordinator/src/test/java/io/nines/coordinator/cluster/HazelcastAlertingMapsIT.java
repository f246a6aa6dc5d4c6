package io.nines.coordinator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.availability.State;
import io.nines.availability.incident.Command;
import io.nines.availability.incident.IncidentEngine;
import io.nines.availability.incident.Notification;
import io.nines.common.testing.ManualTimeSource;
import io.nines.config.Fleet;
import io.nines.config.FleetLoader;
import io.nines.coordinator.testing.TestCluster;
import io.nines.store.alerts.Delivery;
import io.nines.store.alerts.HazelcastAlertStore;
import io.nines.store.alerts.HazelcastOutbox;
import io.nines.store.alerts.OutboxEntry;
import io.vertx.core.Future;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The alerting maps on two real members: compare-and-set decisions and owner-only delivery. */
class HazelcastAlertingMapsIT {
  static final Instant T0 = Instant.parse("2026-04-10T10:00:00Z");
  static TestCluster cluster;

  @BeforeAll
  static void start() {
    cluster = TestCluster.start(2);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static HazelcastOutbox outbox(int member) {
    ClusterMember m = cluster.member(member);
    return new HazelcastOutbox(m.vertx(), m.hazelcast());
  }

  static Notification notice(String key) {
    return new Notification(
        key, "svc@1", "svc", "shop", "email", Notification.Kind.PAGE, T0, "svc is DOWN", Map.of());
  }

  @Test
  void whenBothMembersTake_thenEachEntryIsTakenOnceByTheOwnerOfItsKey() throws Exception {
    List<Notification> queued = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      queued.add(notice("take-" + i));
    }
    assertThat(outbox(0).enqueue(queued, T0).await(10, TimeUnit.SECONDS)).isEqualTo(40);
    assertThat(outbox(1).enqueue(queued, T0).await(10, TimeUnit.SECONDS))
        .as("queueing a key again")
        .isZero();

    Set<String> taken = new HashSet<>();
    for (int member : List.of(0, 1)) {
      for (OutboxEntry e : outbox(member).take(T0, 200, 60).await(10, TimeUnit.SECONDS)) {
        if (e.notification().key().startsWith("take-")) {
          assertThat(taken.add(e.notification().key())).as("taken twice").isTrue();
          assertThat(
                  cluster
                      .member(member)
                      .hazelcast()
                      .getPartitionService()
                      .getPartition(e.notification().key())
                      .getOwner()
                      .localMember())
              .as("taken by the owner of its key")
              .isTrue();
        }
      }
    }
    assertThat(taken).hasSize(40);
    // Leased: nobody takes them again until the lease runs out...
    for (int member : List.of(0, 1)) {
      assertThat(outbox(member).take(T0.plusSeconds(59), 200, 60).await(10, TimeUnit.SECONDS))
          .noneMatch(e -> e.notification().key().startsWith("take-"));
    }
    // ...or an attempt is recorded.
    for (String key : taken) {
      outbox(0)
          .record(key, new Delivery(T0, true, "250", "accepted", false), null)
          .await(10, TimeUnit.SECONDS);
    }
    for (int member : List.of(0, 1)) {
      assertThat(outbox(member).take(T0.plusSeconds(120), 200, 60).await(10, TimeUnit.SECONDS))
          .noneMatch(e -> e.notification().key().startsWith("take-"));
    }
    assertThat(outbox(1).recent(1000).await(10, TimeUnit.SECONDS))
        .filteredOn(e -> e.notification().key().startsWith("take-"))
        .hasSize(40)
        .allMatch(e -> e.status() == OutboxEntry.Status.SENT && e.deliveries().size() == 1);
  }

  @Test
  void whenBothMembersDecideForOneServiceAtOnce_thenTheIncidentOpensOnceAndPagesOnce(
      @TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("fleet.yaml"),
        """
        locations: [eu]
        teams:
          shop:
            email: [shop@shop.example]
        services:
          racy: { tier: critical, owners: [shop], page-after: 0s }
        checks:
          - { id: racy-api, service: racy, http: { get: "http://127.0.0.1:1/k" } }
        """);
    Fleet fleet = new FleetLoader(new ManualTimeSource(T0), Map.of(), Map.of()).load(dir);
    List<HazelcastAlertStore> stores = new ArrayList<>();
    for (int member : List.of(0, 1)) {
      ClusterMember m = cluster.member(member);
      stores.add(new HazelcastAlertStore(m.vertx(), m.hazelcast(), () -> fleet, outbox(member)));
    }
    Command down = Command.state(State.DOWN, T0, Set.of("racy"), false, Map.of());
    List<Future<IncidentEngine.Step>> decisions = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      decisions.add(stores.get(i % 2).apply("racy", down));
    }
    List<Notification> decided = new ArrayList<>();
    for (Future<IncidentEngine.Step> d : decisions) {
      decided.addAll(d.await(20, TimeUnit.SECONDS).notifications());
    }
    assertThat(decided).filteredOn(Notification::isPage).hasSize(1);
    var state = stores.get(1).get("racy").await(10, TimeUnit.SECONDS).orElseThrow();
    assertThat(state.state()).isEqualTo(State.DOWN);
    assertThat(state.incident().id()).isEqualTo("racy@" + T0.getEpochSecond());
    // Written ahead: the page is in the outbox before the state that records it.
    assertThat(outbox(0).ofIncident(state.incident().id()).await(10, TimeUnit.SECONDS))
        .extracting(e -> e.notification().key())
        .containsExactlyElementsOf(decided.stream().map(Notification::key).toList());
  }
}
