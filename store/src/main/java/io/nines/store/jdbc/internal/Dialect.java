package io.nines.store.jdbc.internal;

/**
 * The statements that differ between H2 and PostgreSQL: idempotent inserts and upserts. H2's {@code
 * MERGE ... KEY} and PostgreSQL's {@code ON CONFLICT} do the same thing here; everything else is
 * plain SQL shared by both. Public only so that {@link ResultWriter} can be made outside this
 * package (benchmarks, the write-through layer); not an API.
 */
public enum Dialect {
  H2(
      "INSERT INTO results (check_id, agent_id, seq, location, started_at_ns, duration_ms, ok,"
          + " failure_kind, failure_step, failure_message, attempts, phases, diagnostics)"
          + " SELECT CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS BIGINT),"
          + " CAST(? AS VARCHAR), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BOOLEAN),"
          + " CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS INTEGER),"
          + " CAST(? AS VARCHAR), CAST(? AS VARCHAR) FROM DUAL WHERE NOT EXISTS"
          + " (SELECT 1 FROM results WHERE check_id = ? AND agent_id = ? AND seq = ?)",
      true,
      "MERGE INTO refused_sequences (check_id, agent_id, seq, recorded_at_ns)"
          + " KEY (check_id, agent_id, seq) VALUES (?, ?, ?, ?)",
      "MERGE INTO evaluations t USING (SELECT CAST(? AS VARCHAR) check_id,"
          + " CAST(? AS VARCHAR) state, CAST(? AS BIGINT) since_ns, CAST(? AS BIGINT) at_ns,"
          + " CAST(? AS BIGINT) evaluation_count, CAST(? AS VARCHAR) member_id) s"
          + " ON t.check_id = s.check_id"
          + " WHEN MATCHED AND s.evaluation_count >= t.evaluation_count THEN UPDATE SET"
          + " state = s.state, since_ns = s.since_ns, at_ns = s.at_ns,"
          + " evaluation_count = s.evaluation_count, member_id = s.member_id"
          + " WHEN NOT MATCHED THEN INSERT (check_id, state, since_ns, at_ns, evaluation_count,"
          + " member_id) VALUES (s.check_id, s.state, s.since_ns, s.at_ns, s.evaluation_count,"
          + " s.member_id)",
      "MERGE INTO rollups (check_id, location, minute_epoch_s, total, failed)"
          + " KEY (check_id, location, minute_epoch_s)"
          + " SELECT CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS BIGINT), COUNT(*),"
          + " COALESCE(SUM(CASE WHEN ok THEN 0 ELSE 1 END), 0) FROM results"
          + " WHERE check_id = ? AND location = ? AND started_at_ns >= ? AND started_at_ns < ?",
      "MERGE INTO rollups t USING (SELECT CAST(? AS VARCHAR) check_id,"
          + " CAST(? AS VARCHAR) location, CAST(? AS BIGINT) minute_epoch_s,"
          + " CAST(? AS INTEGER) total, CAST(? AS INTEGER) failed) s"
          + " ON t.check_id = s.check_id AND t.location = s.location"
          + " AND t.minute_epoch_s = s.minute_epoch_s"
          + " WHEN MATCHED THEN UPDATE SET total = t.total + s.total, failed = t.failed + s.failed"
          + " WHEN NOT MATCHED THEN INSERT (check_id, location, minute_epoch_s, total, failed)"
          + " VALUES (s.check_id, s.location, s.minute_epoch_s, s.total, s.failed)",
      "MERGE INTO documents (kind, doc_key, body, updated_at_ms) KEY (kind, doc_key)"
          + " VALUES (?, ?, ?, ?)"),
  POSTGRESQL(
      "INSERT INTO results (check_id, agent_id, seq, location, started_at_ns, duration_ms, ok,"
          + " failure_kind, failure_step, failure_message, attempts, phases, diagnostics)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
      false,
      "INSERT INTO refused_sequences (check_id, agent_id, seq, recorded_at_ns)"
          + " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
      "INSERT INTO evaluations (check_id, state, since_ns, at_ns, evaluation_count, member_id)"
          + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (check_id) DO UPDATE SET"
          + " state = EXCLUDED.state, since_ns = EXCLUDED.since_ns, at_ns = EXCLUDED.at_ns,"
          + " evaluation_count = EXCLUDED.evaluation_count, member_id = EXCLUDED.member_id"
          + " WHERE evaluations.evaluation_count <= EXCLUDED.evaluation_count",
      "INSERT INTO rollups (check_id, location, minute_epoch_s, total, failed)"
          + " SELECT CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS BIGINT), COUNT(*),"
          + " COALESCE(SUM(CASE WHEN ok THEN 0 ELSE 1 END), 0) FROM results"
          + " WHERE check_id = ? AND location = ? AND started_at_ns >= ? AND started_at_ns < ?"
          + " ON CONFLICT (check_id, location, minute_epoch_s) DO UPDATE SET"
          + " total = EXCLUDED.total, failed = EXCLUDED.failed",
      "INSERT INTO rollups (check_id, location, minute_epoch_s, total, failed)"
          + " VALUES (?, ?, ?, ?, ?)"
          + " ON CONFLICT (check_id, location, minute_epoch_s) DO UPDATE SET"
          + " total = rollups.total + EXCLUDED.total, failed = rollups.failed + EXCLUDED.failed",
      "INSERT INTO documents (kind, doc_key, body, updated_at_ms) VALUES (?, ?, ?, ?)"
          + " ON CONFLICT (kind, doc_key) DO UPDATE SET body = EXCLUDED.body,"
          + " updated_at_ms = EXCLUDED.updated_at_ms");

  /**
   * Inserts a result unless one with its key exists: 13 parameters in column order, then (when
   * {@link #resultKeyAgain}) its key once more. Its update count is 1 when it inserted, 0 when the
   * result was there already.
   */
  final String insertResult;

  /** Whether {@link #insertResult} takes check, agent and sequence again as parameters 14-16. */
  final boolean resultKeyAgain;

  /** Inserts a refused sequence unless present: check, agent, seq, recorded_at_ns. */
  final String insertRefused;

  /**
   * Inserts an evaluation, or replaces the stored one unless that has a higher count: check, state,
   * since_ns, at_ns, count, member.
   */
  final String upsertEvaluation;

  /**
   * Recomputes one roll-up from the raw results: check, location, minute_epoch_s, then check,
   * location, from_ns, to_ns.
   */
  final String upsertRollup;

  /**
   * Adds counts to one roll-up (creating it): check, location, minute_epoch_s, total, failed. Only
   * for results that {@link #insertResult} inserted in the same transaction, so that writing a
   * result twice counts it once.
   */
  final String addToRollup;

  /** Inserts or replaces a document: kind, key, body, updated_at_ms. */
  final String upsertDocument;

  Dialect(
      String insertResult,
      boolean resultKeyAgain,
      String insertRefused,
      String upsertEvaluation,
      String upsertRollup,
      String addToRollup,
      String upsertDocument) {
    this.insertResult = insertResult;
    this.resultKeyAgain = resultKeyAgain;
    this.addToRollup = addToRollup;
    this.insertRefused = insertRefused;
    this.upsertEvaluation = upsertEvaluation;
    this.upsertRollup = upsertRollup;
    this.upsertDocument = upsertDocument;
  }

  /** The dialect of a JDBC URL: {@code jdbc:h2:...} or {@code jdbc:postgresql:...}. */
  public static Dialect ofUrl(String url) {
    if (url.startsWith("jdbc:h2:")) {
      return H2;
    }
    if (url.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    throw new IllegalArgumentException(
        "url: not an H2 or PostgreSQL URL (expected: jdbc:h2:... or jdbc:postgresql://...)");
  }
}
