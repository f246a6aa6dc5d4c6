package io.nines.coordinator.cluster;

import static io.nines.coordinator.testing.TestFleets.fail;
import static io.nines.coordinator.testing.TestFleets.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nines.common.ProbeResult;
import io.nines.common.TimeRange;
import io.nines.common.TimeSource;
import io.nines.config.Check;
import io.nines.config.DownWhen;
import io.nines.config.Fleet;
import io.nines.coordinator.internal.Queries;
import io.nines.coordinator.store.AppendOutcome;
import io.nines.coordinator.store.Evaluation;
import io.nines.coordinator.store.HazelcastResultStore;
import io.nines.coordinator.store.ResultStore;
import io.nines.coordinator.store.internal.CheckLog;
import io.nines.coordinator.store.jdbc.Database;
import io.nines.coordinator.store.jdbc.DatabaseOptions;
import io.nines.coordinator.testing.TestCluster;
import io.nines.coordinator.testing.TestFleets;
import io.nines.coordinator.timeline.Availability;
import io.nines.coordinator.timeline.AvailabilityReport;
import io.nines.coordinator.timeline.Timeline;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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
    Queries.Results results = new Queries(store).fetch(checks, span).await();
    Map<String, Timeline> byCheck = new LinkedHashMap<>();
    Map<String, Optional<Evaluation>> evaluations = new LinkedHashMap<>();
    for (Check c : checks) {
      byCheck.put(c.id(), Queries.checkTimeline(c, span, results));
      evaluations.put(c.id(), store.evaluation(c.id()).await());
    }
    Timeline service = Queries.serviceTimeline(fleet, "shop", span, results);
    return new Snapshot(
        byCheck,
        service,
        Availability.report(service, span, List.of()),
        evaluations,
        store.size().await());
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
      AppendOutcome outcome = first.member(i % 2).store().append(b, fleet, at).await();
      assertThat(outcome.accepted()).isEqualTo(b.size());
      posted += b.size();
    }
    Snapshot before = snapshot(first.member(1).store());
    assertThat(before.size()).isEqualTo(posted);
    assertThat(before.availability().down()).as("the outages show").isPositive();

    // Within the write-behind delay, every change reaches the database.
    long expected = posted;
    Database db = databases.get(0);
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> count(db, "results") == expected && dirtyEntries(first) == 0);
    assertThat(count(db, "evaluations")).isEqualTo(2);
    for (String check : List.of("home", "pay")) {
      CheckLog owners =
          (CheckLog) first.member(0).hazelcast().getMap(HazelcastResultStore.MAP_NAME).get(check);
      assertThat(owners.pendingChanges())
          .as("the write-behind thread drained the owner's live log of %s", check)
          .isEmpty();
    }
    for (ClusterMember m : first.members()) {
      TestCluster.kill(m);
    }
    first.close();

    TestCluster second = startCluster(options);
    Snapshot after = snapshot(second.member(0).store());

    assertThat(after).isEqualTo(before);
    assertThat(snapshot(second.member(1).store())).isEqualTo(before);
    for (int i = 0; i < batches.size(); i++) {
      List<ProbeResult> b = batches.get(i);
      AppendOutcome replay = second.member(i % 2).store().append(b, fleet, NOW).await();
      assertThat(replay).isEqualTo(new AppendOutcome(0, b.size(), List.of()));
    }
    assertThat(snapshot(second.member(1).store()))
        .as("replays change nothing and evaluate nothing")
        .isEqualTo(before);
  }
}
