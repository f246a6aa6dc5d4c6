package io.nines.store.jdbc.internal;

import io.nines.availability.Interval;
import io.nines.availability.State;
import io.nines.common.Checks;
import io.nines.common.ProbeResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Reads what a hot {@code CheckLog} no longer holds from the database: raw results of a time range,
 * the newest results before an instant, and timeline history of a time range (the rows of {@code
 * location_intervals}, which the checks map's store writes hour by hour).
 *
 * <p>Blocking: call it on a worker pool, never on an event loop. Thread-safe; each call takes a
 * connection from the pool and returns it.
 */
public final class ColdReads {
  private static final String COLUMNS =
      "SELECT agent_id, seq, location, started_at_ns, duration_ms, ok, failure_kind,"
          + " failure_step, failure_message, attempts, phases, diagnostics FROM results";

  private final DataSource dataSource;

  public ColdReads(DataSource dataSource) {
    this.dataSource = Checks.notNull(dataSource, "dataSource");
  }

  /** The results of {@code checkId} that ran in {@code [from, to)}, in no particular order. */
  public List<ProbeResult> results(String checkId, Instant from, Instant to) throws SQLException {
    return query(
        COLUMNS + " WHERE check_id = ? AND started_at_ns >= ? AND started_at_ns < ?",
        checkId,
        CheckRepository.nanos(from),
        CheckRepository.nanos(to),
        -1);
  }

  /**
   * Up to {@code limit} results of {@code checkId} that ran in {@code [from, to)}, newest first (by
   * start time only: ties come in no particular order).
   */
  public List<ProbeResult> newest(String checkId, Instant from, Instant to, int limit)
      throws SQLException {
    return query(
        COLUMNS
            + " WHERE check_id = ? AND started_at_ns >= ? AND started_at_ns < ?"
            + " ORDER BY started_at_ns DESC",
        checkId,
        CheckRepository.nanos(from),
        CheckRepository.nanos(to),
        limit);
  }

  /**
   * Each location's stretches of history within {@code [from, to)}, clipped to it, in order;
   * locations with none are absent.
   */
  public Map<String, List<Interval>> history(String checkId, Instant from, Instant to)
      throws SQLException {
    Map<String, List<Interval>> out = new LinkedHashMap<>();
    long f = CheckRepository.nanos(from);
    long t = CheckRepository.nanos(to);
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT location, start_ns, end_ns, state FROM location_intervals"
                    + " WHERE check_id = ? AND start_ns < ? AND end_ns > ?"
                    + " ORDER BY location, start_ns")) {
      c.setReadOnly(true);
      s.setString(1, checkId);
      s.setLong(2, t);
      s.setLong(3, f);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          long start = Math.max(f, rs.getLong(2));
          long end = Math.min(t, rs.getLong(3));
          if (end > start) {
            out.computeIfAbsent(rs.getString(1), l -> new ArrayList<>())
                .add(
                    new Interval(
                        CheckRepository.instant(start),
                        CheckRepository.instant(end),
                        State.valueOf(rs.getString(4))));
          }
        }
      }
    }
    return out;
  }

  private List<ProbeResult> query(String sql, String checkId, long from, long to, int limit)
      throws SQLException {
    List<ProbeResult> out = new ArrayList<>();
    if (limit == 0 || to <= from) {
      return out;
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      c.setReadOnly(true);
      s.setString(1, checkId);
      s.setLong(2, from);
      s.setLong(3, to);
      if (limit > 0) {
        s.setMaxRows(limit);
      }
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(CheckRepository.readResult(checkId, rs));
        }
      }
    }
    return out;
  }
}
