package io.nines.store.jdbc.internal;

import io.nines.availability.Interval;
import io.nines.availability.State;
import io.nines.common.Checks;
import io.nines.common.Failure;
import io.nines.common.FailureKind;
import io.nines.common.ProbeResult;
import io.nines.store.checklog.AppliedSequences;
import io.nines.store.checklog.CheckLog;
import io.nines.store.checklog.HistorySlice;
import io.nines.store.checklog.LocationHistory;
import io.nines.store.checklog.PendingChange;
import io.nines.store.jdbc.Rollup;
import io.nines.store.results.Evaluation;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * The checks' durable form in SQL: raw results, refused sequences, evaluations and per-minute
 * roll-ups (see {@code db/migration}). Every write is idempotent, so writing a change twice (a
 * retried write-behind batch, a promoted backup writing what its owner had written) changes
 * nothing.
 *
 * <p>Blocking: call it only on Hazelcast's MapStore threads or on a named worker pool, never on an
 * event loop. Thread-safe; each call takes a connection from the pool and returns it.
 */
public final class CheckRepository {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final long NANOS_PER_MINUTE = 60 * NANOS_PER_SECOND;

  /**
   * How much of a check a hot repository loads ({@link #hot}): the results that ran this long
   * before its last evaluation, and the history from that instant's hour. More than {@code
   * CheckLog.HOT_RAW}, so that a check every 15 minutes or faster finds each location's latest
   * result fresh after a restart; the first batch then trims it to the hot window.
   */
  public static final Duration HOT_LOAD = Duration.ofMinutes(30);

  private final DataSource dataSource;
  private final Dialect dialect;
  private final ResultWriter resultWriter;
  private final boolean hot;
  private final boolean writesResults;

  /**
   * A repository that loads everything stored of a check (what the single process keeps).
   *
   * @param url the data source's JDBC URL, which says which SQL dialect to speak
   */
  public CheckRepository(DataSource dataSource, String url) {
    this(dataSource, url, false, true);
  }

  /**
   * @param writesResults whether {@link #write} stores the changes' accepted results (and counts
   *     them into roll-ups); false when they are written through before they are acknowledged
   *     ({@link #insertResults}), so that only refused sequences, evaluations, history (and the
   *     late results whose closed hours are recomputed, idempotently) are left to write
   */
  public CheckRepository(DataSource dataSource, String url, boolean writesResults) {
    this(dataSource, url, false, writesResults);
  }

  private CheckRepository(DataSource dataSource, String url, boolean hot, boolean writesResults) {
    this.dataSource = Checks.notNull(dataSource, "dataSource");
    this.dialect = Dialect.ofUrl(Checks.notNull(url, "url"));
    this.resultWriter = new ResultWriter(dialect);
    this.hot = hot;
    this.writesResults = writesResults;
  }

  /**
   * A repository for the cluster's checks map, whose logs are hot: {@link #load} reads only the hot
   * part of a check ({@link #HOT_LOAD}); older results and closed history stay in the database,
   * where the read layer finds them.
   */
  public static CheckRepository hot(DataSource dataSource, String url) {
    return hot(dataSource, url, true);
  }

  /** {@link #hot(DataSource, String)}; {@code writesResults} as in the constructor. */
  public static CheckRepository hot(DataSource dataSource, String url, boolean writesResults) {
    return new CheckRepository(dataSource, url, true, writesResults);
  }

  /**
   * Inserts raw results in one transaction, idempotently ({@link ResultWriter}), and counts the new
   * ones into their minutes' roll-ups: directly when every result was new, by recomputing the
   * minutes touched when only some were.
   *
   * @param results distinct keys, in a stable order (see {@link ResultWriter#insert})
   * @return how many were new
   * @throws SQLException when the database refuses; nothing was written then
   */
  public int insertResults(List<ProbeResult> results) throws SQLException {
    if (results.isEmpty()) {
      return 0;
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        int[] inserted = resultWriter.inserted(c, results);
        int added = 0;
        for (int n : inserted) {
          added += n > 0 ? 1 : 0;
        }
        if (added > 0) {
          writeRollups(c, results, inserted);
        }
        c.commit();
        return added;
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException rollback) {
          // A broken connection cannot roll back (the database does); keep the first failure.
          e.addSuppressed(rollback);
        }
        throw e;
      }
    }
  }

  /**
   * Writes changes in one transaction: their stored results (and the roll-ups of the minutes they
   * ran in) unless they were written through ({@code writesResults} false), their refused
   * sequences, and each check's latest evaluation.
   *
   * @throws SQLException when the database refuses; nothing was written then
   */
  public void write(Collection<PendingChange> changes) throws SQLException {
    if (changes.isEmpty()) {
      return;
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        write(c, changes);
        writeHistory(c, changes);
        HourRecompute.run(c, changes);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private void write(Connection c, Collection<PendingChange> changes) throws SQLException {
    Map<String, Evaluation> evaluations = new LinkedHashMap<>();
    List<ProbeResult> written = new ArrayList<>();
    try (PreparedStatement refused = c.prepareStatement(dialect.insertRefused)) {
      int pendingRefused = 0;
      for (PendingChange p : changes) {
        if (writesResults || !p.change().recompute().isEmpty()) {
          // Written through, results are in the database before they are acknowledged; those of a
          // change that recomputes closed hours are inserted again here (idempotently, counted
          // once), so that the recompute below reads them even if the write-through is still
          // running.
          written.addAll(p.change().accepted());
        }
        for (ProbeResult r : p.change().refused()) {
          refused.setString(1, r.checkId());
          refused.setString(2, r.agentId());
          refused.setLong(3, r.sequence());
          refused.setLong(4, nanos(p.at()));
          refused.addBatch();
          pendingRefused++;
        }
        Evaluation e = p.change().evaluation();
        if (e != null) {
          evaluations.merge(p.checkId(), e, (a, b) -> b.count() >= a.count() ? b : a);
        }
      }
      if (pendingRefused > 0) {
        refused.executeBatch();
      }
    }
    int[] inserted = resultWriter.inserted(c, written);
    writeRollups(c, written, inserted);
    if (!evaluations.isEmpty()) {
      try (PreparedStatement upsert = c.prepareStatement(dialect.upsertEvaluation)) {
        for (Map.Entry<String, Evaluation> en : evaluations.entrySet()) {
          Evaluation e = en.getValue();
          upsert.setString(1, en.getKey());
          upsert.setString(2, e.state().name());
          upsert.setLong(3, nanos(e.since()));
          upsert.setLong(4, nanos(e.at()));
          upsert.setLong(5, e.count());
          upsert.setString(6, e.member());
          upsert.addBatch();
        }
        upsert.executeBatch();
      }
    }
  }

  /**
   * Counts {@code written} into their minutes' roll-ups: each result that its insert really added
   * ({@code inserted[i]} is 1; 0 means it was stored before, by an earlier write of the same
   * change), so that the counts stay exact however often a change is written. Adding is cheap;
   * recomputing a minute from the raw rows, which is the fallback for a driver that does not report
   * per-row counts, costs a scan of the minute.
   */
  private void writeRollups(Connection c, List<ProbeResult> written, int[] inserted)
      throws SQLException {
    if (written.isEmpty()) {
      return;
    }
    Map<List<Object>, int[]> added = new LinkedHashMap<>();
    Set<List<Object>> recompute = new LinkedHashSet<>();
    for (int i = 0; i < written.size(); i++) {
      ProbeResult r = written.get(i);
      long minute = Math.floorDiv(nanos(r.startedAt()), NANOS_PER_MINUTE);
      List<Object> key = List.of(r.checkId(), r.location(), minute);
      int count = i < inserted.length ? inserted[i] : Statement.SUCCESS_NO_INFO;
      if (count > 0) {
        int[] totals = added.computeIfAbsent(key, k -> new int[2]);
        totals[0]++;
        totals[1] += r.ok() ? 0 : 1;
      } else if (count != 0) {
        recompute.add(key);
      }
    }
    added.keySet().removeAll(recompute);
    if (!added.isEmpty()) {
      try (PreparedStatement add = c.prepareStatement(dialect.addToRollup)) {
        for (Map.Entry<List<Object>, int[]> e : added.entrySet()) {
          add.setString(1, (String) e.getKey().get(0));
          add.setString(2, (String) e.getKey().get(1));
          add.setLong(3, (Long) e.getKey().get(2) * 60);
          add.setInt(4, e.getValue()[0]);
          add.setInt(5, e.getValue()[1]);
          add.addBatch();
        }
        add.executeBatch();
      }
    }
    if (!recompute.isEmpty()) {
      try (PreparedStatement rollup = c.prepareStatement(dialect.upsertRollup)) {
        for (List<Object> m : recompute) {
          String checkId = (String) m.get(0);
          String location = (String) m.get(1);
          long minute = (Long) m.get(2);
          rollup.setString(1, checkId);
          rollup.setString(2, location);
          rollup.setLong(3, minute * 60);
          rollup.setString(4, checkId);
          rollup.setString(5, location);
          rollup.setLong(6, minute * NANOS_PER_MINUTE);
          rollup.setLong(7, (minute + 1) * NANOS_PER_MINUTE);
          rollup.addBatch();
        }
        rollup.executeBatch();
      }
    }
  }

  /**
   * Rewrites the hours of history the changes carry: each hour's rows are deleted and its stretches
   * inserted. Of several versions of one hour, only the last (the newest) is written.
   */
  private static void writeHistory(Connection c, Collection<PendingChange> changes)
      throws SQLException {
    Map<List<Object>, HistorySlice> hours = new LinkedHashMap<>();
    for (PendingChange p : changes) {
      for (HistorySlice slice : p.change().history()) {
        hours.remove(List.of(p.checkId(), slice.location(), slice.from()));
        hours.put(List.of(p.checkId(), slice.location(), slice.from()), slice);
      }
    }
    if (hours.isEmpty()) {
      return;
    }
    int inserts = 0;
    try (PreparedStatement delete =
            c.prepareStatement(
                "DELETE FROM location_intervals WHERE check_id = ? AND location = ?"
                    + " AND start_ns >= ? AND start_ns < ?");
        PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO location_intervals (check_id, location, start_ns, end_ns, state)"
                    + " VALUES (?, ?, ?, ?, ?)")) {
      for (Map.Entry<List<Object>, HistorySlice> en : hours.entrySet()) {
        String checkId = (String) en.getKey().get(0);
        HistorySlice slice = en.getValue();
        delete.setString(1, checkId);
        delete.setString(2, slice.location());
        delete.setLong(3, nanos(slice.from()));
        delete.setLong(4, nanos(slice.to()));
        delete.addBatch();
        for (Interval iv : slice.intervals()) {
          insert.setString(1, checkId);
          insert.setString(2, slice.location());
          insert.setLong(3, nanos(iv.start()));
          insert.setLong(4, nanos(iv.end()));
          insert.setString(5, iv.state().name());
          insert.addBatch();
          inserts++;
        }
      }
      delete.executeBatch();
      if (inserts > 0) {
        insert.executeBatch();
      }
    }
  }

  static void bindResult(PreparedStatement s, ProbeResult r) throws SQLException {
    s.setString(1, r.checkId());
    s.setString(2, r.agentId());
    s.setLong(3, r.sequence());
    s.setString(4, r.location());
    s.setLong(5, nanos(r.startedAt()));
    s.setLong(6, r.durationMillis());
    s.setBoolean(7, r.ok());
    Failure f = r.failure();
    setNullable(s, 8, f == null ? null : f.kind().name());
    setNullable(s, 9, f == null ? null : f.step());
    setNullable(s, 10, f == null ? null : f.message());
    s.setInt(11, r.attempts());
    s.setString(12, new JsonObject(new LinkedHashMap<>(r.phasesMillis())).encode());
    setNullable(s, 13, r.diagnostics() == null ? null : r.diagnostics().encode());
  }

  private static void setNullable(PreparedStatement s, int index, String value)
      throws SQLException {
    if (value == null) {
      s.setNull(index, Types.VARCHAR);
    } else {
      s.setString(index, value);
    }
  }

  /**
   * The log of {@code checkId} as stored: its results, the sequences it consumed (those of its
   * results and of the results it refused), and its last evaluation; null when nothing is stored.
   *
   * <p>Every agent's consumed sequences are rebuilt from what is stored, with a watermark of 0: a
   * resent result that had left the retention is refused for its age rather than counted as a
   * duplicate, and a late result with a lower sequence than those stored is still accepted.
   */
  public CheckLog load(String checkId) throws SQLException {
    return loadAll(List.of(checkId)).get(checkId);
  }

  /** {@link #load} for several checks at once; checks with nothing stored are absent. */
  public Map<String, CheckLog> loadAll(Collection<String> checkIds) throws SQLException {
    Map<String, CheckLog> out = new HashMap<>();
    if (checkIds.isEmpty()) {
      return out;
    }
    try (Connection c = dataSource.getConnection()) {
      c.setReadOnly(true);
      for (String checkId : checkIds) {
        CheckLog log = load(c, checkId, hot ? hotFrom(c, checkId) : Long.MIN_VALUE);
        if (log != null) {
          out.put(checkId, log);
        }
      }
    }
    return out;
  }

  /**
   * Where a hot load of {@code checkId} starts: {@link #HOT_LOAD} before its last evaluation (or,
   * without one, its newest result); {@link Long#MIN_VALUE} when nothing is stored.
   */
  private static long hotFrom(Connection c, String checkId) throws SQLException {
    for (String sql :
        List.of(
            "SELECT at_ns FROM evaluations WHERE check_id = ?",
            "SELECT MAX(started_at_ns) FROM results WHERE check_id = ?")) {
      try (PreparedStatement s = c.prepareStatement(sql)) {
        s.setString(1, checkId);
        try (ResultSet rs = s.executeQuery()) {
          if (rs.next()) {
            long at = rs.getLong(1);
            if (!rs.wasNull()) {
              return at - HOT_LOAD.toNanos();
            }
          }
        }
      }
    }
    return Long.MIN_VALUE;
  }

  /** The log of {@code checkId} as stored, from {@code from} on (nanoseconds since the epoch). */
  private static CheckLog load(Connection c, String checkId, long from) throws SQLException {
    List<ProbeResult> results = new ArrayList<>();
    Map<String, TreeSet<Long>> sequences = new TreeMap<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT agent_id, seq, location, started_at_ns, duration_ms, ok, failure_kind,"
                + " failure_step, failure_message, attempts, phases, diagnostics FROM results"
                + " WHERE check_id = ? AND started_at_ns >= ? ORDER BY location, started_at_ns")) {
      s.setString(1, checkId);
      s.setLong(2, from);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          ProbeResult r = readResult(checkId, rs);
          results.add(r);
          sequences.computeIfAbsent(r.agentId(), a -> new TreeSet<>()).add(r.sequence());
        }
      }
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT agent_id, seq FROM refused_sequences WHERE check_id = ?"
                + " AND recorded_at_ns >= ?")) {
      s.setString(1, checkId);
      s.setLong(2, from);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          sequences.computeIfAbsent(rs.getString(1), a -> new TreeSet<>()).add(rs.getLong(2));
        }
      }
    }
    Evaluation evaluation = null;
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT state, since_ns, at_ns, evaluation_count, member_id FROM evaluations"
                + " WHERE check_id = ?")) {
      s.setString(1, checkId);
      try (ResultSet rs = s.executeQuery()) {
        if (rs.next()) {
          evaluation =
              new Evaluation(
                  State.valueOf(rs.getString(1)),
                  instant(rs.getLong(2)),
                  instant(rs.getLong(3)),
                  rs.getLong(4),
                  rs.getString(5));
        }
      }
    }
    Map<String, List<Interval>> history = new TreeMap<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT location, start_ns, end_ns, state FROM location_intervals WHERE check_id = ?"
                + " AND start_ns >= ? ORDER BY location, start_ns")) {
      s.setString(1, checkId);
      s.setLong(2, from == Long.MIN_VALUE ? from : LocationHistory.floorHour(from));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          history
              .computeIfAbsent(rs.getString(1), l -> new ArrayList<>())
              .add(
                  new Interval(
                      instant(rs.getLong(2)),
                      instant(rs.getLong(3)),
                      State.valueOf(rs.getString(4))));
        }
      }
    }
    if (results.isEmpty() && sequences.isEmpty() && evaluation == null && history.isEmpty()) {
      return null;
    }
    Map<String, AppliedSequences> agents = new TreeMap<>();
    sequences.forEach((agent, seqs) -> agents.put(agent, sequencesOf(seqs)));
    CheckLog log = CheckLog.restore(checkId, results, agents, evaluation);
    history.forEach(log::restoreHistory);
    if (from != Long.MIN_VALUE) {
      log.restoreCuts(from, Long.MIN_VALUE, Long.MIN_VALUE, List.of());
    }
    return log;
  }

  /**
   * Consumed sequences from the stored ones, holding at most {@link AppliedSequences#MAX_ABOVE}.
   */
  static AppliedSequences sequencesOf(TreeSet<Long> stored) {
    long[] all = stored.stream().mapToLong(Long::longValue).filter(s -> s > 0).toArray();
    int keep = Math.min(all.length, AppliedSequences.MAX_ABOVE);
    long watermark = keep < all.length ? all[all.length - keep - 1] : 0;
    long[] above = new long[keep];
    System.arraycopy(all, all.length - keep, above, 0, keep);
    return new AppliedSequences(watermark, above);
  }

  static ProbeResult readResult(String checkId, ResultSet rs) throws SQLException {
    String kind = rs.getString(7);
    Failure failure =
        kind == null
            ? null
            : new Failure(FailureKind.valueOf(kind), rs.getString(8), rs.getString(9));
    Map<String, Double> phases = new LinkedHashMap<>();
    String phasesJson = rs.getString(11);
    if (phasesJson != null) {
      new JsonObject(phasesJson)
          .forEach(e -> phases.put(e.getKey(), ((Number) e.getValue()).doubleValue()));
    }
    String diagnostics = rs.getString(12);
    return new ProbeResult(
        rs.getString(1),
        rs.getLong(2),
        checkId,
        rs.getString(3),
        instant(rs.getLong(4)),
        rs.getLong(5),
        rs.getBoolean(6),
        failure,
        rs.getInt(10),
        phases,
        diagnostics == null ? null : new JsonObject(diagnostics));
  }

  /** The ids of the checks that have anything stored. */
  public Set<String> checkIds() throws SQLException {
    Set<String> ids = new LinkedHashSet<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT check_id FROM evaluations UNION SELECT DISTINCT check_id FROM results"
                    + " UNION SELECT DISTINCT check_id FROM refused_sequences"
                    + " UNION SELECT DISTINCT check_id FROM location_intervals");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    return ids;
  }

  /** Deletes everything stored about {@code checkIds}, roll-ups and history included. */
  public void delete(Collection<String> checkIds) throws SQLException {
    if (checkIds.isEmpty()) {
      return;
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        for (String table :
            List.of(
                "results",
                "refused_sequences",
                "evaluations",
                "rollups",
                "rollups_hourly",
                "location_intervals")) {
          try (PreparedStatement s =
              c.prepareStatement("DELETE FROM " + table + " WHERE check_id = ?")) {
            for (String id : checkIds) {
              s.setString(1, id);
              s.addBatch();
            }
            s.executeBatch();
          }
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /**
   * The roll-ups of {@code checkId} that start in {@code [from, to)}, by start then location: per
   * minute, and per hour where the minutes were rolled into hours (after 30 days).
   */
  public List<Rollup> rollups(String checkId, Instant from, Instant to) throws SQLException {
    List<Rollup> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT location, minute_epoch_s, total, failed, 60 FROM rollups"
                    + " WHERE check_id = ? AND minute_epoch_s >= ? AND minute_epoch_s < ?"
                    + " UNION ALL SELECT location, hour_epoch_s, total, failed, 3600"
                    + " FROM rollups_hourly"
                    + " WHERE check_id = ? AND hour_epoch_s >= ? AND hour_epoch_s < ?"
                    + " ORDER BY 2, 1, 5")) {
      for (int i = 0; i < 2; i++) {
        s.setString(3 * i + 1, checkId);
        s.setLong(3 * i + 2, ceilSeconds(from));
        s.setLong(3 * i + 3, ceilSeconds(to));
      }
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(
              new Rollup(
                  checkId,
                  rs.getString(1),
                  Instant.ofEpochSecond(rs.getLong(2)),
                  rs.getInt(3),
                  rs.getInt(4),
                  Duration.ofSeconds(rs.getLong(5))));
        }
      }
    }
    return out;
  }

  private static long ceilSeconds(Instant t) {
    return t.getNano() == 0 ? t.getEpochSecond() : t.getEpochSecond() + 1;
  }

  /** Nanoseconds since the epoch; exact from 1677 to 2262. */
  static long nanos(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), NANOS_PER_SECOND), t.getNano());
  }

  static Instant instant(long nanos) {
    return Instant.ofEpochSecond(
        Math.floorDiv(nanos, NANOS_PER_SECOND), Math.floorMod(nanos, NANOS_PER_SECOND));
  }
}
