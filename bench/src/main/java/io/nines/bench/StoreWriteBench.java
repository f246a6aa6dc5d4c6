package io.nines.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nines.common.Failure;
import io.nines.common.FailureKind;
import io.nines.common.ProbeResult;
import io.nines.common.TimeSource;
import io.nines.store.checklog.CheckLog;
import io.nines.store.checklog.PendingChange;
import io.nines.store.jdbc.Database;
import io.nines.store.jdbc.DatabaseOptions;
import io.nines.store.jdbc.internal.CheckRepository;
import io.nines.store.jdbc.internal.ResultWriter;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * How many raw results/s the database layer writes, without HTTP or Hazelcast in front: batches of
 * {@code --batch} results (spread over {@code --checks} checks, one agent each, in one location)
 * written one after the other on one connection until {@code --total} rows, into a fresh schema of
 * the database at {@code --url}.
 *
 * <p>Modes: {@code repository} ({@code CheckRepository.write}: the results, their minutes'
 * roll-ups, one evaluation per check, in one transaction, as the write-behind does), {@code writer}
 * ({@code ResultWriter.insert}, the raw insert alone, each batch committed), {@code batch} (the raw
 * insert as a plain JDBC batch of one-row {@code INSERT ... ON CONFLICT DO NOTHING}, each batch
 * committed: what V4 did, for comparison).
 *
 * <p>Prints one JSON line: mode, rows, seconds, rows/s, and CPU per row of the database server's
 * process serving the one connection (read from /proc, so only for a server on this machine) and of
 * this JVM: on a busy machine, the CPU cost per row is the steadier figure. With {@code --keep
 * true} the schema stays (its name goes to stderr), to measure the rows' size.
 *
 * <p>Usage: {@code StoreWriteBench --url jdbc:postgresql://127.0.0.1:5432/db --user postgres --mode
 * writer --batch 500 --total 200000 --checks 100}
 */
public final class StoreWriteBench {
  private StoreWriteBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    String base = a.getOrDefault("url", "jdbc:postgresql://127.0.0.1:5432/postgres");
    String user = a.getOrDefault("user", "postgres");
    String mode = a.getOrDefault("mode", "writer");
    int batch = Integer.parseInt(a.getOrDefault("batch", "500"));
    int total = Integer.parseInt(a.getOrDefault("total", "200000"));
    int checks = Integer.parseInt(a.getOrDefault("checks", "100"));
    boolean keep = Boolean.parseBoolean(a.getOrDefault("keep", "false"));

    String url = base;
    String schema = null;
    if (base.startsWith("jdbc:postgresql:")) {
      schema = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
      try (Connection c = DriverManager.getConnection(base, user, "");
          Statement s = c.createStatement()) {
        s.execute("CREATE SCHEMA " + schema);
      }
      url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }
    DatabaseOptions options =
        DatabaseOptions.builder()
            .url(url)
            .user(base.startsWith("jdbc:postgresql:") ? user : "")
            .poolSize(2) // Flyway needs two; the CPU time of both server processes is measured
            .build();
    try (Database db = Database.open(options, new SimpleMeterRegistry(), TimeSource.SYSTEM)) {
      CheckRepository repository = new CheckRepository(db.dataSource(), url);
      Instant start = TimeSource.SYSTEM.now().minus(Duration.ofMinutes(30));
      long[] seq = new long[checks];
      long rows = 0;
      long[] serverPids = serverPids(db);
      long serverCpuBefore = serverCpuNanos(serverPids);
      long clientCpuBefore = clientCpuNanos();
      long began = System.nanoTime();
      int n = 0;
      while (rows < total) {
        List<ProbeResult> results = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
          int check = (n + i) % checks;
          long s = ++seq[check];
          Instant at = start.plusMillis(s * 1000 + check);
          results.add(result("agent-" + check, s, "c" + check, at, (s % 17) != 0));
        }
        n += batch;
        switch (mode) {
          case "repository" -> repository.write(changes(results));
          case "writer" -> {
            try (Connection c = db.dataSource().getConnection()) {
              c.setAutoCommit(false);
              new ResultWriter(writerDialect(url)).insert(c, results);
              c.commit();
            }
          }
          case "copy" -> {
            try (Connection c = db.dataSource().getConnection()) {
              c.setAutoCommit(false);
              copyThenInsert(c, results);
              c.commit();
            }
          }
          case "values" -> {
            try (Connection c = db.dataSource().getConnection()) {
              c.setAutoCommit(false);
              multiRowValues(c, results);
              c.commit();
            }
          }
          case "batch" -> {
            try (Connection c = db.dataSource().getConnection()) {
              c.setAutoCommit(false);
              plainBatch(c, results);
              c.commit();
            }
          }
          default ->
              throw new IllegalArgumentException(
                  "--mode: " + mode + " (expected: repository, writer, copy, values or batch)");
        }
        rows += results.size();
      }
      double seconds = (System.nanoTime() - began) / 1e9;
      long serverCpu = serverCpuNanos(serverPids) - serverCpuBefore;
      long clientCpu = clientCpuNanos() - clientCpuBefore;
      System.out.println(
          new JsonObject()
              .put("mode", mode)
              .put("database", base.startsWith("jdbc:h2:") ? "h2" : "postgresql")
              .put("batch", batch)
              .put("rows", rows)
              .put("seconds", Math.round(seconds * 100) / 100.0)
              .put("rowsPerSecond", Math.round(rows / seconds))
              .put(
                  "serverCpuMicrosPerRow",
                  serverPids.length == 0 ? null : serverCpu / 1000.0 / rows)
              .put("clientCpuMicrosPerRow", clientCpu / 1000.0 / rows)
              .encode());
    } finally {
      if (schema != null && keep) {
        System.err.println("kept schema " + schema);
      } else if (schema != null) {
        try (Connection c = DriverManager.getConnection(base, user, "");
            Statement s = c.createStatement()) {
          s.execute("DROP SCHEMA " + schema + " CASCADE");
        }
      }
    }
  }

  /** The PostgreSQL server processes of the pool's two connections; none on H2. */
  private static long[] serverPids(Database db) throws Exception {
    if (!db.options().url().startsWith("jdbc:postgresql:")) {
      return new long[0];
    }
    try (Connection a = db.dataSource().getConnection();
        Connection b = db.dataSource().getConnection()) {
      return new long[] {serverPid(a), serverPid(b)};
    }
  }

  private static long serverPid(Connection c) throws Exception {
    try (Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * CPU time (user + system) of a local process from /proc, in ns; 0 where it can't be read (a
   * remote server). Linux counts it in clock ticks of 10 ms.
   */
  private static long serverCpuNanos(long[] pids) {
    long sum = 0;
    for (long pid : pids) {
      try {
        String stat =
            java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        sum += (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
      } catch (java.io.IOException | RuntimeException e) {
        // not on this machine, or gone: counts nothing
      }
    }
    return sum;
  }

  /** This JVM's CPU time, JIT and GC included, in ns. */
  private static long clientCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static io.nines.store.jdbc.internal.Dialect writerDialect(String url) {
    return io.nines.store.jdbc.internal.Dialect.ofUrl(url);
  }

  private static List<PendingChange> changes(List<ProbeResult> results) {
    Map<String, List<ProbeResult>> byCheck = new LinkedHashMap<>();
    for (ProbeResult r : results) {
      byCheck.computeIfAbsent(r.checkId(), k -> new ArrayList<>()).add(r);
    }
    List<PendingChange> changes = new ArrayList<>();
    byCheck.forEach(
        (check, rs) ->
            changes.add(
                new PendingChange(
                    check,
                    new CheckLog.Change(rs, List.of(), Instant.EPOCH, null),
                    rs.get(rs.size() - 1).startedAt())));
    return changes;
  }

  private static ProbeResult result(String agent, long seq, String check, Instant at, boolean ok) {
    return new ProbeResult(
        agent,
        seq,
        check,
        "eu",
        at,
        120 + seq % 50,
        ok,
        ok
            ? null
            : new Failure(FailureKind.HTTP_STATUS, "get", "status was 503 but it must be 200"),
        1,
        Map.of("dns", 1.5, "connect", 3.25, "tls", 12.0, "firstByte", 80.5, "total", 120.0),
        null);
  }

  /** COPY into a temporary table, then one insert-select; returns how many rows were new. */
  private static int copyThenInsert(Connection c, List<ProbeResult> results) throws Exception {
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TEMPORARY TABLE IF NOT EXISTS results_in (LIKE results)"
              + " ON COMMIT DELETE ROWS");
    }
    StringBuilder text = new StringBuilder(results.size() * 160);
    for (ProbeResult r : results) {
      Failure f = r.failure();
      text.append(copyText(r.checkId())).append('\t');
      text.append(copyText(r.agentId())).append('\t');
      text.append(r.sequence()).append('\t');
      text.append(copyText(r.location())).append('\t');
      text.append(r.startedAt().getEpochSecond() * 1_000_000_000L + r.startedAt().getNano());
      text.append('\t').append(r.durationMillis()).append('\t');
      text.append(r.ok() ? 't' : 'f').append('\t');
      text.append(f == null ? "\\N" : copyText(f.kind().name())).append('\t');
      text.append(f == null ? "\\N" : copyText(f.step())).append('\t');
      text.append(f == null ? "\\N" : copyText(f.message())).append('\t');
      text.append(r.attempts()).append('\t');
      text.append(copyText(new JsonObject(new LinkedHashMap<>(r.phasesMillis())).encode()));
      text.append('\t');
      text.append(r.diagnostics() == null ? "\\N" : copyText(r.diagnostics().encode()));
      text.append('\n');
    }
    org.postgresql.copy.CopyManager copy = c.unwrap(org.postgresql.PGConnection.class).getCopyAPI();
    copy.copyIn("COPY results_in FROM STDIN", new java.io.StringReader(text.toString()));
    int inserted = 0;
    try (Statement s = c.createStatement();
        java.sql.ResultSet rs =
            s.executeQuery(
                "INSERT INTO results SELECT * FROM results_in ON CONFLICT DO NOTHING"
                    + " RETURNING check_id, agent_id, seq, started_at_ns")) {
      while (rs.next()) {
        inserted++;
      }
    }
    return inserted;
  }

  private static String copyText(String v) {
    if (v == null) {
      return "\\N";
    }
    return v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
  }

  /** One multi-row INSERT ... VALUES per batch; returns how many rows were new. */
  private static int multiRowValues(Connection c, List<ProbeResult> results) throws Exception {
    StringBuilder sql =
        new StringBuilder(
            "INSERT INTO results (check_id, agent_id, seq, location, started_at_ns, duration_ms,"
                + " ok, failure_kind, failure_step, failure_message, attempts, phases,"
                + " diagnostics) VALUES ");
    for (int i = 0; i < results.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    }
    sql.append(" ON CONFLICT DO NOTHING RETURNING check_id, agent_id, seq, started_at_ns");
    int inserted = 0;
    try (PreparedStatement s = c.prepareStatement(sql.toString())) {
      int p = 0;
      for (ProbeResult r : results) {
        Failure f = r.failure();
        s.setString(++p, r.checkId());
        s.setString(++p, r.agentId());
        s.setLong(++p, r.sequence());
        s.setString(++p, r.location());
        s.setLong(++p, r.startedAt().getEpochSecond() * 1_000_000_000L + r.startedAt().getNano());
        s.setLong(++p, r.durationMillis());
        s.setBoolean(++p, r.ok());
        s.setString(++p, f == null ? null : f.kind().name());
        s.setString(++p, f == null ? null : f.step());
        s.setString(++p, f == null ? null : f.message());
        s.setInt(++p, r.attempts());
        s.setString(++p, new JsonObject(new LinkedHashMap<>(r.phasesMillis())).encode());
        s.setString(++p, r.diagnostics() == null ? null : r.diagnostics().encode());
      }
      try (java.sql.ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          inserted++;
        }
      }
    }
    return inserted;
  }

  /** V4's insert: one row per statement, in a JDBC batch. */
  private static void plainBatch(Connection c, List<ProbeResult> results) throws Exception {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO results (check_id, agent_id, seq, location, started_at_ns, duration_ms,"
                + " ok, failure_kind, failure_step, failure_message, attempts, phases,"
                + " diagnostics) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT DO NOTHING")) {
      for (ProbeResult r : results) {
        s.setString(1, r.checkId());
        s.setString(2, r.agentId());
        s.setLong(3, r.sequence());
        s.setString(4, r.location());
        s.setLong(5, r.startedAt().getEpochSecond() * 1_000_000_000L + r.startedAt().getNano());
        s.setLong(6, r.durationMillis());
        s.setBoolean(7, r.ok());
        Failure f = r.failure();
        if (f == null) {
          s.setNull(8, Types.VARCHAR);
          s.setNull(9, Types.VARCHAR);
          s.setNull(10, Types.VARCHAR);
        } else {
          s.setString(8, f.kind().name());
          s.setString(9, f.step());
          s.setString(10, f.message());
        }
        s.setInt(11, r.attempts());
        s.setString(12, new JsonObject(new LinkedHashMap<>(r.phasesMillis())).encode());
        s.setNull(13, Types.VARCHAR);
        s.addBatch();
      }
      int[] counts = s.executeBatch();
      if (Arrays.stream(counts).sum() < 0) {
        throw new IllegalStateException("negative counts");
      }
    }
  }
}
