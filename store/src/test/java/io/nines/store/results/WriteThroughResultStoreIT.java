package io.nines.store.results;

import static io.nines.store.testing.TestFleets.fail;
import static io.nines.store.testing.TestFleets.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nines.common.ProbeResult;
import io.nines.common.TimeSource;
import io.nines.config.DownWhen;
import io.nines.config.Fleet;
import io.nines.store.StoreUnavailableException;
import io.nines.store.jdbc.Database;
import io.nines.store.jdbc.DatabaseOptions;
import io.nines.store.jdbc.internal.CheckRepository;
import io.nines.store.testing.StoreCluster;
import io.nines.store.testing.TestFleets;
import io.vertx.core.Future;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A cluster with a database acknowledges results only once they are in it: two members on one H2
 * file whose write-behind waits an hour, so whatever the database holds during a test came through
 * {@link WriteThroughResultStore}. Each test uses checks of its own.
 */
class WriteThroughResultStoreIT {
  static final Instant NOW = Instant.now();
  static final List<Database> databases = new ArrayList<>();
  static DatabaseOptions options;
  static StoreCluster cluster;

  final String check = "c-" + UUID.randomUUID().toString().substring(0, 8);
  final Fleet fleet =
      TestFleets.fleet()
          .check(check, "shop", Duration.ofSeconds(30), List.of("eu", "us"), DownWhen.MAJORITY)
          .build();

  @BeforeAll
  static void startCluster() throws Exception {
    options =
        DatabaseOptions.builder()
            .url(DatabaseOptions.h2Url(Files.createTempDirectory("nines-write-through")))
            .writeDelay(Duration.ofHours(1))
            .poolSize(2)
            .build();
    cluster =
        StoreCluster.start(
            2,
            () -> {
              Database db = Database.open(options, new SimpleMeterRegistry(), TimeSource.SYSTEM);
              databases.add(db);
              return db;
            });
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
    databases.forEach(Database::close);
    databases.clear();
  }

  /** The keys stored for this test's check, as {@code agent/seq}, in key order. */
  List<String> storedKeys() throws SQLException {
    List<String> keys = new ArrayList<>();
    try (Connection c = databases.get(0).dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT agent_id, seq FROM results WHERE check_id = ? ORDER BY agent_id, seq")) {
      s.setString(1, check);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          keys.add(rs.getString(1) + "/" + rs.getLong(2));
        }
      }
    }
    return keys;
  }

  List<ProbeResult> inCluster(int member) throws Exception {
    return cluster.member(member).store().recent(check, 100).await(10, TimeUnit.SECONDS);
  }

  @Test
  void whenAnAppendIsAcknowledged_thenItsAcceptedResultsAreAlreadyInTheDatabase() throws Exception {
    List<ProbeResult> batch =
        List.of(
            ok("a", 1, check, "eu", NOW.minusSeconds(5)),
            fail("a", 2, check, "us", NOW.minusSeconds(4)),
            ok("a", 3, "no-such-check", "eu", NOW),
            ok("a", 4, check, "eu", NOW.minus(Duration.ofDays(8))),
            ok("a", 5, check, "eu", NOW.plus(Duration.ofHours(1))));

    AppendOutcome outcome =
        cluster.member(0).results().append(batch, fleet, NOW).await(10, TimeUnit.SECONDS);

    assertThat(outcome.accepted()).as("%s", outcome).isEqualTo(2);
    assertThat(outcome.rejected()).hasSize(3);
    assertThat(storedKeys()).as("written through, not behind").containsExactly("a/1", "a/2");
    assertThat(inCluster(1)).containsExactlyInAnyOrder(batch.get(0), batch.get(1));
  }

  @Test
  void whenTheDatabaseIsDown_thenTheAppendFailsUnavailableAndTheResendStoresIt() throws Exception {
    Database down = Database.open(options, new SimpleMeterRegistry(), TimeSource.SYSTEM);
    down.close();
    StoreCluster.Member member = cluster.member(0);
    WriteThroughResultStore store =
        new WriteThroughResultStore(member.store(), down, member.vertx());
    ProbeResult r = ok("a", 1, check, "eu", NOW);

    try {
      assertThatThrownBy(() -> store.append(List.of(r), fleet, NOW).await(10, TimeUnit.SECONDS))
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("the database could not store 1 result(s)")
          .hasMessageContaining("send them again later");
    } finally {
      store.close();
    }
    assertThat(storedKeys()).isEmpty();

    AppendOutcome resent =
        cluster.member(1).results().append(List.of(r), fleet, NOW).await(10, TimeUnit.SECONDS);

    assertThat(resent.duplicates()).as("applied by the failed attempt").isEqualTo(1);
    assertThat(storedKeys()).as("stored by the resend").containsExactly("a/1");
    assertThat(inCluster(0)).containsExactly(r);
  }

  @Test
  void whenTheInsertWasLostAfterTheClusterApplied_thenTheResendStoresItOnce() throws Exception {
    ProbeResult r = ok("a", 1, check, "eu", NOW);
    cluster.member(0).store().append(List.of(r), fleet, NOW).await(10, TimeUnit.SECONDS);

    AppendOutcome resent =
        cluster.member(1).results().append(List.of(r), fleet, NOW).await(10, TimeUnit.SECONDS);
    AppendOutcome again =
        cluster.member(0).results().append(List.of(r), fleet, NOW).await(10, TimeUnit.SECONDS);

    assertThat(resent.duplicates()).isEqualTo(1);
    assertThat(again.duplicates()).isEqualTo(1);
    assertThat(storedKeys()).containsExactly("a/1");
    assertThat(inCluster(0)).containsExactly(r);
  }

  @Test
  void whenABatchRepeatsAResult_thenTheFirstIsStoredAndAppliedOnce() throws Exception {
    ProbeResult first = ok("a", 1, check, "eu", NOW);
    ProbeResult sameKey = fail("a", 1, check, "eu", NOW);

    AppendOutcome outcome =
        cluster
            .member(0)
            .results()
            .append(List.of(first, first, sameKey), fleet, NOW)
            .await(10, TimeUnit.SECONDS);

    assertThat(outcome.accepted()).isEqualTo(1);
    assertThat(outcome.duplicates()).isEqualTo(2);
    assertThat(storedKeys()).containsExactly("a/1");
    assertThat(new CheckRepository(databases.get(0).dataSource(), options.url()).load(check))
        .satisfies(log -> assertThat(log.results()).containsExactly(first));
    assertThat(inCluster(1)).containsExactly(first);
  }

  @Test
  void whenManyAppendsArriveAtOnce_thenTheyAreCommittedInGroupsAndEveryOneIsStored()
      throws Exception {
    List<Future<AppendOutcome>> appends = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (int agent = 0; agent < 20; agent++) {
      List<ProbeResult> batch = new ArrayList<>();
      for (long seq = 1; seq <= 5; seq++) {
        batch.add(ok("a" + agent, seq, check, "eu", NOW.minusSeconds(seq)));
        expected.add("a" + agent + "/" + seq);
      }
      // Every agent's first result once more, from another append: stored once.
      batch.add(ok("a" + ((agent + 1) % 20), 1, check, "eu", NOW.minusSeconds(1)));
      appends.add(cluster.member(agent % 2).results().append(batch, fleet, NOW));
    }

    for (Future<AppendOutcome> a : appends) {
      a.await(30, TimeUnit.SECONDS);
    }

    expected.sort(null);
    assertThat(storedKeys()).containsExactlyElementsOf(expected);
    assertThat(inCluster(0)).hasSize(100);
  }

  @Test
  void whenTheDatabaseIsSlow_thenNothingIsAcknowledgedUntilItHasCommitted() throws Exception {
    ProbeResult r = ok("a", 1, check, "eu", NOW);
    Future<AppendOutcome> append;
    // Another writer holds the same key, uncommitted: the write-through's insert waits for it.
    try (Connection blocker = databases.get(0).dataSource().getConnection()) {
      blocker.setAutoCommit(false);
      try (PreparedStatement s =
          blocker.prepareStatement(
              "INSERT INTO results (check_id, agent_id, seq, location, started_at_ns,"
                  + " duration_ms, ok, attempts) VALUES (?, 'a', 1, 'eu', ?, 120, TRUE, 1)")) {
        s.setString(1, check);
        s.setLong(2, NOW.getEpochSecond() * 1_000_000_000L + NOW.getNano());
        s.executeUpdate();
      }

      append = cluster.member(0).results().append(List.of(r), fleet, NOW);

      await()
          .during(Duration.ofMillis(700))
          .atMost(Duration.ofSeconds(5))
          .until(() -> !append.isComplete());
      blocker.commit();
    }

    AppendOutcome outcome = append.await(10, TimeUnit.SECONDS);
    assertThat(outcome.accepted()).isEqualTo(1);
    assertThat(storedKeys()).containsExactly("a/1");
    assertThat(inCluster(1)).containsExactly(r);
  }
}
