package io.nines.store.results;

import static io.nines.store.testing.TestFleets.fail;
import static io.nines.store.testing.TestFleets.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nines.availability.State;
import io.nines.common.Failure;
import io.nines.common.FailureKind;
import io.nines.common.ProbeResult;
import io.nines.common.TimeRange;
import io.nines.common.TimeSource;
import io.nines.store.checklog.CheckLog;
import io.nines.store.checklog.PendingChange;
import io.nines.store.jdbc.Database;
import io.nines.store.jdbc.DatabaseOptions;
import io.nines.store.jdbc.Rollup;
import io.nines.store.jdbc.internal.CheckRepository;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store contract on a real database, plus what durability adds: a reopened store answers as
 * before, roll-ups count what ran each minute, expired rows go. One subclass per database (H2,
 * PostgreSQL).
 */
abstract class JdbcResultStoreContract extends ResultStoreContract {
  static Vertx vertx;

  final List<AutoCloseable> opened = new ArrayList<>();
  DatabaseOptions options;

  /** Options of an empty database, different for every call. */
  abstract DatabaseOptions freshDatabase();

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    vertx.close().await();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }

  @Override
  ResultStore newStore() {
    options = freshDatabase();
    return open(options);
  }

  Database database;

  JdbcResultStore open(DatabaseOptions options) {
    database = Database.open(options, new SimpleMeterRegistry(), TimeSource.SYSTEM);
    opened.add(database);
    JdbcResultStore store = JdbcResultStore.open(vertx, database).await();
    opened.add(store);
    return store;
  }

  /** Closes the store and its database, and opens both again, as a restart would. */
  JdbcResultStore reopen() throws Exception {
    closeAll();
    opened.clear();
    return open(options);
  }

  @Test
  void whenTheStoreIsReopened_thenItAnswersAsBeforeAndReplaysAreDuplicates() throws Exception {
    ProbeResult detailed =
        new ProbeResult(
            "a",
            3,
            "home",
            "eu",
            at(20).plusNanos(123_456_789),
            412,
            false,
            new Failure(FailureKind.HTTP_STATUS, "pay", "status was 503 but it must be 200"),
            2,
            Map.of("dns", 3.1, "total", 412.0),
            new JsonObject().put("url", "https://shop.example/pay").put("n", 1));
    List<ProbeResult> batch =
        List.of(
            ok("a", 1, "home", "eu", at(60)),
            fail("b", 1, "home", "us", at(50)),
            ok("a", 2, "home", "eu", at(30)),
            detailed,
            ok("b", 9, "home", "us", at(10)));
    List<ProbeResult> tooOld = List.of(ok("a", 7, "home", "eu", NOW.minus(Duration.ofDays(8))));
    append(batch, at(5));
    append(List.of(fail("b", 10, "home", "us", at(4))), NOW);
    append(tooOld, NOW);
    Map<String, List<ProbeResult>> before = between("home", at(100), NOW);
    Evaluation evaluation = evaluation("home").orElseThrow();

    store = reopen();

    assertThat(between("home", at(100), NOW)).isEqualTo(before);
    assertThat(between("home", at(100), NOW).get("eu")).contains(detailed);
    assertThat(evaluation("home")).contains(evaluation);
    assertThat(size()).isEqualTo(6);
    assertThat(recent("home", 2)).extracting(ProbeResult::id).containsExactly("b/10", "b/9");
    assertThat(append(batch, NOW)).isEqualTo(new AppendOutcome(0, 5, List.of()));
    assertThat(append(tooOld, NOW))
        .as("a result refused for its time stays consumed")
        .isEqualTo(new AppendOutcome(0, 1, List.of()));
    assertThat(evaluation("home")).as("replays evaluate nothing").contains(evaluation);
  }

  @Test
  void whenTheStoreIsReopened_thenTimelinesOlderThanTheRawRetentionAreTheSame() throws Exception {
    Instant start = NOW.minus(Duration.ofDays(90));
    long seq = 0;
    for (Instant t = start; t.isBefore(NOW); t = t.plus(Duration.ofHours(6))) {
      List<ProbeResult> batch = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Instant ran = t.plusSeconds(30L * i);
        batch.add(i == 2 ? fail("a", ++seq, "home", "eu", ran) : ok("a", ++seq, "home", "eu", ran));
        batch.add(ok("b", seq, "home", "us", ran.plusSeconds(7)));
      }
      append(batch, t.plusSeconds(120));
    }
    TimeRange ninety = new TimeRange(start, NOW);
    Map<String, io.nines.availability.Timeline> before =
        store.locationTimelines("home", ninety).await();
    assertThat(before.get("eu").duration(State.DOWN)).isEqualTo(Duration.ofSeconds(30 * 360));

    store = reopen();

    assertThat(store.locationTimelines("home", ninety).await()).isEqualTo(before);
    assertThat(database.deleteExpired(NOW, Duration.ofDays(7), Duration.ofDays(30))[4])
        .as("history older than retention.rollup is deleted")
        .isPositive();
    store = reopen();
    assertThat(
            store
                .locationTimelines("home", new TimeRange(start, NOW.minus(Duration.ofDays(31))))
                .await())
        .isEmpty();
  }

  @Test
  void whenResultsRun_thenEachMinuteIsRolledUpPerLocationAndRewritingChangesNothing()
      throws Exception {
    Instant minute = Instant.parse("2026-04-10T11:58:00Z");
    append(
        List.of(
            ok("a", 1, "home", "eu", minute.plusSeconds(1)),
            fail("a", 2, "home", "eu", minute.plusSeconds(31)),
            ok("a", 3, "home", "eu", minute.plusSeconds(61)),
            fail("b", 1, "home", "us", minute.plusSeconds(59).plusNanos(999_999_999))),
        NOW);
    append(List.of(ok("a", 4, "home", "eu", minute.plusSeconds(45))), NOW);
    append(List.of(ok("a", 4, "home", "eu", minute.plusSeconds(45))), NOW);

    List<Rollup> rollups = database.rollups("home", minute, NOW);

    assertThat(rollups)
        .containsExactly(
            new Rollup("home", "eu", minute, 3, 1),
            new Rollup("home", "us", minute, 1, 1),
            new Rollup("home", "eu", minute.plusSeconds(60), 1, 0));
    store = reopen();
    assertThat(database.rollups("home", minute, NOW)).isEqualTo(rollups);
  }

  @Test
  void whenAChangeIsWrittenAgain_thenItsResultsAreCountedOnceInTheRollups() throws Exception {
    // What a retried write-behind batch, or a promoted backup writing what its owner had written,
    // does: the same change reaches the database twice.
    Instant minute = Instant.parse("2026-04-10T11:58:00Z");
    CheckRepository repository =
        new CheckRepository(database.dataSource(), database.options().url());
    PendingChange first =
        new PendingChange(
            "home",
            new CheckLog.Change(
                List.of(
                    ok("a", 1, "home", "eu", minute.plusSeconds(1)),
                    fail("a", 2, "home", "eu", minute.plusSeconds(31))),
                List.of(),
                Instant.EPOCH,
                null),
            NOW);
    PendingChange second =
        new PendingChange(
            "home",
            new CheckLog.Change(
                List.of(
                    ok("a", 3, "home", "eu", minute.plusSeconds(40)),
                    fail("a", 2, "home", "eu", minute.plusSeconds(31))),
                List.of(),
                Instant.EPOCH,
                null),
            NOW);

    repository.write(List.of(first));
    repository.write(List.of(first, second));
    repository.write(List.of(second));

    assertThat(database.rollups("home", minute, NOW))
        .containsExactly(new Rollup("home", "eu", minute, 3, 1));
  }

  @Test
  void whenRetentionPasses_thenRawRowsAreDeletedAndRollupsStay() throws Exception {
    // The day before NOW's, and NOW's: PostgreSQL drops raw results a whole UTC day at a time.
    Instant dayBefore = NOW.minus(Duration.ofHours(13));
    append(List.of(ok("a", 1, "home", "eu", dayBefore), fail("a", 2, "home", "eu", at(30))), NOW);

    long[] deleted =
        ((JdbcResultStore) store)
            .deleteExpired(
                Instant.parse("2026-04-17T00:00:00Z"), Duration.ofDays(7), Duration.ofDays(400))
            .await();
    store = reopen();

    assertThat(deleted[0]).as("raw results deleted").isEqualTo(1);
    assertThat(recent("home", 10)).extracting(ProbeResult::sequence).containsExactly(2L);
    assertThat(database.rollups("home", dayBefore, NOW)).hasSize(2);
    assertThat(
            database
                .deleteExpired(
                    NOW.plus(Duration.ofDays(401)), Duration.ofDays(7), Duration.ofDays(400))[3])
        .as("roll-ups deleted after their own retention")
        .isEqualTo(2);
  }
}
