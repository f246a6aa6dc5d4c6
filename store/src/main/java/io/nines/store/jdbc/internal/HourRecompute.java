package io.nines.store.jdbc.internal;

import io.nines.availability.State;
import io.nines.store.checklog.HourRef;
import io.nines.store.checklog.LocationHistory;
import io.nines.store.checklog.PendingChange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Recomputes closed hours of timeline history from the raw results: what a hot {@code CheckLog}
 * asks for when a late result changes an hour it no longer holds, or when an open hour it changed
 * approximately closes ({@code CheckLog.Change.recompute()}).
 *
 * <p>The hour's stretches are {@code Timelines.forLocation} over the location's raw rows that can
 * reach into it (those that ran from {@code staleAfter} before the hour to its end): each result's
 * state holds from when it ran until the next one ran, for at most {@code staleAfter}, the results
 * ordered as {@code Timelines.BY_START} orders them (by time, a success before a failure at the
 * same instant). The hour's rows of {@code location_intervals} are replaced by them, so recomputing
 * an hour twice ends the same. It runs in the writer's transaction, after the change's results were
 * inserted.
 */
final class HourRecompute {
  private HourRecompute() {}

  /** Recomputes every hour the changes ask for, once each, with the newest staleness asked. */
  static void run(Connection c, Collection<PendingChange> changes) throws SQLException {
    Map<List<Object>, Duration> hours = new LinkedHashMap<>();
    for (PendingChange p : changes) {
      for (HourRef h : p.change().recompute()) {
        List<Object> key = List.of(p.checkId(), h.location(), LocationHistory.nanos(h.hour()));
        hours.remove(key);
        hours.put(key, p.change().staleAfter());
      }
    }
    if (hours.isEmpty()) {
      return;
    }
    try (PreparedStatement select =
            c.prepareStatement(
                "SELECT started_at_ns, ok FROM results WHERE check_id = ? AND location = ?"
                    + " AND started_at_ns >= ? AND started_at_ns < ?");
        PreparedStatement delete =
            c.prepareStatement(
                "DELETE FROM location_intervals WHERE check_id = ? AND location = ?"
                    + " AND start_ns >= ? AND start_ns < ?");
        PreparedStatement insert =
            c.prepareStatement(
                "INSERT INTO location_intervals (check_id, location, start_ns, end_ns, state)"
                    + " VALUES (?, ?, ?, ?, ?)")) {
      int inserts = 0;
      for (Map.Entry<List<Object>, Duration> en : hours.entrySet()) {
        String checkId = (String) en.getKey().get(0);
        String location = (String) en.getKey().get(1);
        long hour = (Long) en.getKey().get(2);
        long end = hour + LocationHistory.HOUR_NANOS;
        long stale = en.getValue().toNanos();
        select.setString(1, checkId);
        select.setString(2, location);
        select.setLong(3, hour - stale);
        select.setLong(4, end);
        List<long[]> raw = new ArrayList<>();
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            raw.add(new long[] {rs.getLong(1), rs.getBoolean(2) ? 0 : 1});
          }
        }
        delete.setString(1, checkId);
        delete.setString(2, location);
        delete.setLong(3, hour);
        delete.setLong(4, end);
        delete.addBatch();
        for (long[] part : stretches(raw, stale, hour, end)) {
          insert.setString(1, checkId);
          insert.setString(2, location);
          insert.setLong(3, part[0]);
          insert.setLong(4, part[1]);
          insert.setString(5, part[2] == 0 ? State.UP.name() : State.DOWN.name());
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

  /**
   * The known stretches within {@code [from, to)} of results {@code {startNanos, 0 for ok / 1 for
   * failed}} (any order), each fresh for {@code staleNanos}: {@code {start, end, 0 up / 1 down}},
   * neighbours of one state merged.
   */
  static List<long[]> stretches(List<long[]> results, long staleNanos, long from, long to) {
    List<long[]> sorted = new ArrayList<>(results);
    sorted.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    List<long[]> out = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) {
      long start = sorted.get(i)[0];
      long end = start + staleNanos;
      if (i + 1 < sorted.size()) {
        end = Math.min(end, sorted.get(i + 1)[0]);
      }
      long s = Math.max(start, from);
      long e = Math.min(end, to);
      if (e <= s) {
        continue;
      }
      long state = sorted.get(i)[1];
      long[] last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && last[1] == s && last[2] == state) {
        last[1] = e;
      } else {
        out.add(new long[] {s, e, state});
      }
    }
    return out;
  }
}
