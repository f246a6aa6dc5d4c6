package io.nines.coordinator.cluster;

import static io.nines.store.testing.TestFleets.fail;
import static io.nines.store.testing.TestFleets.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nines.availability.Availability;
import io.nines.availability.AvailabilityReport;
import io.nines.availability.State;
import io.nines.availability.Timeline;
import io.nines.availability.incident.Command;
import io.nines.availability.incident.IncidentEngine;
import io.nines.availability.incident.Notification;
import io.nines.availability.incident.ServiceAlerts;
import io.nines.availability.report.FetchedTimelines;
import io.nines.availability.report.FleetTimelines;
import io.nines.common.ProbeResult;
import io.nines.common.TimeRange;
import io.nines.common.TimeSource;
import io.nines.common.testing.ManualTimeSource;
import io.nines.config.Check;
import io.nines.config.DownWhen;
import io.nines.config.Fleet;
import io.nines.config.FleetLoader;
import io.nines.coordinator.confighistory.ConfigHistory;
import io.nines.coordinator.maintenance.MaintenanceRegistry;
import io.nines.coordinator.query.Queries;
import io.nines.coordinator.testing.TestCluster;
import io.nines.store.alerts.HazelcastAlertStore;
import io.nines.store.alerts.HazelcastOutbox;
import io.nines.store.alerts.OutboxEntry;
import io.nines.store.checklog.CheckLog;
import io.nines.store.documents.HazelcastDocuments;
import io.nines.store.jdbc.Database;
import io.nines.store.jdbc.DatabaseOptions;
import io.nines.store.results.AppendOutcome;
import io.nines.store.results.Evaluation;
import io.nines.store.results.HazelcastResultStore;
import io.nines.store.results.ResultStore;
import io.nines.store.testing.TestFleets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole cluster stops and a new one starts on the same database: it must answer the same
 * timelines, availability and evaluations, and take replays as duplicates. One subclass per
 * database.
 */
abstract class FullClusterRestartContract {
  static final Instant START = Instant.parse("2026-04-10T11:30:00Z");
  static final Instant NOW = START.plus(Duration.ofMinutes(30));

  final Fleet fleet =
      TestFleets.fleet()
          .check("home", "shop", Duration.ofSeconds(30), List.of("eu", "us"), new DownWhen(2))
          .check("pay", "shop", Duration.ofSeconds(30), List.of("eu", "us"), new DownWhen(1))
          .build();

  final List<Database> databases = new CopyOnWriteArrayList<>();
  final List<TestCluster> clusters = new ArrayList<>();

  /** Options of an empty database. */
  abstract DatabaseOptions freshDatabase();

  @AfterEach
  void stopAll() {
    clusters.forEach(TestCluster::close);
    databases.forEach(Database::close);
  }

  TestCluster startCluster(DatabaseOptions options) {
    TestCluster cluster =
        TestCluster.start(
            2,
            () -> {
              Database db = Database.open(options, new SimpleMeterRegistry(), TimeSource.SYSTEM);
              databases.add(db);
              return db;
            });
    clusters.add(cluster);
    return cluster;
  }

  /** What the API computes from a store: per-check and service timelines, availability. */
  record Snapshot(
      Map<String, Timeline> checks,
      Timeline service,
      AvailabilityReport availability,
      Map<String, Optional<Evaluation>> evaluations,
      long size) {}

  Snapshot snapshot(ResultStore store) {
    TimeRange span = new TimeRange(START, NOW);
    List<Check> checks = fleet.checksOf("shop");
    FetchedTimelines results = new Queries(store).fetch(checks, span).await();
    Map<String, Timeline> byCheck = new LinkedHashMap<>();
    Map<String, Optional<Evaluation>> evaluations = new LinkedHashMap<>();
    for (Check c : checks) {
      byCheck.put(c.id(), FleetTimelines.checkTimeline(c, span, results));
      evaluations.put(c.id(), store.evaluation(c.id()).await());
    }
    Timeline service = FleetTimelines.serviceTimeline(fleet, "shop", span, results);
    long stored = 0;
    for (Check c : checks) {
      for (List<ProbeResult> ofLocation :
          store.resultsByLocation(c.id(), START, NOW).await().values()) {
        stored += ofLocation.size();
      }
    }
    return new Snapshot(
        byCheck, service, Availability.report(service, span, List.of()), evaluations, stored);
  }

  /** 30 minutes of results every 30 s from two locations for two checks, with outages. */
  List<List<ProbeResult>> batches() {
    List<List<ProbeResult>> batches = new ArrayList<>();
    List<ProbeResult> batch = new ArrayList<>();
    long seq = 0;
    for (int i = 0; i < 60; i++) {
      Instant t = START.plusSeconds(30L * i);
      seq++;
      for (String check : List.of("home", "pay")) {
        boolean euDown = check.equals("home") ? i >= 20 && i < 30 : i >= 40 && i < 44;
        boolean usDown = check.equals("home") ? i >= 25 && i < 28 : false;
        batch.add(euDown ? fail("eu-1", seq, check, "eu", t) : ok("eu-1", seq, check, "eu", t));
        batch.add(usDown ? fail("us-1", seq, check, "us", t) : ok("us-1", seq, check, "us", t));
      }
      if (batch.size() >= 8) {
        batches.add(batch);
        batch = new ArrayList<>();
      }
    }
    if (!batch.isEmpty()) {
      batches.add(batch);
    }
    return batches;
  }

  static long count(Database db, String table) {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static long dirtyEntries(TestCluster cluster) {
    long n = 0;
    for (ClusterMember m : cluster.members()) {
      n +=
          m.hazelcast()
              .getMap(HazelcastResultStore.MAP_NAME)
              .getLocalMapStats()
              .getDirtyEntryCount();
    }
    return n;
  }

  @Test
  void whenEveryMemberCrashesAndANewClusterStarts_thenTimelinesAndAvailabilityAreTheSame() {
    DatabaseOptions options = freshDatabase();
    TestCluster first = startCluster(options);
    List<List<ProbeResult>> batches = batches();
    long posted = 0;
    for (int i = 0; i < batches.size(); i++) {
      List<ProbeResult> b = batches.get(i);
      Instant at = b.get(b.size() - 1).startedAt().plusSeconds(1);
      AppendOutcome outcome = first.member(i % 2).results().append(b, fleet, at).await();
      assertThat(outcome.accepted()).isEqualTo(b.size());
      posted += b.size();
    }

    // Within the write-behind delay, every change reaches the database.
    long expected = posted;
    Database db = databases.get(0);
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> count(db, "results") == expected && dirtyEntries(first) == 0);
    // The checks map holds each check's hot part; the rest is read from the database.
    Snapshot before = snapshot(first.member(1).results());
    assertThat(before.size()).isEqualTo(posted);
    assertThat(before.availability().down()).as("the outages show").isPositive();
    assertThat(count(db, "evaluations")).isEqualTo(2);
    for (String check : List.of("home", "pay")) {
      CheckLog owners =
          (CheckLog) first.member(0).hazelcast().getMap(HazelcastResultStore.MAP_NAME).get(check);
      assertThat(owners.journal().pending())
          .as("the write-behind thread drained the owner's live log of %s", check)
          .isEmpty();
    }
    for (ClusterMember m : first.members()) {
      TestCluster.kill(m);
    }
    first.close();

    TestCluster second = startCluster(options);
    Snapshot after = snapshot(second.member(0).results());

    assertThat(after).isEqualTo(before);
    assertThat(snapshot(second.member(1).results())).isEqualTo(before);
    for (int i = 0; i < batches.size(); i++) {
      List<ProbeResult> b = batches.get(i);
      AppendOutcome replay = second.member(i % 2).results().append(b, fleet, NOW).await();
      // Results older than the hot window whose sequences the log let go count as accepted; the
      // database keeps each once, and they evaluate nothing.
      assertThat(replay.rejected()).isEmpty();
      assertThat(replay.accepted() + replay.duplicates()).isEqualTo(b.size());
    }
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> dirtyEntries(second) == 0);
    assertThat(count(databases.get(databases.size() - 1), "results")).isEqualTo(posted);
    assertThat(snapshot(second.member(1).results()))
        .as("replays change nothing and evaluate nothing")
        .isEqualTo(before);
  }

  @TempDir Path fleets;

  static final String ALERTING_FLEET =
      """
      locations: [eu]
      teams:
        shop:
          email: [shop@shop.example]
      services:
        checkout: { tier: critical, owners: [shop], page-after: 0s }
      checks:
        - { id: checkout-api, service: checkout, every: %s, locations: [eu], http: { get: "http://127.0.0.1:1/k" } }
      """;

  Fleet alertingFleet(String every) throws Exception {
    Path d = Files.createTempDirectory(fleets, "fleet");
    Files.writeString(d.resolve("fleet.yaml"), ALERTING_FLEET.formatted(every));
    return new FleetLoader(new ManualTimeSource(START), Map.of(), Map.of()).load(d);
  }

  static MaintenanceRegistry maintenance(ClusterMember m, TimeSource time) {
    return new MaintenanceRegistry(
        time, new HazelcastDocuments(m.hazelcast().getMap(ClusterMember.MAINTENANCE_MAP)));
  }

  static ConfigHistory history(ClusterMember m, AtomicReference<Fleet> fleet, TimeSource time) {
    return new ConfigHistory(
        fleet::get, time, new HazelcastDocuments(m.hazelcast().getMap(ClusterMember.CONFIG_MAP)));
  }

  static long documents(Database db, String kind) {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT COUNT(*) FROM documents WHERE kind = '" + kind + "'")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static long dirtyEntries(TestCluster cluster, String map) {
    long n = 0;
    for (ClusterMember m : cluster.members()) {
      n += m.hazelcast().getMap(map).getLocalMapStats().getDirtyEntryCount();
    }
    return n;
  }

  @Test
  void whenEveryMemberCrashesAndANewClusterStarts_thenIncidentsOutboxMaintenanceAndHistoryRemain()
      throws Exception {
    DatabaseOptions options = freshDatabase();
    TestCluster first = startCluster(options);
    ManualTimeSource time = new ManualTimeSource(NOW);
    Fleet v1 = alertingFleet("30s");
    Fleet v2 = alertingFleet("1m");
    AtomicReference<Fleet> current = new AtomicReference<>(v1);

    // Configuration history: member 0 records v1, then v2; member 1 sees the same two versions.
    ConfigHistory history0 = history(first.member(0), current, time);
    history0.load();
    history0.observe();
    time.advance(Duration.ofMinutes(1));
    current.set(v2);
    history0.observe();
    ConfigHistory history1 = history(first.member(1), current, time);
    history1.load();
    history1.observe();
    List<ConfigHistory.Version> versions = history0.newestFirst();
    assertThat(versions).hasSize(2);
    assertThat(versions.get(0).diff()).isNotNull();
    assertThat(history1.newestFirst()).as("one history for the cluster").isEqualTo(versions);

    // An incident opens on member 0; its page is queued (written ahead) in the outbox.
    ClusterMember m0 = first.member(0);
    HazelcastOutbox outbox0 = new HazelcastOutbox(m0.vertx(), m0.hazelcast());
    HazelcastAlertStore alerts0 =
        new HazelcastAlertStore(m0.vertx(), m0.hazelcast(), () -> v2, outbox0);
    IncidentEngine.Step step =
        alerts0
            .apply(
                "checkout",
                Command.state(State.DOWN, time.now(), Set.of("checkout"), false, Map.of()))
            .await();
    assertThat(step.notifications()).filteredOn(Notification::isPage).isNotEmpty();
    ServiceAlerts alertsBefore = alerts0.get("checkout").await().orElseThrow();
    assertThat(alertsBefore.incident()).isNotNull();

    // An ad hoc window created through member 1 is seen by member 0's view too once loaded.
    MaintenanceRegistry maintenance1 = maintenance(first.member(1), time);
    MaintenanceRegistry.AdHoc window =
        maintenance1.add(
            v2,
            List.of("checkout"),
            time.now().plus(Duration.ofHours(1)),
            time.now().plus(Duration.ofHours(2)),
            "database upgrade");
    MaintenanceRegistry maintenance0 = maintenance(first.member(0), time);
    maintenance0.load();
    assertThat(maintenance0.windows()).containsExactly(window);

    Database db = databases.get(0);
    int pages = step.notifications().size();
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                documents(db, HazelcastAlertStore.KIND) == 1
                    && documents(db, HazelcastOutbox.KIND) == pages
                    && documents(db, ClusterMember.MAINTENANCE_KIND) == 1
                    && documents(db, ClusterMember.CONFIG_KIND) == 2
                    && dirtyEntries(first, HazelcastAlertStore.MAP_NAME)
                            + dirtyEntries(first, HazelcastOutbox.MAP_NAME)
                            + dirtyEntries(first, ClusterMember.MAINTENANCE_MAP)
                            + dirtyEntries(first, ClusterMember.CONFIG_MAP)
                        == 0);
    for (ClusterMember m : first.members()) {
      TestCluster.kill(m);
    }
    first.close();

    TestCluster second = startCluster(options);
    time.advance(Duration.ofMinutes(1));
    ClusterMember n1 = second.member(1);
    HazelcastAlertStore alerts1 =
        new HazelcastAlertStore(n1.vertx(), n1.hazelcast(), () -> v2, null);
    assertThat(alerts1.get("checkout").await()).as("the open incident").contains(alertsBefore);

    Set<String> taken = new HashSet<>();
    for (ClusterMember m : second.members()) {
      for (OutboxEntry e :
          new HazelcastOutbox(m.vertx(), m.hazelcast()).take(time.now(), 100, 60).await()) {
        taken.add(e.notification().key());
      }
    }
    assertThat(taken)
        .as("the queued pages are delivered after the restart")
        .containsExactlyInAnyOrderElementsOf(
            step.notifications().stream().map(Notification::key).toList());

    MaintenanceRegistry maintenanceAfter = maintenance(n1, time);
    maintenanceAfter.load();
    assertThat(maintenanceAfter.windows()).containsExactly(window);

    ConfigHistory historyAfter = history(n1, current, time);
    historyAfter.load();
    historyAfter.observe();
    assertThat(historyAfter.newestFirst())
        .as("the same history, and the same files after the restart are no new version")
        .isEqualTo(versions);
  }
}
