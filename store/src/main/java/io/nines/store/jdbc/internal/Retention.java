package io.nines.store.jdbc.internal;

import io.nines.common.Checks;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import javax.sql.DataSource;

/**
 * What leaves the database when, and the partitions that must exist before it is written.
 *
 * <ul>
 *   <li>Raw results: kept for {@code retention.raw}. PostgreSQL drops each day's partition once the
 *       whole day is older (so a row stays up to a day longer than {@code retention.raw}); H2
 *       deletes the rows.
 *   <li>Per-minute roll-ups: kept for {@value #MINUTE_ROLLUP_DAYS} days (or {@code
 *       retention.rollup} if shorter), then added to their hour's row in {@code rollups_hourly} and
 *       removed, in one transaction (PostgreSQL: a whole day partition at a time, then dropped).
 *   <li>Per-hour roll-ups: kept for {@code retention.rollup}. PostgreSQL drops whole months and
 *       deletes the hours of the month the cut falls in (a day holds 24 rows per check and
 *       location: cheap).
 *   <li>Refused sequences, evaluations of checks without results, timeline history: deleted, as
 *       before V5 (small tables).
 * </ul>
 *
 * <p>On PostgreSQL one member at a time runs it (a session advisory lock; a member that finds it
 * taken skips the run), and each run also prepares the partitions ({@link #prepare}). Blocking.
 */
public final class Retention {
  /** How long per-minute roll-ups are kept before they are rolled into hours. */
  public static final int MINUTE_ROLLUP_DAYS = 30;

  /** The advisory lock held while one member runs retention ("nines-rt"). */
  static final long RUN_LOCK = 0x6e696e65732d7274L;

  private final DataSource dataSource;
  private final Dialect dialect;

  public Retention(DataSource dataSource, String url) {
    this.dataSource = Checks.notNull(dataSource, "dataSource");
    this.dialect = Dialect.ofUrl(Checks.notNull(url, "url"));
  }

  /**
   * PostgreSQL: creates the partitions of today and the next days, and moves rows that the DEFAULT
   * partitions caught into partitions of their own. Nothing on H2.
   */
  public void prepare(Instant now) throws SQLException {
    if (dialect != Dialect.POSTGRESQL) {
      return;
    }
    LocalDate today = Partitions.today(now);
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      Partitions.prepare(c, Partitions.RESULTS, today);
      Partitions.prepare(c, Partitions.ROLLUPS, today);
      Partitions.prepare(c, Partitions.HOURLY, today);
    }
  }

  /**
   * Removes what left the retentions as of {@code now} (see the class comment), then (PostgreSQL)
   * prepares the partitions of the next days.
   *
   * @return how many rows went: raw results, refused sequences, evaluations, per-minute roll-ups
   *     (rolled into hours or expired), timeline history stretches, per-hour roll-ups; all zero
   *     when another member holds the run (PostgreSQL)
   */
  public long[] expire(Instant now, Duration raw, Duration rollup) throws SQLException {
    Checks.notNull(now, "now");
    long rawCutoffNs = CheckRepository.nanos(now.minus(raw));
    Duration minuteRetention =
        rollup.compareTo(Duration.ofDays(MINUTE_ROLLUP_DAYS)) < 0
            ? rollup
            : Duration.ofDays(MINUTE_ROLLUP_DAYS);
    long minuteCutoffS = now.minus(minuteRetention).getEpochSecond();
    long hourCutoffS = now.minus(rollup).getEpochSecond();
    long[] d = new long[6];
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      if (dialect == Dialect.POSTGRESQL) {
        if (!advisory(c, "pg_try_advisory_lock")) {
          return d;
        }
        try {
          LocalDate today = Partitions.today(now);
          d[0] = expireResults(c, rawCutoffNs, today);
          d[3] = rollMinutesPostgres(c, minuteCutoffS, today);
          d[5] = expireHoursPostgres(c, hourCutoffS, today);
        } finally {
          advisory(c, "pg_advisory_unlock");
        }
      } else {
        d[0] = update(c, "DELETE FROM results WHERE started_at_ns < ?", rawCutoffNs);
        d[3] = rollMinutesH2(c, Math.floorDiv(minuteCutoffS, 3600) * 3600);
        d[5] = update(c, "DELETE FROM rollups_hourly WHERE hour_epoch_s < ?", hourCutoffS);
      }
      d[1] = update(c, "DELETE FROM refused_sequences WHERE recorded_at_ns < ?", rawCutoffNs);
      d[2] =
          update(
              c,
              "DELETE FROM evaluations WHERE at_ns < ? AND check_id NOT IN"
                  + " (SELECT DISTINCT check_id FROM results)",
              rawCutoffNs);
      d[4] =
          update(
              c,
              "DELETE FROM location_intervals WHERE end_ns <= ?",
              CheckRepository.nanos(now.minus(rollup)));
    }
    return d;
  }

  private static boolean advisory(Connection c, String function) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT " + function + "(" + RUN_LOCK + ")")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  private static long expireResults(Connection c, long cutoffNs, LocalDate today)
      throws SQLException {
    long n = update(c, "DELETE FROM results_default WHERE started_at_ns < ?", cutoffNs);
    for (Partitions.Partition p : Partitions.before(c, Partitions.RESULTS, cutoffNs)) {
      n += inTransaction(c, s -> Partitions.drop(s, p));
    }
    Partitions.prepare(c, Partitions.RESULTS, today);
    return n;
  }

  /** Adds the roll-ups of minutes in a table (or matching a condition) to their hours. */
  private static String rollIntoHours(String from) {
    return "INSERT INTO rollups_hourly (check_id, location, hour_epoch_s, total, failed)"
        + " SELECT check_id, location, minute_epoch_s / 3600 * 3600, SUM(total), SUM(failed)"
        + " FROM "
        + from
        + " GROUP BY check_id, location, minute_epoch_s / 3600 * 3600"
        + " ON CONFLICT (check_id, location, hour_epoch_s) DO UPDATE SET"
        + " total = rollups_hourly.total + EXCLUDED.total,"
        + " failed = rollups_hourly.failed + EXCLUDED.failed";
  }

  private static long rollMinutesPostgres(Connection c, long cutoffS, LocalDate today)
      throws SQLException {
    long n = 0;
    for (Partitions.Partition p : Partitions.before(c, Partitions.ROLLUPS, cutoffS)) {
      Partitions.ensure(c, Partitions.HOURLY, Partitions.HOURLY.periodOf(p.from()));
      n +=
          inTransaction(
              c,
              s -> {
                // No write may land in the day between reading it and dropping it.
                s.execute("LOCK TABLE " + p.name() + " IN EXCLUSIVE MODE");
                s.executeUpdate(rollIntoHours(p.name()));
                return Partitions.drop(s, p);
              });
    }
    // Minutes the DEFAULT partition caught: whole hours only, moved in one statement.
    long hourCut = Math.floorDiv(cutoffS, 3600) * 3600;
    try (PreparedStatement s =
        c.prepareStatement(
            "WITH moved AS (DELETE FROM rollups_default WHERE minute_epoch_s < ? RETURNING *),"
                + " added AS ("
                + rollIntoHours("moved")
                + ") SELECT count(*) FROM moved")) {
      s.setLong(1, hourCut);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        n += rs.getLong(1);
      }
    }
    Partitions.prepare(c, Partitions.ROLLUPS, today);
    return n;
  }

  private static long expireHoursPostgres(Connection c, long cutoffS, LocalDate today)
      throws SQLException {
    long n = 0;
    for (Partitions.Partition p : Partitions.before(c, Partitions.HOURLY, cutoffS)) {
      n += inTransaction(c, s -> Partitions.drop(s, p));
    }
    // The month the cut falls in, and the DEFAULT partition: few rows.
    n += update(c, "DELETE FROM rollups_hourly WHERE hour_epoch_s < ?", cutoffS);
    Partitions.prepare(c, Partitions.HOURLY, today);
    return n;
  }

  private static long rollMinutesH2(Connection c, long cutoffS) throws SQLException {
    c.setAutoCommit(false);
    try {
      try (PreparedStatement s =
          c.prepareStatement(
              "MERGE INTO rollups_hourly t USING (SELECT check_id, location,"
                  + " minute_epoch_s / 3600 * 3600 AS hour_epoch_s, SUM(total) AS total,"
                  + " SUM(failed) AS failed FROM rollups WHERE minute_epoch_s < ?"
                  + " GROUP BY check_id, location, minute_epoch_s / 3600 * 3600) s"
                  + " ON t.check_id = s.check_id AND t.location = s.location"
                  + " AND t.hour_epoch_s = s.hour_epoch_s"
                  + " WHEN MATCHED THEN UPDATE SET total = t.total + s.total,"
                  + " failed = t.failed + s.failed"
                  + " WHEN NOT MATCHED THEN INSERT (check_id, location, hour_epoch_s, total,"
                  + " failed) VALUES (s.check_id, s.location, s.hour_epoch_s, s.total,"
                  + " s.failed)")) {
        s.setLong(1, cutoffS);
        s.executeUpdate();
      }
      long n = update(c, "DELETE FROM rollups WHERE minute_epoch_s < ?", cutoffS);
      c.commit();
      return n;
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  private interface Work {
    long run(Statement s) throws SQLException;
  }

  /**
   * Runs {@code work} in a transaction of its own that waits at most 2 s for a lock. Dropping a
   * partition locks its parent exclusively: while the drop waits for a long transaction, writers
   * queue behind it, so it gives up soon and the next run tries again.
   */
  private static long inTransaction(Connection c, Work work) throws SQLException {
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("SET LOCAL lock_timeout = '2s'");
      long n = work.run(s);
      c.commit();
      return n;
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  private static long update(Connection c, String sql, long value) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setLong(1, value);
      return s.executeUpdate();
    }
  }
}
