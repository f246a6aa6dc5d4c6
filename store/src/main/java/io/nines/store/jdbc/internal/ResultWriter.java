package io.nines.store.jdbc.internal;

import io.nines.common.Checks;
import io.nines.common.Failure;
import io.nines.common.ProbeResult;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Inserts raw results in bulk, idempotently: a result whose (check, agent, sequence) is stored
 * already is left as it is (on PostgreSQL, whose partitioned {@code results} table is keyed by
 * (check, agent, sequence, start), a result resent as it was; see V5).
 *
 * <ul>
 *   <li>PostgreSQL: one statement per {@value #CHUNK} results, {@code INSERT ... SELECT FROM
 *       unnest(13 arrays) ON CONFLICT DO NOTHING RETURNING} the keys of the new rows. One round
 *       trip and one plan for any batch size (the SQL text never changes, so the server-side
 *       prepared statement is reused, and no batch meets the 32,767-parameter limit of a multi-row
 *       {@code VALUES}), where a JDBC batch of one-row inserts costs an executor start per row. The
 *       numeric and boolean arrays go in binary. Measured against a JDBC batch, a multi-row {@code
 *       VALUES} and {@code COPY} into a temporary table in bench/RESULTS.md ("Store write"): the
 *       least database CPU per row of the four.
 *   <li>H2: a JDBC batch of one-row {@code INSERT ... SELECT ... WHERE NOT EXISTS}, whose per-row
 *       update counts say which rows were new (H2 runs in process: there is no round trip to save).
 * </ul>
 *
 * <p>Blocking. Runs in the caller's transaction (commits nothing). Thread-safe (stateless).
 */
public final class ResultWriter {
  /** At most this many results go in one statement (bounds the arrays sent at once). */
  static final int CHUNK = 5_000;

  private static final String POSTGRESQL_INSERT =
      "INSERT INTO results (check_id, agent_id, seq, location, started_at_ns, duration_ms, ok,"
          + " failure_kind, failure_step, failure_message, attempts, phases, diagnostics)"
          + " SELECT * FROM unnest(CAST(? AS VARCHAR[]), CAST(? AS VARCHAR[]),"
          + " CAST(? AS BIGINT[]), CAST(? AS VARCHAR[]), CAST(? AS BIGINT[]), CAST(? AS BIGINT[]),"
          + " CAST(? AS BOOLEAN[]), CAST(? AS VARCHAR[]), CAST(? AS VARCHAR[]),"
          + " CAST(? AS VARCHAR[]), CAST(? AS INTEGER[]), CAST(? AS VARCHAR[]),"
          + " CAST(? AS VARCHAR[]))"
          + " ON CONFLICT DO NOTHING RETURNING check_id, agent_id, seq, started_at_ns";

  private final Dialect dialect;

  public ResultWriter(Dialect dialect) {
    this.dialect = Checks.notNull(dialect, "dialect");
  }

  /**
   * Inserts {@code results} that are not stored yet, in the connection's transaction.
   *
   * @return how many rows were new
   * @throws SQLException when the database refuses; roll the transaction back then
   */
  public int insert(Connection c, Collection<ProbeResult> results) throws SQLException {
    int n = 0;
    for (int count : inserted(c, List.copyOf(results))) {
      n += count > 0 ? 1 : 0;
    }
    return n;
  }

  /**
   * {@link #insert}, saying which results were new: one count per result, in order: 1 when it was
   * inserted, 0 when it was stored already, {@link java.sql.Statement#SUCCESS_NO_INFO} when the
   * driver could not tell (then it is stored, but may have been before).
   */
  int[] inserted(Connection c, List<ProbeResult> results) throws SQLException {
    if (results.isEmpty()) {
      return new int[0];
    }
    return dialect == Dialect.POSTGRESQL ? insertUnnest(c, results) : insertBatch(c, results);
  }

  private int[] insertBatch(Connection c, List<ProbeResult> results) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(dialect.insertResult)) {
      for (ProbeResult r : results) {
        CheckRepository.bindResult(s, r);
        if (dialect.resultKeyAgain) {
          s.setString(14, r.checkId());
          s.setString(15, r.agentId());
          s.setLong(16, r.sequence());
        }
        s.addBatch();
      }
      return s.executeBatch();
    }
  }

  private record Key(String checkId, String agentId, long seq, long startedAtNs) {}

  private static int[] insertUnnest(Connection c, List<ProbeResult> results) throws SQLException {
    int[] counts = new int[results.size()];
    try (PreparedStatement s = c.prepareStatement(POSTGRESQL_INSERT)) {
      for (int from = 0; from < results.size(); from += CHUNK) {
        List<ProbeResult> chunk = results.subList(from, Math.min(results.size(), from + CHUNK));
        int n = chunk.size();
        String[] checks = new String[n];
        String[] agents = new String[n];
        long[] seqs = new long[n];
        String[] locations = new String[n];
        long[] started = new long[n];
        long[] durations = new long[n];
        boolean[] oks = new boolean[n];
        String[] kinds = new String[n];
        String[] steps = new String[n];
        String[] messages = new String[n];
        int[] attempts = new int[n];
        String[] phases = new String[n];
        String[] diagnostics = new String[n];
        Map<Key, Integer> index = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
          ProbeResult r = chunk.get(i);
          checks[i] = r.checkId();
          agents[i] = r.agentId();
          seqs[i] = r.sequence();
          locations[i] = r.location();
          started[i] = CheckRepository.nanos(r.startedAt());
          durations[i] = r.durationMillis();
          oks[i] = r.ok();
          Failure f = r.failure();
          kinds[i] = f == null ? null : f.kind().name();
          steps[i] = f == null ? null : f.step();
          messages[i] = f == null ? null : f.message();
          attempts[i] = r.attempts();
          phases[i] = new JsonObject(new LinkedHashMap<>(r.phasesMillis())).encode();
          diagnostics[i] = r.diagnostics() == null ? null : r.diagnostics().encode();
          // Of several equal results in one batch, the first is the one that is inserted.
          index.putIfAbsent(new Key(r.checkId(), r.agentId(), r.sequence(), started[i]), from + i);
        }
        // Primitive arrays go to the server in binary; strings as text arrays.
        Object[] arrays = {
          checks,
          agents,
          seqs,
          locations,
          started,
          durations,
          oks,
          kinds,
          steps,
          messages,
          attempts,
          phases,
          diagnostics
        };
        for (int p = 0; p < arrays.length; p++) {
          s.setObject(p + 1, arrays[p]);
        }
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            Integer at =
                index.get(new Key(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4)));
            if (at != null) {
              counts[at] = 1;
            }
          }
        }
      }
    }
    return counts;
  }
}
