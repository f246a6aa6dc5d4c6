package io.nines.store.jdbc.internal;

import static io.nines.store.testing.TestFleets.fail;
import static io.nines.store.testing.TestFleets.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nines.common.ProbeResult;
import io.nines.common.TimeSource;
import io.nines.config.DownWhen;
import io.nines.store.checklog.CheckLog;
import io.nines.store.checklog.CheckRules;
import io.nines.store.checklog.PendingChange;
import io.nines.store.jdbc.Database;
import io.nines.store.jdbc.DatabaseOptions;
import io.nines.store.jdbc.Rollup;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bulk insert of raw results that the cluster writes through ({@link ResultWriter}, {@link
 * CheckRepository#insertResults}), and the write-behind that then leaves raw results alone. One
 * subclass per database (H2, PostgreSQL).
 */
abstract class ResultWriterContract {
  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  Database database;
  CheckRepository repository;
  ResultWriter writer;

  /** Options of an empty database, different for every call. */
  abstract DatabaseOptions freshDatabase();

  @BeforeEach
  void open() {
    database = Database.open(freshDatabase(), new SimpleMeterRegistry(), TimeSource.SYSTEM);
    repository = new CheckRepository(database.dataSource(), database.options().url());
    writer = new ResultWriter(Dialect.ofUrl(database.options().url()));
  }

  @AfterEach
  void close() {
    if (database != null) { // null where the database was not there (the test is then skipped)
      database.close();
    }
  }

  int insert(List<ProbeResult> results) throws SQLException {
    try (Connection c = database.dataSource().getConnection()) {
      c.setAutoCommit(false);
      int n = writer.insert(c, results);
      c.commit();
      return n;
    }
  }

  List<ProbeResult> stored(String check) throws SQLException {
    CheckLog log = repository.load(check);
    return log == null ? List.of() : log.results();
  }

  @Test
  void whenEveryResultIsNew_thenAllAreInsertedAndCounted() throws SQLException {
    List<ProbeResult> batch =
        List.of(
            ok("a", 1, "home", "eu", NOW),
            fail("a", 2, "home", "us", NOW.plusSeconds(1)),
            ok("b", 1, "home", "eu", NOW.plusSeconds(2)));

    assertThat(insert(batch)).isEqualTo(3);

    assertThat(stored("home")).containsExactlyInAnyOrderElementsOf(batch);
  }

  @Test
  void whenSomeWereStoredBefore_thenOnlyTheNewAreCountedAndTheStoredStayAsTheyWere()
      throws SQLException {
    ProbeResult first = ok("a", 1, "home", "eu", NOW);
    insert(List.of(first));
    ProbeResult sameKeyOtherBody = fail("a", 1, "home", "eu", NOW);
    ProbeResult next = ok("a", 2, "home", "eu", NOW.plusSeconds(30));

    assertThat(insert(List.of(sameKeyOtherBody, next))).isEqualTo(1);
    assertThat(insert(List.of(sameKeyOtherBody, next))).isZero();

    assertThat(stored("home")).containsExactly(first, next);
  }

  @Test
  void whenABatchRepeatsAKey_thenTheFirstIsStoredOnce() throws SQLException {
    ProbeResult first = ok("a", 7, "home", "eu", NOW);

    assertThat(insert(List.of(first, fail("a", 7, "home", "eu", NOW)))).isEqualTo(1);

    assertThat(stored("home")).containsExactly(first);
  }

  @Test
  void whenResultsAreWrittenThroughTwice_thenTheRollupsCountEachOnce() throws SQLException {
    List<ProbeResult> batch =
        List.of(
            ok("a", 1, "home", "eu", NOW.plusSeconds(1)),
            fail("a", 2, "home", "eu", NOW.plusSeconds(2)));
    assertThat(repository.insertResults(batch)).isEqualTo(2);
    List<ProbeResult> resent =
        List.of(
            ok("a", 1, "home", "eu", NOW.plusSeconds(1)),
            fail("a", 2, "home", "eu", NOW.plusSeconds(2)),
            ok("a", 3, "home", "eu", NOW.plusSeconds(3)));

    assertThat(repository.insertResults(resent)).isEqualTo(1);
    assertThat(repository.insertResults(resent)).isZero();

    assertThat(repository.rollups("home", NOW, NOW.plusSeconds(60)))
        .containsExactly(new Rollup("home", "eu", NOW, 3, 1));
  }

  @Test
  void whenResultsAreWrittenThrough_thenTheWriteBehindStoresTheRestButNotThem()
      throws SQLException {
    CheckRepository behind =
        new CheckRepository(database.dataSource(), database.options().url(), false);
    CheckLog log = new CheckLog("home");
    CheckRules rules =
        new CheckRules(
            Duration.ofDays(7), Duration.ofMinutes(5), Duration.ofSeconds(60), DownWhen.MAJORITY);
    ProbeResult through = ok("a", 1, "home", "eu", NOW);
    ProbeResult tooOld = ok("a", 2, "home", "eu", NOW.minus(Duration.ofDays(8)));
    repository.insertResults(List.of(through));
    CheckLog.Applied applied = log.apply(List.of(through, tooOld), rules, NOW, "m1");

    behind.write(List.of(new PendingChange("home", applied.change(), NOW)));

    CheckLog loaded = repository.load("home");
    assertThat(loaded.results()).containsExactly(through);
    assertThat(loaded.evaluation()).isEqualTo(log.evaluation());
    assertThat(repository.rollups("home", NOW, NOW.plusSeconds(60)))
        .as("counted once, by the write-through")
        .containsExactly(new Rollup("home", "eu", NOW, 1, 0));
    // The refused sequence was written behind: the reloaded log counts a resend as a duplicate.
    assertThat(loaded.apply(List.of(tooOld), rules, NOW, "m1").outcome().duplicates()).isEqualTo(1);
  }
}
