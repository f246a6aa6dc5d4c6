package io.nines.store.jdbc.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * PostgreSQL's partitioned tables (V5): {@code results} and {@code rollups} by UTC day, {@code
 * rollups_hourly} by UTC month, each with a DEFAULT partition that catches rows whose period has no
 * partition yet. Creates partitions (moving what the DEFAULT partition caught for their period),
 * lists and drops them. PostgreSQL only; blocking.
 *
 * <p>Partition DDL of all members is serialized by a transaction-scoped advisory lock, so that two
 * members creating the same partition do not collide.
 */
final class Partitions {
  /** The advisory lock that serializes partition DDL ("nines-pt"). */
  static final long DDL_LOCK = 0x6e696e65732d7074L;

  /** How many days after today get their partitions ahead of time. */
  static final int DAYS_AHEAD = 3;

  /** A partitioned table: its name, its partition column, the column's unit, its period. */
  record Table(String name, String column, long unitsPerSecond, boolean monthly) {
    /** The first day of the period that {@code day} is in. */
    LocalDate periodOf(LocalDate day) {
      return monthly ? day.withDayOfMonth(1) : day;
    }

    LocalDate next(LocalDate start) {
      return monthly ? start.plusMonths(1) : start.plusDays(1);
    }

    /** The column's value at the start of {@code day}. */
    long bound(LocalDate day) {
      return day.toEpochDay() * 86_400L * unitsPerSecond;
    }

    /** The day a column value falls in (UTC). */
    LocalDate dayOf(long value) {
      return LocalDate.ofEpochDay(Math.floorDiv(value, 86_400L * unitsPerSecond));
    }

    String partitionName(LocalDate start) {
      return name + "_p" + start.format(monthly ? MONTH : DAY);
    }

    String defaultPartition() {
      return name + "_default";
    }
  }

  static final Table RESULTS = new Table("results", "started_at_ns", 1_000_000_000L, false);
  static final Table ROLLUPS = new Table("rollups", "minute_epoch_s", 1L, false);
  static final Table HOURLY = new Table("rollups_hourly", "hour_epoch_s", 1L, true);

  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");
  private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyyMM");

  /** One partition: its name and the period {@code [from, to)} it holds. */
  record Partition(String name, LocalDate from, LocalDate to) {}

  private Partitions() {}

  /**
   * Makes the table ready for writes as of {@code today}: moves what its DEFAULT partition caught
   * into partitions of their own, and creates the partitions of today and the next {@value
   * #DAYS_AHEAD} days (of this month and the next, for a monthly table).
   *
   * @return how many partitions were created
   */
  static int prepare(Connection c, Table t, LocalDate today) throws SQLException {
    TreeSet<LocalDate> periods = new TreeSet<>(periodsInDefault(c, t));
    for (LocalDate d = today; !d.isAfter(today.plusDays(DAYS_AHEAD)); d = d.plusDays(1)) {
      periods.add(t.periodOf(d));
    }
    if (t.monthly()) {
      periods.add(t.next(t.periodOf(today)));
    }
    int created = 0;
    for (LocalDate p : periods) {
      created += ensure(c, t, p) ? 1 : 0;
    }
    return created;
  }

  /** The periods (their first days) that rows in the DEFAULT partition belong to. */
  static List<LocalDate> periodsInDefault(Connection c, Table t) throws SQLException {
    TreeSet<LocalDate> periods = new TreeSet<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT DISTINCT "
                    + t.column()
                    + " / "
                    + (86_400L * t.unitsPerSecond())
                    + " FROM "
                    + t.defaultPartition())) {
      while (rs.next()) {
        periods.add(t.periodOf(LocalDate.ofEpochDay(rs.getLong(1))));
      }
    }
    return new ArrayList<>(periods);
  }

  /**
   * Creates the partition of the period starting {@code start} unless it exists, in its own
   * transaction: rows of the period that the DEFAULT partition caught move into it. The new table
   * is created apart and attached, which locks the parent in SHARE UPDATE EXCLUSIVE mode only (a
   * {@code CREATE TABLE ... PARTITION OF} would take ACCESS EXCLUSIVE, stopping every writer).
   *
   * @return whether it was created now
   */
  static boolean ensure(Connection c, Table t, LocalDate start) throws SQLException {
    String name = t.partitionName(start);
    long from = t.bound(start);
    long to = t.bound(t.next(start));
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("SET LOCAL lock_timeout = '10s'");
      s.execute("SELECT pg_advisory_xact_lock(" + DDL_LOCK + ")");
      if (exists(c, name)) {
        c.commit();
        return false;
      }
      String range = t.column() + " >= " + from + " AND " + t.column() + " < " + to;
      // Writers routed to the DEFAULT partition wait until this commits; the others do not.
      s.execute("LOCK TABLE " + t.defaultPartition() + " IN SHARE MODE");
      boolean caught;
      try (ResultSet rs =
          s.executeQuery(
              "SELECT EXISTS (SELECT 1 FROM " + t.defaultPartition() + " WHERE " + range + ")")) {
        rs.next();
        caught = rs.getBoolean(1);
      }
      if (caught) {
        s.execute("CREATE TEMPORARY TABLE nines_moving (LIKE " + t.name() + ") ON COMMIT DROP");
        s.execute(
            "WITH moved AS (DELETE FROM "
                + t.defaultPartition()
                + " WHERE "
                + range
                + " RETURNING *) INSERT INTO nines_moving SELECT * FROM moved");
      }
      s.execute("CREATE TABLE " + name + " (LIKE " + t.name() + " INCLUDING DEFAULTS)");
      s.execute(
          "ALTER TABLE "
              + t.name()
              + " ATTACH PARTITION "
              + name
              + " FOR VALUES FROM ("
              + from
              + ") TO ("
              + to
              + ")");
      if (caught) {
        s.execute("INSERT INTO " + t.name() + " SELECT * FROM nines_moving");
      }
      c.commit();
      return true;
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  static boolean exists(Connection c, String name) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      s.setString(1, name);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  /** The table's partitions other than DEFAULT, oldest first. */
  static List<Partition> list(Connection c, Table t) throws SQLException {
    List<Partition> out = new ArrayList<>();
    String prefix = t.name() + "_p";
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT child.relname FROM pg_inherits i JOIN pg_class child ON child.oid = i.inhrelid"
                + " WHERE i.inhparent = to_regclass(?) ORDER BY child.relname")) {
      s.setString(1, t.name());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          String name = rs.getString(1);
          String suffix = name.startsWith(prefix) ? name.substring(prefix.length()) : "";
          if (!suffix.matches(t.monthly() ? "\\d{6}" : "\\d{8}")) {
            continue;
          }
          LocalDate from =
              t.monthly() ? LocalDate.parse(suffix + "01", DAY) : LocalDate.parse(suffix, DAY);
          out.add(new Partition(name, from, t.next(from)));
        }
      }
    }
    return out;
  }

  /** The partitions that hold only values before {@code cutoff} (in the column's unit). */
  static List<Partition> before(Connection c, Table t, long cutoff) throws SQLException {
    List<Partition> out = new ArrayList<>();
    for (Partition p : list(c, t)) {
      if (t.bound(p.to()) <= cutoff) {
        out.add(p);
      }
    }
    return out;
  }

  /** Counts a partition's rows, then drops it, in the caller's transaction. */
  static long drop(Statement s, Partition p) throws SQLException {
    long rows;
    try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + p.name())) {
      rs.next();
      rows = rs.getLong(1);
    }
    s.execute("DROP TABLE " + p.name());
    return rows;
  }

  /** The UTC day {@code now} is in. */
  static LocalDate today(java.time.Instant now) {
    return LocalDate.ofInstant(now, ZoneOffset.UTC);
  }
}
