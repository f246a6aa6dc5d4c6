package io.nines.bench;

import io.nines.availability.Availability;
import io.nines.availability.AvailabilityReport;
import io.nines.availability.DowntimeBudget;
import io.nines.availability.Timeline;
import io.nines.availability.report.FetchedTimelines;
import io.nines.availability.report.FleetTimelines;
import io.nines.common.Failure;
import io.nines.common.FailureKind;
import io.nines.common.ProbeResult;
import io.nines.common.TimeRange;
import io.nines.common.TimeSource;
import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.nines.config.ConfigVersion;
import io.nines.config.DownWhen;
import io.nines.config.Fleet;
import io.nines.config.Service;
import io.nines.config.Settings;
import io.nines.config.Tier;
import io.nines.coordinator.cluster.ClusterMember;
import io.nines.coordinator.cluster.ClusterOptions;
import io.nines.coordinator.query.Queries;
import io.nines.store.checklog.ApplyBatches;
import io.nines.store.results.AppendOutcome;
import io.nines.store.results.HazelcastResultStore;
import io.nines.store.results.ResultStore;
import io.vertx.core.Future;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The cluster benchmark that {@code bench/cluster} runs: the real {@link HazelcastResultStore} on
 * real Hazelcast members, all in this JVM, with simulated time (no clock is read for the data; the
 * stopwatch is {@link System#nanoTime()}).
 *
 * <ol>
 *   <li><b>ingest</b>: results/s through {@link HazelcastResultStore#append} with 1, 2 and 3
 *       members (backup count 1), for {@code ingestSeconds} each: 1,000 checks at 30 s, one
 *       location, batches of {@code batch} results spread over the members, {@code inFlight}
 *       appends outstanding; also the process's CPU time per result (all members share this JVM, so
 *       it is the whole cluster's CPU), the figure that says whether members on their own machines
 *       would add throughput; and the partition operations the members invoked, with the checks
 *       each carried on average ({@code checksPerPartitionOperation}: about 2.2 for batches of 500
 *       over 271 partitions);
 *   <li><b>query90d</b>: one member; service {@code s0000}'s one check ran 90 days at 30 s from one
 *       location (259,200 results, 1 in 200 failing), appended with the simulated clock advancing
 *       and {@code retention.raw} at its default 7 days, so the check holds 7 days of raw results
 *       and its timeline history holds all 90; the 999 other services' checks hold one result each.
 *       Each query does what {@code GET /api/v1/services/{id}/availability} does for a 90-day
 *       window, minus HTTP and JSON: {@link Queries#fetch}, the service timeline, {@link
 *       Availability#report} and the month's {@link DowntimeBudget};
 *   <li><b>heap24h</b>: one member; 24 simulated hours of 1,000 checks at 30 s (2,880,000 results),
 *       fed check by check in appends of 1,440 results ({@code heapFeed=byCheck}, the default) or
 *       tick by tick, 1,000 results per simulated 30 s ({@code heapFeed=ticks}, as agents send them
 *       live, far slower), until done or {@code heapSeconds} passed; heap used after {@code
 *       System.gc()}, minus the heap before feeding, extrapolated linearly to 24 hours when the
 *       feed stopped early.
 * </ol>
 *
 * <p>With a database behind the checks map (an H2 file; the map then holds each check's hot part
 * only): <b>hotheap</b>, cluster heap per check at {@code hotChecks} checks, both copies ({@link
 * #hotHeap}); <b>hotquery</b>, the 90-day query reading closed history from the database ({@link
 * #hotQuery90d}).
 *
 * <p>Two more phases, not run by default: {@code writebehind} and {@code writethrough} ingest into
 * one member with a database, its raw results written behind or written through (see {@code
 * writePath}); on an H2 file, and also on PostgreSQL with {@code postgresUrl=jdbc:postgresql://...}
 * (and {@code postgresUser}). And {@code dbingest}: 1, 2 and 3 members writing through to one
 * PostgreSQL (needs {@code postgresUrl}), with the CPU of the members and of PostgreSQL per result.
 *
 * <p>Arguments are {@code key=value}: {@code phases=ingest,query,heap}, {@code ingestSeconds=15},
 * {@code queries=200}, {@code querySeconds=60}, {@code heapSeconds=60}, {@code batch=500}, {@code
 * inFlight=8}, {@code members=1,2,3} (the cluster sizes of {@code ingest} and {@code dbingest}),
 * {@code warmupTicks=40} (ticks of 1,000 results fed before the ingest phases measure). Prints one
 * JSON line per measurement on stdout.
 */
public final class ClusterBench {
  private static final int CHECKS = 1000;
  private static final Duration EVERY = Duration.ofSeconds(30);
  private static final String LOCATION = "bench-1";

  /** The simulated present of the query phase; the ingest phases start their own clocks. */
  private static final Instant NOW = Instant.parse("2026-06-15T12:00:00Z");

  private final Map<String, String> args;
  private final Fleet fleet = fleet(Duration.ofDays(91));

  /**
   * The query phase's fleet: the default raw retention of 7 days, so that 83 of the 90 days are
   * read from the checks' timeline history, not from raw results.
   */
  private final Fleet queryFleet = fleet(Settings.DEFAULTS.retentionRaw());

  private ClusterBench(Map<String, String> args) {
    this.args = args;
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new LinkedHashMap<>();
    for (String a : argv) {
      int eq = a.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "argument '" + a + "' must be key=value, such as ingestSeconds=15");
      }
      args.put(a.substring(0, eq), a.substring(eq + 1));
    }
    new ClusterBench(args).run();
    System.exit(0);
  }

  private void run() throws Exception {
    List<String> phases = Arrays.asList(arg("phases", "ingest,query,heap").split(","));
    if (phases.contains("ingest")) {
      for (int members : memberCounts()) {
        ingest(members);
      }
    }
    if (phases.contains("dbingest")) {
      for (int members : memberCounts()) {
        dbIngest(members);
      }
    }
    for (String database : databases()) {
      if (phases.contains("writebehind")) {
        writePath(false, database);
      }
      if (phases.contains("writethrough")) {
        writePath(true, database);
      }
    }
    if (phases.contains("query")) {
      query90d();
    }
    if (phases.contains("heap")) {
      heap24h();
    }
    if (phases.contains("hotquery")) {
      hotQuery90d();
    }
    if (phases.contains("hotheap")) {
      hotHeap();
    }
  }

  // ---- phases ----

  private void ingest(int members) throws Exception {
    List<ClusterMember> cluster = startCluster(members);
    try {
      // As dbingest does: until the backups are in sync, writes to a migrating partition can wait
      // past the share's bound (seen at 14:02 UTC under load and a profiler: the warm-up failed).
      awaitSafe(cluster);
      Feeder feeder = new Feeder(cluster, NOW.minus(Duration.ofDays(1)));
      feeder.feedTicks(
          intArg("warmupTicks", 40)); // warm-up: 40,000 results, the JIT and the partitions
      long before = feeder.accepted.get();
      long ops0 = sumCounter(cluster, ApplyBatches.PARTITION_OPERATIONS_KEY);
      long opChecks0 = sumCounter(cluster, ApplyBatches.PARTITION_CHECKS_KEY);
      long cpu0 = processCpuNanos();
      long[] vm0 = vmThreadCpuNanos();
      long t0 = System.nanoTime();
      long deadline = t0 + TimeUnit.SECONDS.toNanos(intArg("ingestSeconds", 15));
      while (System.nanoTime() < deadline && feeder.tick < 2880) {
        feeder.feedTicks(1);
      }
      feeder.drain();
      double seconds = (System.nanoTime() - t0) / 1e9;
      double cpuSeconds = (processCpuNanos() - cpu0) / 1e9;
      long[] vm1 = vmThreadCpuNanos();
      long accepted = feeder.accepted.get() - before;
      long ops = sumCounter(cluster, ApplyBatches.PARTITION_OPERATIONS_KEY) - ops0;
      long opChecks = sumCounter(cluster, ApplyBatches.PARTITION_CHECKS_KEY) - opChecks0;
      print(
          new JsonObject()
              .put("phase", "ingest")
              .put("members", members)
              .put("backupCount", 1)
              .put("batch", intArg("batch", 500))
              .put("inFlight", intArg("inFlight", 8))
              .put("results", accepted)
              .put("seconds", round(seconds))
              .put("resultsPerSecond", Math.round(accepted / seconds))
              .put("cpuSeconds", round(cpuSeconds))
              .put("cpuMicrosPerResult", round(cpuSeconds * 1e6 / accepted))
              .put("jitCpuSeconds", round((vm1[0] - vm0[0]) / 1e9))
              .put("gcCpuSeconds", round((vm1[1] - vm0[1]) / 1e9))
              .put("partitionOperations", ops)
              .put("checksPerPartitionOperation", ops == 0 ? 0 : round((double) opChecks / ops))
              .put("loadAverage", loadAverage()));
    } finally {
      close(cluster);
    }
  }

  /**
   * The sum over the members of the user-context counter {@code key} (a {@code LongAdder}); 0 where
   * a member has none.
   */
  private static long sumCounter(List<ClusterMember> cluster, String key) {
    long n = 0;
    for (ClusterMember m : cluster) {
      if (m.hazelcast().getUserContext().get(key)
          instanceof java.util.concurrent.atomic.LongAdder a) {
        n += a.sum();
      }
    }
    return n;
  }

  /**
   * CPU time (user + system) of this process's JIT compiler threads ([0]) and garbage collector
   * threads ([1]), from /proc/self/task/TID/stat by thread name ({@code C1/C2 CompilerThre...};
   * {@code GC Thread#n}, {@code VM Thread}); clock ticks taken as 100 a second. Zeros where /proc
   * is absent. Part of {@code cpuSeconds}: a short run on a shared machine can spend a sixth of its
   * CPU compiling (2 members, 15 s, 2026-12-07), which a long-running member pays once.
   */
  private static long[] vmThreadCpuNanos() {
    long[] ticks = new long[2];
    java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
    if (tasks == null) {
      return ticks;
    }
    for (java.io.File task : tasks) {
      try {
        String stat = java.nio.file.Files.readString(task.toPath().resolve("stat"));
        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        if (name.contains("CompilerThre")) {
          ticks[0] += t;
        } else if (name.startsWith("GC Thread") || name.equals("VM Thread")) {
          ticks[1] += t;
        }
      } catch (java.io.IOException | RuntimeException e) {
        // the thread ended meanwhile
      }
    }
    return new long[] {ticks[0] * 10_000_000L, ticks[1] * 10_000_000L};
  }

  /**
   * CPU time of this whole process (every member, the feeder and the garbage collector), in
   * nanoseconds: all members share one JVM, so this is the cluster's CPU.
   */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** The machine's 1-minute load average, to say how shared the cores were. */
  private static double loadAverage() {
    return round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  /**
   * Ingest into {@code members} members that write through to one PostgreSQL ({@code postgresUrl},
   * a fresh schema per cluster; each member has its own connection pool, as separate coordinators
   * would): results/s acknowledged, this JVM's CPU per result (the members) and PostgreSQL's (the
   * CPU time of its server processes over the same seconds, read from /proc). Real time, as in
   * {@link #writePath}: the results ran a second before they are sent.
   */
  private void dbIngest(int members) throws Exception {
    if (!args.containsKey("postgresUrl")) {
      throw new IllegalArgumentException(
          "phases=dbingest needs postgresUrl=jdbc:postgresql://host:port/db (and postgresUser)");
    }
    io.nines.store.jdbc.DatabaseOptions dbOptions = databaseOptions("postgresql");
    String name = "nines-bench-" + UUID.randomUUID();
    List<io.nines.store.jdbc.Database> dbs = new ArrayList<>();
    List<ClusterMember> cluster = new ArrayList<>();
    try {
      for (int i = 0; i < members; i++) {
        io.nines.store.jdbc.Database db =
            io.nines.store.jdbc.Database.open(
                dbOptions,
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry(),
                TimeSource.SYSTEM);
        dbs.add(db);
        List<String> seeds = i == 0 ? List.of() : List.of(cluster.get(0).address());
        cluster.add(await(ClusterMember.start(options(name, seeds), vertxOptions(), db, true)));
      }
      awaitSafe(cluster);
      Feeder feeder = new Feeder(cluster, NOW.minus(Duration.ofDays(1)));
      feeder.realTime = true;
      feeder.resendUnavailable = true;
      feeder.feedTicks(intArg("warmupTicks", 40)); // warm-up
      long before = feeder.accepted.get();
      long cpu0 = cpuNanos();
      long[] vm0 = vmThreadCpuNanos();
      long pg0 = postgresCpuNanos();
      long t0 = System.nanoTime();
      long deadline = t0 + TimeUnit.SECONDS.toNanos(intArg("ingestSeconds", 15));
      while (System.nanoTime() < deadline) {
        feeder.feedTicks(1);
      }
      feeder.drain();
      double seconds = (System.nanoTime() - t0) / 1e9;
      double cpuSeconds = (cpuNanos() - cpu0) / 1e9;
      double pgSeconds = (postgresCpuNanos() - pg0) / 1e9;
      long[] vm1 = vmThreadCpuNanos();
      long accepted = feeder.accepted.get() - before;
      print(
          new JsonObject()
              .put("phase", "dbingest")
              .put("members", members)
              .put("database", "postgresql, write-through, a pool per member")
              .put("batch", intArg("batch", 500))
              .put("inFlight", intArg("inFlight", 8))
              .put("results", accepted)
              .put("seconds", round(seconds))
              .put("resultsPerSecond", Math.round(accepted / seconds))
              .put("cpuMicrosPerResult", round(cpuSeconds * 1e6 / accepted))
              .put("postgresCpuMicrosPerResult", round(pgSeconds * 1e6 / accepted))
              .put("jitCpuSeconds", round((vm1[0] - vm0[0]) / 1e9))
              .put("gcCpuSeconds", round((vm1[1] - vm0[1]) / 1e9))
              .put("batchesSentAgain", feeder.resent.get())
              .put("loadAverage", loadAverage()));
    } finally {
      close(cluster);
      for (io.nines.store.jdbc.Database db : dbs) {
        db.close();
      }
    }
  }

  /**
   * CPU time (user + system) of every process on this machine named {@code postgres}, from
   * /proc/PID/stat; clock ticks taken as 100 a second (Linux's USER_HZ). 0 where /proc is absent.
   */
  private static long postgresCpuNanos() {
    long ticks = 0;
    java.io.File[] procs = new java.io.File("/proc").listFiles();
    if (procs == null) {
      return 0;
    }
    for (java.io.File proc : procs) {
      if (!proc.getName().chars().allMatch(Character::isDigit)) {
        continue;
      }
      try {
        String stat = java.nio.file.Files.readString(proc.toPath().resolve("stat"));
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        if (!stat.substring(open + 1, close).startsWith("postgres")) {
          continue;
        }
        String[] f = stat.substring(close + 2).split(" ");
        // after "pid (comm) ": state is f[0]; utime is field 14 of the line, f[11]; stime f[12]
        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
      } catch (java.io.IOException | RuntimeException e) {
        // the process ended meanwhile, or is not ours to read
      }
    }
    return ticks * 10_000_000L;
  }

  /**
   * The databases the write phases run on: an H2 file, and the PostgreSQL at {@code postgresUrl}
   * (user {@code postgresUser}, default postgres) when that argument is given, in a fresh schema.
   */
  private List<String> databases() {
    List<String> out = new ArrayList<>(List.of("h2"));
    if (args.containsKey("postgresUrl")) {
      out.add("postgresql");
    }
    return out;
  }

  private io.nines.store.jdbc.DatabaseOptions databaseOptions(String database) throws Exception {
    io.nines.store.jdbc.DatabaseOptions.Builder b =
        io.nines.store.jdbc.DatabaseOptions.builder().writeDelay(Duration.ofSeconds(1));
    if (database.equals("h2")) {
      return b.url(
              io.nines.store.jdbc.DatabaseOptions.h2Url(
                  java.nio.file.Files.createTempDirectory("nines-bench-wb")))
          .build();
    }
    String base = arg("postgresUrl", "");
    String user = arg("postgresUser", "postgres");
    String schema = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(base, user, "");
        java.sql.Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA " + schema);
    }
    return b.url(base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema)
        .user(user)
        .build();
  }

  /**
   * Ingest into one member with a database ({@code writeDelay} 1 s), its raw results written
   * through before each append is acknowledged ({@code writeThrough}) or written behind by the
   * MapStore with the rest; results/s acknowledged and the process's CPU-seconds per 1,000 of them.
   * Samples the write-behind lag gauge every 100 ms while results arrive (with write-through it is
   * the lag of evaluations and history only); then how long the queue takes to empty once they
   * stop.
   */
  private void writePath(boolean writeThrough, String database) throws Exception {
    io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    io.nines.store.jdbc.Database db =
        io.nines.store.jdbc.Database.open(databaseOptions(database), registry, TimeSource.SYSTEM);
    String name = "nines-bench-" + UUID.randomUUID();
    ClusterMember member =
        await(ClusterMember.start(options(name, List.of()), vertxOptions(), db, writeThrough));
    List<ClusterMember> cluster = List.of(member);
    try {
      Feeder feeder = new Feeder(cluster, NOW.minus(Duration.ofDays(1)));
      // The lag is measured against the system clock, so results carry the real time here.
      feeder.realTime = true;
      feeder.feedTicks(20);
      List<Double> lags = new ArrayList<>();
      long t0 = System.nanoTime();
      long deadline = t0 + TimeUnit.SECONDS.toNanos(intArg("ingestSeconds", 15));
      long before = feeder.accepted.get();
      long cpu0 = cpuNanos();
      long nextSample = t0;
      while (System.nanoTime() < deadline && feeder.tick < 2880) {
        feeder.feedTicks(1);
        if (System.nanoTime() >= nextSample) {
          lags.add(registry.get("nines.store.writebehind.lag").gauge().value());
          nextSample = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        }
      }
      feeder.drain();
      double seconds = (System.nanoTime() - t0) / 1e9;
      double cpuSeconds = (cpuNanos() - cpu0) / 1e9;
      long accepted = feeder.accepted.get() - before;
      long drainStart = System.nanoTime();
      while (registry.get("nines.store.writebehind.queue").gauge().value() > 0
          && System.nanoTime() - drainStart < TimeUnit.SECONDS.toNanos(60)) {
        lags.add(registry.get("nines.store.writebehind.lag").gauge().value());
        Thread.sleep(100);
      }
      double drained = (System.nanoTime() - drainStart) / 1e9;
      List<Double> sorted = new ArrayList<>(lags);
      sorted.sort(null);
      print(
          new JsonObject()
              .put("phase", writeThrough ? "writethrough" : "writebehind")
              .put("members", 1)
              .put(
                  "database",
                  (database.equals("h2") ? "h2 file" : "postgresql") + ", writeDelay 1 s")
              .put("batch", intArg("batch", 500))
              .put("inFlight", intArg("inFlight", 8))
              .put("results", accepted)
              .put("seconds", round(seconds))
              .put("resultsPerSecond", Math.round(accepted / seconds))
              .put("cpuSecondsPer1000", round(cpuSeconds * 1000 / Math.max(1, accepted)))
              .put("lagSamples", sorted.size())
              .put("lagP50Seconds", round(sorted.get(sorted.size() / 2)))
              .put("lagMaxSeconds", round(sorted.get(sorted.size() - 1)))
              .put("queueEmptyAfterSeconds", round(drained)));
    } finally {
      close(cluster);
      db.close();
    }
  }

  private void query90d() throws Exception {
    List<ClusterMember> cluster = startCluster(1);
    try {
      ResultStore store = cluster.get(0).store();
      Instant from = NOW.minus(Duration.ofDays(90));
      long fillStart = System.nanoTime();
      // The queried check: 90 days at 30 s, 2,000 results per append (one check, one partition).
      long seq = 0;
      List<ProbeResult> batch = new ArrayList<>(2000);
      for (Instant t = from; t.isBefore(NOW); t = t.plus(EVERY)) {
        seq++;
        batch.add(result("c0000", seq, t, seq % 200 == 0));
        if (batch.size() == 2000) {
          // Time passes as the results arrive, so raw results leave the 7-day retention and
          // only the check's timeline history keeps their time, as in a cluster that ran 90 days.
          store
              .append(List.copyOf(batch), queryFleet, t.plusSeconds(1))
              .await(60, TimeUnit.SECONDS);
          batch.clear();
        }
      }
      if (!batch.isEmpty()) {
        store.append(List.copyOf(batch), queryFleet, NOW).await(60, TimeUnit.SECONDS);
      }
      // The other 999 checks: one recent result each, so the map holds 1,000 checks.
      List<ProbeResult> others = new ArrayList<>();
      for (int i = 1; i < CHECKS; i++) {
        others.add(result(checkId(i), 1, NOW.minusSeconds(10), false));
      }
      store.append(others, queryFleet, NOW).await(60, TimeUnit.SECONDS);
      long held = store.size().await(60, TimeUnit.SECONDS);
      double fillSeconds = (System.nanoTime() - fillStart) / 1e9;

      Queries queries = new Queries(store);
      Service service = queryFleet.services().get("s0000");
      int n = intArg("queries", 200);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(intArg("querySeconds", 60));
      for (int i = 0; i < 5; i++) {
        query(queries, service); // warm-up
      }
      List<Double> millis = new ArrayList<>();
      double availability = 0;
      while (millis.size() < n && System.nanoTime() < deadline) {
        long q0 = System.nanoTime();
        availability = query(queries, service);
        millis.add((System.nanoTime() - q0) / 1e6);
      }
      millis.sort(Double::compare);
      print(
          new JsonObject()
              .put("phase", "query90d")
              .put("members", 1)
              .put("services", queryFleet.services().size())
              .put("resultsOfQueriedCheck", seq)
              .put("resultsHeld", held)
              .put("fillSeconds", round(fillSeconds))
              .put("path", "timeline history (Queries.fetch -> ResultStore.locationTimelines)")
              .put("retentionRawDays", queryFleet.settings().retentionRaw().toDays())
              .put("queries", millis.size())
              .put("availability90d", availability)
              .put("p50Millis", round(percentile(millis, 0.50)))
              .put("p99Millis", round(percentile(millis, 0.99)))
              .put("maxMillis", round(millis.get(millis.size() - 1))));
    } finally {
      close(cluster);
    }
  }

  /** What the availability endpoint computes for a 90-day window ending now, and the budget. */
  private double query(Queries queries, Service service) throws Exception {
    TimeRange window = new TimeRange(NOW.minus(Duration.ofDays(90)), NOW);
    Fleet f = queryFleet;
    FetchedTimelines results =
        queries.fetch(f.checksOf(service.id()), window).await(60, TimeUnit.SECONDS);
    Timeline timeline = FleetTimelines.serviceTimeline(f, service.id(), window, results);
    AvailabilityReport r =
        Availability.report(timeline, window, FleetTimelines.maintenance(f, service.id(), window));
    DowntimeBudget.asOf(FleetTimelines.targetPercent(f, service), timeline, List.of(), NOW);
    return r.availability();
  }

  private void heap24h() throws Exception {
    List<ClusterMember> cluster = startCluster(1);
    try {
      long baseline = heapUsed();
      Feeder feeder = new Feeder(cluster, NOW.minus(Duration.ofDays(1)));
      long t0 = System.nanoTime();
      long deadline = t0 + TimeUnit.SECONDS.toNanos(intArg("heapSeconds", 60));
      boolean byCheck = !"ticks".equals(arg("heapFeed", "byCheck"));
      if (byCheck) {
        feeder.feedByCheck(deadline);
      } else {
        while (feeder.tick < 2880 && System.nanoTime() < deadline) {
          feeder.feedTicks(1);
        }
      }
      feeder.drain();
      double seconds = (System.nanoTime() - t0) / 1e9;
      long held = cluster.get(0).store().size().await(60, TimeUnit.SECONDS);
      long used = heapUsed();
      long grown = used - baseline;
      double perResult = held == 0 ? 0 : (double) grown / held;
      long fullDay = 2_880_000L;
      print(
          new JsonObject()
              .put("phase", "heap24h")
              .put("feed", byCheck ? "byCheck" : "ticks")
              .put("members", 1)
              .put("checks", CHECKS)
              .put("simulatedHours", round(held * 30.0 / CHECKS / 3600.0))
              .put("resultsHeld", held)
              .put("feedSeconds", round(seconds))
              .put("resultsPerSecond", Math.round(held / seconds))
              .put("heapBaselineMiB", mib(baseline))
              .put("heapUsedMiB", mib(used))
              .put("bytesPerResult", Math.round(perResult))
              .put("extrapolated", held < fullDay)
              .put("heapFor24hMiB", mib(baseline + Math.round(perResult * fullDay)))
              .put(
                  "heapMaxMiB",
                  mib(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax())));
    } finally {
      close(cluster);
    }
  }

  // ---- hot state (issue 16): heap per check with a database behind, 90-day query from it ----

  /**
   * Cluster heap per check with a database behind the checks map, at {@code hotChecks} checks
   * (default {@code 1000,10000,50000}), each run on a new 2-member cluster in this JVM (so both
   * copies, owner and backup, are on this heap) writing behind to a new H2 file. Each check ran
   * {@code hotMinutes} simulated minutes (default 180, at least 10) at 30 s from one location: all
   * but the last 10 minutes in one append (an agent's spool: late results, whose closed hours the
   * database recomputes from the raw rows), then the last 10 minutes in two appends of 5 minutes as
   * of their last result (live), so the hot window is full and the earlier hours are closed and in
   * the database. Measured once the write-behind queues are empty: heap used after {@code
   * System.gc()}, minus the same after {@code evictAll()} of the checks map (owner and backup
   * entries).
   */
  private void hotHeap() throws Exception {
    for (String n : arg("hotChecks", "1000,10000,50000").split(",")) {
      hotHeap(Integer.parseInt(n.trim()));
    }
  }

  private void hotHeap(int checks) throws Exception {
    int minutes = intArg("hotMinutes", 180);
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("nines-bench-hot");
    io.nines.store.jdbc.Database db = openH2(dir);
    Fleet hotFleet = fleet(Settings.DEFAULTS.retentionRaw(), checks);
    List<ClusterMember> cluster = startCluster(2, db);
    try {
      long baseline = heapUsed();
      Instant start = NOW.minus(Duration.ofMinutes(minutes));
      int ticks = Math.max(20, minutes * 2);
      int inFlight = intArg("inFlight", 8);
      Semaphore permits = new Semaphore(inFlight);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      AtomicLong accepted = new AtomicLong();
      long t0 = System.nanoTime();
      int k = 0;
      // Per check: everything but the last 10 minutes in one append (an agent's spool after it
      // was cut off: late results, whose closed hours the database recomputes), then the last 10
      // minutes live, in two appends of 5 minutes each as of their last result.
      int live = 20;
      List<int[]> appends = new ArrayList<>();
      if (ticks > live) {
        appends.add(new int[] {0, ticks - live});
      }
      appends.add(new int[] {ticks - live, ticks - 10});
      appends.add(new int[] {ticks - 10, ticks});
      for (int[] range : appends) {
        for (int i = 0; i < checks; i++) {
          List<ProbeResult> batch = new ArrayList<>(range[1] - range[0]);
          for (int t = range[0]; t < range[1]; t++) {
            batch.add(
                result(checkId(i), t + 1L, start.plus(EVERY.multipliedBy(t)), (t + i) % 200 == 0));
          }
          Instant now = batch.get(batch.size() - 1).startedAt().plusSeconds(1);
          if (failure.get() != null) {
            throw new IllegalStateException("an append failed", failure.get());
          }
          permits.acquire();
          cluster
              .get(k++ % 2)
              .store()
              .append(batch, hotFleet, now)
              .onComplete(
                  ar -> {
                    if (ar.succeeded()) {
                      accepted.addAndGet(ar.result().accepted());
                    } else {
                      failure.compareAndSet(null, ar.cause());
                    }
                    permits.release();
                  });
        }
      }
      permits.acquire(inFlight);
      permits.release(inFlight);
      if (failure.get() != null) {
        throw new IllegalStateException("an append failed", failure.get());
      }
      double feedSeconds = (System.nanoTime() - t0) / 1e9;
      long w0 = System.nanoTime();
      while (dirty(cluster) > 0) {
        Thread.sleep(200);
      }
      double drainSeconds = (System.nanoTime() - w0) / 1e9;
      long held = cluster.get(0).store().size().await(60, TimeUnit.SECONDS);
      long used = heapUsed();
      // The map's own share: the same heap once every entry (owner and backup) is evicted.
      cluster.get(0).hazelcast().getMap(HazelcastResultStore.MAP_NAME).evictAll();
      long evicted = heapUsed();
      long stored = count(db, "results");
      long intervals = count(db, "location_intervals");
      print(
          new JsonObject()
              .put("phase", "hotheap")
              .put("members", 2)
              .put("backupCount", 1)
              .put("database", "h2 file, writeDelay 1 s")
              .put("checks", checks)
              .put("simulatedMinutes", ticks / 2)
              .put("resultsAccepted", accepted.get())
              .put("resultsInDatabase", stored)
              .put("historyRowsInDatabase", intervals)
              .put("resultsHeldInMemory", held)
              .put("feedSeconds", round(feedSeconds))
              .put("writeBehindDrainSeconds", round(drainSeconds))
              .put("heapBaselineMiB", mib(baseline))
              .put("heapUsedMiB", mib(used))
              .put("heapAfterEvictAllMiB", mib(evicted))
              .put("bytesPerCheckBothCopies", Math.round((double) (used - evicted) / checks))
              .put("bytesPerCheckOverBaseline", Math.round((double) (used - baseline) / checks))
              .put("goalBytesPerCheck", 32 * 1024));
    } finally {
      close(cluster);
      db.close();
    }
  }

  /**
   * The 90-day availability query with a database behind the checks map: one member on an H2 file;
   * service {@code s0000}'s check ran 90 days at 30 s from one location, fed in appends of 10
   * results (5 simulated minutes) as of their last result, so its closed hours are in the
   * database's {@code location_intervals} and only the open hours in memory; the 999 other checks
   * hold one result each. Each query is {@link #query} through the read layer ({@code
   * ClusterMember.results()}: the owner's hot part, then the database for the rest).
   */
  private void hotQuery90d() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("nines-bench-hotq");
    io.nines.store.jdbc.Database db = openH2(dir);
    List<ClusterMember> cluster = startCluster(1, db);
    try {
      HazelcastResultStore store = cluster.get(0).store();
      Instant from = NOW.minus(Duration.ofDays(90));
      long fillStart = System.nanoTime();
      long seq = 0;
      List<ProbeResult> batch = new ArrayList<>(10);
      Future<AppendOutcome> last = Future.succeededFuture();
      for (Instant t = from; t.isBefore(NOW); t = t.plus(EVERY)) {
        seq++;
        batch.add(result("c0000", seq, t, seq % 200 == 0));
        if (batch.size() == 10) {
          // One at a time, as one agent's batches of one check arrive.
          AppendOutcome o =
              store
                  .append(List.copyOf(batch), queryFleet, t.plusSeconds(1))
                  .await(60, TimeUnit.SECONDS);
          if (o.accepted() != batch.size()) {
            throw new IllegalStateException("an append of 10 accepted " + o);
          }
          batch.clear();
          if (seq % (2 * 60 * 24) == 0) {
            // A simulated day passed: let the write-behind catch up, as it does in 90 real days.
            // Rushing ahead lets a check's journal hold changes older than retention.raw (7
            // days), which the owner forgets unwritten (CheckLog.apply), and their closed hours
            // would be missing from the database (the 2026-12-07 quiet run: 0.9975, not 0.995).
            awaitWritten(cluster);
          }
        }
      }
      if (!batch.isEmpty()) {
        last = store.append(List.copyOf(batch), queryFleet, NOW);
      }
      last.await(60, TimeUnit.SECONDS);
      List<ProbeResult> others = new ArrayList<>();
      for (int i = 1; i < CHECKS; i++) {
        others.add(result(checkId(i), 1, NOW.minusSeconds(10), false));
      }
      store.append(others, queryFleet, NOW).await(60, TimeUnit.SECONDS);
      awaitWritten(cluster);
      double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
      long held = store.size().await(60, TimeUnit.SECONDS);

      Queries queries = new Queries(cluster.get(0).results());
      Service service = queryFleet.services().get("s0000");
      int n = intArg("queries", 200);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(intArg("querySeconds", 60));
      for (int i = 0; i < 5; i++) {
        query(queries, service);
      }
      List<Double> millis = new ArrayList<>();
      double availability = 0;
      while (millis.size() < n && System.nanoTime() < deadline) {
        long q0 = System.nanoTime();
        availability = query(queries, service);
        millis.add((System.nanoTime() - q0) / 1e6);
      }
      millis.sort(Double::compare);
      print(
          new JsonObject()
              .put("phase", "hotquery90d")
              .put("members", 1)
              .put("database", "h2 file, writeDelay 1 s")
              .put("services", queryFleet.services().size())
              .put("resultsOfQueriedCheck", seq)
              .put("resultsHeldInMemory", held)
              .put("historyRowsInDatabase", count(db, "location_intervals"))
              .put("fillSeconds", round(fillSeconds))
              .put("path", "TieredResultStore.locationTimelines: owner's open hours + database")
              .put("queries", millis.size())
              .put("availability90d", availability)
              .put("p50Millis", round(percentile(millis, 0.50)))
              .put("p99Millis", round(percentile(millis, 0.99)))
              .put("maxMillis", round(millis.get(millis.size() - 1))));
    } finally {
      close(cluster);
      db.close();
    }
  }

  private static io.nines.store.jdbc.Database openH2(java.nio.file.Path dir) {
    return io.nines.store.jdbc.Database.open(
        io.nines.store.jdbc.DatabaseOptions.builder()
            .url(io.nines.store.jdbc.DatabaseOptions.h2Url(dir))
            .writeDelay(Duration.ofSeconds(1))
            .build(),
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry(),
        TimeSource.SYSTEM);
  }

  private static List<ClusterMember> startCluster(int n, io.nines.store.jdbc.Database db) {
    String name = "nines-bench-" + UUID.randomUUID();
    List<ClusterMember> members = new ArrayList<>();
    ClusterMember first = await(ClusterMember.start(options(name, List.of()), vertxOptions(), db));
    members.add(first);
    for (int i = 1; i < n; i++) {
      members.add(
          await(ClusterMember.start(options(name, List.of(first.address())), vertxOptions(), db)));
    }
    return members;
  }

  /**
   * Waits (at most 120 s) until every partition's backups are in sync (Hazelcast's "cluster safe"),
   * as an operator waits after starting members before sending them traffic: until then a write
   * whose backup replica is still syncing is not acknowledged by it and fails after the backup
   * timeout (docs/cluster.md, the stale-backup case), which an agent would send again.
   */
  private static void awaitSafe(List<ClusterMember> cluster) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    for (ClusterMember m : cluster) {
      while (!m.hazelcast().getPartitionService().isClusterSafe()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the cluster was not safe within 120 s");
        }
        Thread.sleep(50);
      }
    }
  }

  /** Waits (at most 120 s) until the write-behind has written every check's changes. */
  private static void awaitWritten(List<ClusterMember> cluster) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (dirty(cluster) > 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the write-behind did not catch up within 120 s");
      }
      Thread.sleep(50);
    }
  }

  /** Checks with changes the write-behind has not written yet, over the members. */
  private static long dirty(List<ClusterMember> cluster) {
    long n = 0;
    for (ClusterMember m : cluster) {
      n +=
          m.hazelcast()
              .getMap(HazelcastResultStore.MAP_NAME)
              .getLocalMapStats()
              .getDirtyEntryCount();
    }
    return n;
  }

  private static long count(io.nines.store.jdbc.Database db, String table) {
    try (java.sql.Connection c = db.dataSource().getConnection();
        java.sql.Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- feeding ----

  /**
   * Feeds 1,000 checks tick by tick: each tick is one simulated 30 s in which every check ran once.
   * Batches go round-robin to the members' stores, at most {@code inFlight} at once.
   */
  private final class Feeder {
    private final List<ClusterMember> cluster;
    private final Instant start;
    private final int batchSize = intArg("batch", 500);
    private final int inFlight = intArg("inFlight", 8);
    private final Semaphore permits;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private int tick;
    private int next;

    /** Each tick's results ran a second ago by the system clock, not in simulated time. */
    boolean realTime;

    /** Sends a batch refused as unavailable again, as an agent does; counted in {@link #resent}. */
    boolean resendUnavailable;

    private final AtomicLong resent = new AtomicLong();

    Feeder(List<ClusterMember> cluster, Instant start) {
      this.cluster = cluster;
      this.start = start;
      this.permits = new Semaphore(inFlight);
    }

    void feedTicks(int ticks) throws Exception {
      for (int k = 0; k < ticks; k++, tick++) {
        Instant at =
            realTime
                ? TimeSource.SYSTEM.now().minusSeconds(1)
                : start.plus(EVERY.multipliedBy(tick));
        Instant now = at.plusSeconds(1);
        List<ProbeResult> batch = new ArrayList<>(batchSize);
        for (int i = 0; i < CHECKS; i++) {
          batch.add(result(checkId(i), tick + 1L, at, (tick + i) % 200 == 0));
          if (batch.size() == batchSize) {
            send(batch, now);
            batch = new ArrayList<>(batchSize);
          }
        }
        if (!batch.isEmpty()) {
          send(batch, now);
        }
      }
    }

    /**
     * Feeds the day check by check: each check's 2,880 results in two appends of 1,440 (as an agent
     * that had been cut off for a day would send them), until the day is done or {@code deadline}
     * ({@link System#nanoTime()}) passes. Every result is appended as of the end of the day.
     */
    void feedByCheck(long deadline) throws Exception {
      Instant now = start.plus(Duration.ofDays(1)).plusSeconds(1);
      for (int i = 0; i < CHECKS && System.nanoTime() < deadline; i++) {
        List<ProbeResult> batch = new ArrayList<>(1440);
        for (int t = 0; t < 2880; t++) {
          batch.add(
              result(checkId(i), t + 1L, start.plus(EVERY.multipliedBy(t)), (t + i) % 200 == 0));
          if (batch.size() == 1440) {
            send(batch, now);
            batch = new ArrayList<>(1440);
          }
        }
      }
    }

    private void send(List<ProbeResult> batch, Instant now) throws Exception {
      if (failure.get() != null) {
        throw new IllegalStateException("an append failed", failure.get());
      }
      permits.acquire();
      attempt(batch, now, 1);
    }

    /**
     * One attempt; with {@link #resendUnavailable}, a batch refused as unavailable (503 to an
     * agent) goes again to the next member, as the agent's shipper does, up to 5 attempts.
     */
    private void attempt(List<ProbeResult> batch, Instant now, int attempt) {
      ResultStore store = cluster.get(Math.floorMod(next++, cluster.size())).results();
      Future<AppendOutcome> f = store.append(batch, fleet, now);
      f.onComplete(
          ar -> {
            if (ar.succeeded()) {
              accepted.addAndGet(ar.result().accepted());
            } else if (resendUnavailable
                && attempt < 5
                && ar.cause() instanceof io.nines.store.StoreUnavailableException) {
              resent.incrementAndGet();
              attempt(batch, now, attempt + 1);
              return;
            } else {
              failure.compareAndSet(null, ar.cause());
            }
            permits.release();
          });
    }

    void drain() throws Exception {
      permits.acquire(inFlight);
      permits.release(inFlight);
      if (failure.get() != null) {
        throw new IllegalStateException("an append failed", failure.get());
      }
    }
  }

  // ---- the fleet and results ----

  /** 1,000 services, each with one check every 30 s from one location; raw results kept 91 days. */
  private static Fleet fleet(Duration retentionRaw) {
    return fleet(retentionRaw, CHECKS);
  }

  /** {@code count} services, each with one check every 30 s from one location. */
  private static Fleet fleet(Duration retentionRaw, int count) {
    Map<String, Service> services = new LinkedHashMap<>();
    List<Check> checks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String s = String.format("s%04d", i);
      services.put(
          s,
          new Service(
              s,
              s,
              Tier.IMPORTANT,
              Tier.IMPORTANT.defaultTargetPercent(),
              List.of(),
              List.of(),
              null));
      checks.add(
          new Check(
              checkId(i),
              s,
              EVERY,
              Duration.ofSeconds(10),
              List.of(LOCATION),
              DownWhen.MAJORITY,
              0,
              new CheckSpec.Tcp("localhost", 80, null, List.of())));
    }
    Settings settings =
        new Settings(
            retentionRaw, Settings.DEFAULTS.retentionRollup(), Settings.DEFAULTS.tierTargets());
    return new Fleet(
        new ConfigVersion("0123456789abcdef0123", Instant.parse("2026-01-01T00:00:00Z")),
        List.of(LOCATION),
        Map.of(),
        services,
        checks,
        List.of(),
        settings,
        Map.of(),
        List.of());
  }

  private static String checkId(int i) {
    return String.format("c%04d", i);
  }

  /** A result of {@code check} by the agent {@code agent-<check>}, with five phases. */
  private static ProbeResult result(String check, long seq, Instant at, boolean failed) {
    Map<String, Double> phases =
        Map.of("dns", 1.0, "connect", 2.5, "tls", 8.0, "firstByte", 40.0, "total", 52.0);
    return new ProbeResult(
        "agent-" + check,
        seq,
        check,
        LOCATION,
        at,
        52,
        !failed,
        failed
            ? new Failure(FailureKind.HTTP_STATUS, null, "status was 503 but it must be 200")
            : null,
        1,
        phases,
        null);
  }

  // ---- the cluster ----

  private static List<ClusterMember> startCluster(int n) {
    String name = "nines-bench-" + UUID.randomUUID();
    List<ClusterMember> members = new ArrayList<>();
    ClusterMember first = await(ClusterMember.start(options(name, List.of()), vertxOptions()));
    members.add(first);
    for (int i = 1; i < n; i++) {
      members.add(
          await(ClusterMember.start(options(name, List.of(first.address())), vertxOptions())));
    }
    for (ClusterMember m : members) {
      if (m.memberCount() != n) {
        throw new IllegalStateException(
            "member " + m.address() + " sees " + m.memberCount() + " members but it must see " + n);
      }
    }
    return members;
  }

  private static ClusterOptions options(String name, List<String> seeds) {
    return ClusterOptions.builder()
        .clusterName(name)
        .host("127.0.0.1")
        .port(0)
        .members(seeds)
        .property("hazelcast.wait.seconds.before.join", "0")
        .property("hazelcast.max.wait.seconds.before.join", "0")
        .build();
  }

  private static VertxOptions vertxOptions() {
    return new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(4);
  }

  private static void close(List<ClusterMember> members) {
    for (int i = members.size() - 1; i >= 0; i--) {
      try {
        members.get(i).close().await(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("closing member " + i + " failed: " + e);
      }
    }
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.await(120, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("a cluster member did not start within 120 s", e);
    }
  }

  // ---- small things ----

  /** CPU time of this process (every thread: the members, the database driver, H2), in ns. */
  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static long heapUsed() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static double percentile(List<Double> sorted, double p) {
    int i = (int) Math.ceil(p * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  private static double round(double d) {
    return Math.round(d * 100) / 100.0;
  }

  private static long mib(long bytes) {
    return bytes / (1024 * 1024);
  }

  /** The cluster sizes the ingest phases run, in order: {@code members=1,2,3} by default. */
  private List<Integer> memberCounts() {
    List<Integer> counts = new ArrayList<>();
    for (String n : arg("members", "1,2,3").split(",")) {
      try {
        int members = Integer.parseInt(n.trim());
        if (members < 1 || members > 9) {
          throw new NumberFormatException();
        }
        counts.add(members);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "members was '"
                + arg("members", "")
                + "' but it must be numbers of 1 to 9, such as 1,2,3");
      }
    }
    return counts;
  }

  private String arg(String key, String fallback) {
    return args.getOrDefault(key, fallback);
  }

  private int intArg(String key, int fallback) {
    String v = args.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " was '" + v + "' but it must be a whole number");
    }
  }

  private static void print(JsonObject line) {
    System.out.println(line.encode());
    System.out.flush();
  }
}
