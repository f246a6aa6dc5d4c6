package io.nines.store.jdbc.internal;

import io.nines.common.Checks;
import io.nines.common.Failure;
import io.nines.common.ProbeResult;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.Collection;
import java.util.LinkedHashMap;

/**
 * Inserts raw results into the {@code results} table idempotently: a result whose key {@code
 * (check_id, agent_id, seq)} is there already is left as it is ({@code ON CONFLICT DO NOTHING} on
 * PostgreSQL, an insert guarded by {@code NOT EXISTS} on H2). One JDBC batch per call, in the
 * caller's transaction.
 *
 * <p>Blocking: call it on a worker or a thread of your own, never on an event loop. Stateless and
 * thread-safe; the connection is the caller's.
 */
public final class ResultWriter {
  private final Dialect dialect;

  public ResultWriter(Dialect dialect) {
    this.dialect = Checks.notNull(dialect, "dialect");
  }

  /**
   * Inserts {@code results} on {@code connection}, without committing (the caller owns the
   * transaction). Insert them in a stable order (e.g. by key) when several writers may insert the
   * same keys at once, so that two transactions never wait on each other's rows in opposite order.
   *
   * @param results results to insert; those already stored, and repeats of a key within {@code
   *     results}, add nothing
   * @return how many rows are new: inserted now, not there before
   * @throws SQLException when the database refuses; the transaction should then be rolled back
   */
  public int insert(Connection connection, Collection<ProbeResult> results) throws SQLException {
    Checks.notNull(connection, "connection");
    Checks.notNull(results, "results");
    if (results.isEmpty()) {
      return 0;
    }
    try (PreparedStatement s = connection.prepareStatement(dialect.insertResult)) {
      for (ProbeResult r : results) {
        bind(s, r);
        if (dialect.resultKeyAgain) {
          s.setString(14, r.checkId());
          s.setString(15, r.agentId());
          s.setLong(16, r.sequence());
        }
        s.addBatch();
      }
      int added = 0;
      for (int count : s.executeBatch()) {
        if (count > 0) {
          added += count;
        } else if (count == Statement.SUCCESS_NO_INFO) {
          throw new SQLException(
              "the driver did not report which results were new (Statement.SUCCESS_NO_INFO);"
                  + " expected an update count per row, as H2's and PostgreSQL's drivers give");
        }
      }
      return added;
    }
  }

  private static void bind(PreparedStatement s, ProbeResult r) throws SQLException {
    s.setString(1, r.checkId());
    s.setString(2, r.agentId());
    s.setLong(3, r.sequence());
    s.setString(4, r.location());
    s.setLong(5, CheckRepository.nanos(r.startedAt()));
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
}
