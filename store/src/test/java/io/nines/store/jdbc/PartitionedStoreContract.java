package io.nines.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nines.common.Failure;
import io.nines.common.FailureKind;
import io.nines.common.ProbeResult;
import io.nines.common.testing.ManualTimeSource;
import io.nines.config.Settings;
import io.nines.store.checklog.CheckLog;
import io.nines.store.checklog.PendingChange;
import io.nines.store.jdbc.internal.CheckRepository;
import io.nines.store.jdbc.internal.Dialect;
import io.nines.store.jdbc.internal.ResultWriter;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * V5's storage on a real database: day partitions on PostgreSQL (an unpartitioned equivalent on
 * H2), retention by dropping partitions, per-minute roll-ups rolled into hours after 30 days, the
 * bulk insert of {@link ResultWriter}, and a V4 database migrated with its rows. One subclass per
 * database.
 */
abstract class PartitionedStoreContract {
  static final Instant NOW = Instant.parse("2026-04-10T12:00:00Z");

  final List<AutoCloseable> opened = new ArrayList<>();
  final ManualTimeSource time = new ManualTimeSource(NOW);

  /** Options of an empty database, different for every call. */
  abstract DatabaseOptions freshDatabase();

  /** Whether this database partitions its tables (PostgreSQL). */
  abstract boolean partitioned();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }

  Database open(DatabaseOptions options) {
    Database db = Database.open(options, new SimpleMeterRegistry(), time);
    opened.add(db);
    return db;
  }

  static CheckRepository repository(Database db) {
    return new CheckRepository(db.dataSource(), db.options().url());
  }

  static ProbeResult result(String agent, long seq, String check, Instant at, boolean ok) {
    return new ProbeResult(
        agent,
        seq,
        check,
        "eu",
        at,
        100 + seq,
        ok,
        ok ? null : new Failure(FailureKind.HTTP_STATUS, "get", "status was 503"),
        1,
        Map.of("total", 100.0 + seq),
        null);
  }

  static PendingChange change(List<ProbeResult> results) {
    return new PendingChange(
        results.get(0).checkId(),
        new CheckLog.Change(results, List.of(), Instant.EPOCH, null),
        NOW);
  }

  static long count(Database db, String sql) throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static boolean tableExists(Database db, String name) throws SQLException {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      s.setString(1, name);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  @Test
  void whenTheDatabaseOpens_thenTodayAndTheNextDaysHavePartitions() throws Exception {
    Database db = open(freshDatabase());
    if (!partitioned()) {
      assertThat(count(db, "SELECT count(*) FROM rollups_hourly")).isZero();
      return;
    }
    for (String day : List.of("20260410", "20260411", "20260412", "20260413")) {
      assertThat(tableExists(db, "results_p" + day)).as("results_p" + day).isTrue();
      assertThat(tableExists(db, "rollups_p" + day)).as("rollups_p" + day).isTrue();
    }
    assertThat(tableExists(db, "rollups_hourly_p202604")).isTrue();
    assertThat(tableExists(db, "rollups_hourly_p202605")).isTrue();
  }

  @Test
  void whenTheRetentionTaskRunsDaysLater_thenTheNewDaysHavePartitionsAhead() throws Exception {
    Vertx vertx = Vertx.vertx();
    opened.add(() -> vertx.close().await());
    Database db = open(freshDatabase());
    time.advance(Duration.ofDays(5));
    RetentionTask task =
        RetentionTask.start(vertx, db, () -> Settings.DEFAULTS, time, Duration.ofHours(1));
    opened.add(task);

    long[] gone = task.runOnce().await();

    assertThat(gone).hasSize(6);
    if (partitioned()) {
      assertThat(tableExists(db, "results_p20260418")).as("2026-04-15 and 3 days ahead").isTrue();
      assertThat(tableExists(db, "rollups_p20260418")).isTrue();
    }
  }

  @Test
  void whenTheSameResultsAreInsertedAgain_thenOnlyTheNewOnesAreCounted() throws Exception {
    Database db = open(freshDatabase());
    ResultWriter writer = new ResultWriter(Dialect.ofUrl(db.options().url()));
    List<ProbeResult> first = new ArrayList<>();
    List<ProbeResult> second = new ArrayList<>();
    for (int i = 1; i <= 500; i++) {
      ProbeResult r = result("a" + (i % 7), i, "c" + (i % 13), NOW.minusSeconds(i), i % 5 != 0);
      (i <= 250 ? first : second).add(r);
    }
    List<ProbeResult> all = new ArrayList<>(first);
    all.addAll(second);
    all.add(first.get(0)); // the same result twice in one batch

    try (Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      assertThat(writer.insert(c, first)).isEqualTo(250);
      assertThat(writer.insert(c, all)).as("only the second half is new").isEqualTo(250);
      assertThat(writer.insert(c, all)).as("nothing is new").isZero();
      assertThat(writer.insert(c, List.of())).isZero();
      c.commit();
    }

    assertThat(count(db, "SELECT count(*) FROM results")).isEqualTo(500);
    ProbeResult stored = first.get(4);
    CheckLog log = repository(db).load(stored.checkId());
    assertThat(log.results()).contains(stored);
  }

  @Test
  void whenAResultRunsOnADayWithoutAPartition_thenItIsKeptAndMovedToItsOwnPartitionLater()
      throws Exception {
    Database db = open(freshDatabase());
    Instant farDay = Instant.parse("2026-04-25T08:00:00Z"); // beyond the days made ahead
    ProbeResult r = result("a", 1, "far", farDay, false);

    repository(db).write(List.of(change(List.of(r))));

    assertThat(repository(db).load("far").results()).containsExactly(r);
    assertThat(db.rollups("far", farDay.minusSeconds(3600), farDay.plusSeconds(3600)))
        .containsExactly(new Rollup("far", "eu", Instant.parse("2026-04-25T08:00:00Z"), 1, 1));
    if (partitioned()) {
      assertThat(count(db, "SELECT count(*) FROM results_default")).isEqualTo(1);
      assertThat(count(db, "SELECT count(*) FROM rollups_default")).isEqualTo(1);
    }

    db.deleteExpired(NOW, Duration.ofDays(7), Duration.ofDays(400));

    assertThat(repository(db).load("far").results()).containsExactly(r);
    assertThat(db.rollups("far", farDay.minusSeconds(3600), farDay.plusSeconds(3600))).hasSize(1);
    if (partitioned()) {
      assertThat(count(db, "SELECT count(*) FROM results_default")).isZero();
      assertThat(count(db, "SELECT count(*) FROM results_p20260425")).isEqualTo(1);
      assertThat(count(db, "SELECT count(*) FROM rollups_p20260425")).isEqualTo(1);
    }
    repository(db).write(List.of(change(List.of(r))));
    assertThat(count(db, "SELECT count(*) FROM results"))
        .as("a resend after the move is a duplicate")
        .isEqualTo(1);
    assertThat(db.rollups("far", farDay.minusSeconds(3600), farDay.plusSeconds(3600)))
        .as("and is not counted again")
        .containsExactly(new Rollup("far", "eu", Instant.parse("2026-04-25T08:00:00Z"), 1, 1));
  }

  @Test
  void whenRetentionRuns_thenWholeDaysOlderThanRetentionGoAndTheRestStays() throws Exception {
    Database db = open(freshDatabase());
    CheckRepository repo = repository(db);
    // Days 9, 8, 7 (the cut, 2026-04-03T12:00, falls in it), 1 and 0 days before NOW.
    List<ProbeResult> all = new ArrayList<>();
    long seq = 0;
    for (int daysAgo : List.of(9, 8, 7, 1, 0)) {
      Instant day = NOW.minus(Duration.ofDays(daysAgo));
      all.add(result("a", ++seq, "home", day.minusSeconds(3600), true));
      all.add(result("a", ++seq, "home", day.plusSeconds(1800), false));
    }
    repo.write(List.of(change(all)));
    db.deleteExpired(NOW, Duration.ofDays(30), Duration.ofDays(400)); // partitions for every day
    if (partitioned()) {
      assertThat(tableExists(db, "results_p20260401")).isTrue();
      assertThat(count(db, "SELECT count(*) FROM results_default")).isZero();
    }

    long[] gone = db.deleteExpired(NOW, Duration.ofDays(7), Duration.ofDays(400));

    List<Long> kept = new ArrayList<>();
    repo.load("home").results().forEach(r -> kept.add(r.sequence()));
    if (partitioned()) {
      assertThat(gone[0]).as("the rows of the two whole days before the cut").isEqualTo(4);
      assertThat(kept).containsExactlyInAnyOrder(5L, 6L, 7L, 8L, 9L, 10L);
      assertThat(tableExists(db, "results_p20260401")).isFalse();
      assertThat(tableExists(db, "results_p20260402")).isFalse();
      assertThat(tableExists(db, "results_p20260403")).as("the day of the cut stays").isTrue();
      assertThat(tableExists(db, "results_p20260410")).isTrue();
    } else {
      assertThat(gone[0]).as("every row before the cut").isEqualTo(5);
      assertThat(kept).containsExactlyInAnyOrder(6L, 7L, 8L, 9L, 10L);
    }
    assertThat(db.rollups("home", NOW.minus(Duration.ofDays(10)), NOW.plusSeconds(3600)))
        .as("roll-ups stay for retention.rollup")
        .hasSize(10);
  }

  @Test
  void whenMinuteRollupsPassThirtyDays_thenEachHourHoldsTheSumOfItsMinutes() throws Exception {
    Database db = open(freshDatabase());
    CheckRepository repo = repository(db);
    Instant hour = Instant.parse("2026-03-01T10:00:00Z"); // 40 days before NOW
    List<ProbeResult> results = new ArrayList<>();
    long seq = 0;
    for (int minute = 0; minute < 120; minute += 7) {
      for (int k = 0; k < 1 + minute % 3; k++) {
        Instant at = hour.plusSeconds(minute * 60L + k * 10L);
        results.add(result("a", ++seq, "home", at, (seq % 4) != 0));
      }
    }
    Instant recent = NOW.minus(Duration.ofDays(2));
    results.add(result("a", ++seq, "home", recent, true));
    repo.write(List.of(change(results)));
    List<Rollup> minutes = db.rollups("home", hour, hour.plus(Duration.ofHours(2)));
    Map<Instant, int[]> sums = new LinkedHashMap<>();
    for (Rollup m : minutes) {
      int[] s =
          sums.computeIfAbsent(
              m.minute().truncatedTo(java.time.temporal.ChronoUnit.HOURS), h -> new int[2]);
      s[0] += m.total();
      s[1] += m.failed();
    }
    assertThat(minutes).hasSizeGreaterThan(10);
    assertThat(sums).hasSize(2);

    long[] gone = db.deleteExpired(NOW, Duration.ofDays(7), Duration.ofDays(400));

    assertThat(gone[3]).as("minute roll-ups rolled into hours").isEqualTo(minutes.size());
    assertThat(db.rollups("home", hour, hour.plus(Duration.ofHours(2))))
        .containsExactly(
            new Rollup(
                "home", "eu", hour, sums.get(hour)[0], sums.get(hour)[1], Duration.ofHours(1)),
            new Rollup(
                "home",
                "eu",
                hour.plusSeconds(3600),
                sums.get(hour.plusSeconds(3600))[0],
                sums.get(hour.plusSeconds(3600))[1],
                Duration.ofHours(1)));
    assertThat(db.rollups("home", recent.minusSeconds(60), NOW))
        .as("the last 30 days stay per minute")
        .containsExactly(new Rollup("home", "eu", recent, 1, 0));
    assertThat(db.deleteExpired(NOW, Duration.ofDays(7), Duration.ofDays(400))[3])
        .as("a second run rolls nothing twice")
        .isZero();
    assertThat(db.rollups("home", hour, hour.plus(Duration.ofHours(2)))).hasSize(2);

    long[] expired =
        db.deleteExpired(NOW.plus(Duration.ofDays(400)), Duration.ofDays(7), Duration.ofDays(400));
    assertThat(expired[5])
        .as("hours older than retention.rollup: the two, and the one the recent minute went to")
        .isEqualTo(3);
    assertThat(db.rollups("home", hour, hour.plus(Duration.ofHours(2)))).isEmpty();
  }

  @Test
  void whenAV4DatabaseIsMigrated_thenItsRowsSurviveInTheNewTables() throws Exception {
    DatabaseOptions options = freshDatabase();
    try (HikariDataSource ds = new HikariDataSource()) {
      ds.setJdbcUrl(options.url());
      if (!options.user().isEmpty()) {
        ds.setUsername(options.user());
      }
      Flyway.configure()
          .dataSource(ds)
          .locations("classpath:db/migration")
          .target("4")
          .load()
          .migrate();
      try (Connection c = ds.getConnection();
          Statement s = c.createStatement()) {
        long day = 86_400_000_000_000L;
        long t = NOW.getEpochSecond() * 1_000_000_000L;
        for (int i = 0; i < 3; i++) {
          s.execute(
              "INSERT INTO results VALUES ('v4', 'a', "
                  + (i + 1)
                  + ", 'eu', "
                  + (t - i * day)
                  + ", 120, TRUE, NULL, NULL, NULL, 1, '{\"total\":120.0}', NULL)");
          s.execute(
              "INSERT INTO rollups VALUES ('v4', 'eu', "
                  + ((t - i * day) / 1_000_000_000L)
                  + ", 1, 0)");
        }
        s.execute("INSERT INTO refused_sequences VALUES ('v4', 'a', 9, " + t + ")");
      }
    }

    Database db = open(options);

    CheckLog log = repository(db).load("v4");
    assertThat(log.results()).extracting(ProbeResult::sequence).containsExactly(3L, 2L, 1L);
    assertThat(db.rollups("v4", NOW.minus(Duration.ofDays(3)), NOW.plusSeconds(60))).hasSize(3);
    assertThat(count(db, "SELECT count(*) FROM refused_sequences")).isEqualTo(1);
    if (partitioned()) {
      assertThat(count(db, "SELECT count(*) FROM results_default")).isZero();
      assertThat(count(db, "SELECT count(*) FROM results_p20260408")).isEqualTo(1);
      assertThat(count(db, "SELECT count(*) FROM rollups_p20260409")).isEqualTo(1);
      assertThat(tableExists(db, "results_v4")).isFalse();
    }
    try (Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      assertThat(new ResultWriter(Dialect.ofUrl(db.options().url())).insert(c, log.results()))
          .as("migrated rows still make resends duplicates")
          .isZero();
      c.commit();
    }
  }
}
