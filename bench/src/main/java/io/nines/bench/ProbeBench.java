package io.nines.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.agent.Agent;
import io.nines.agent.AgentOptions;
import io.nines.common.TimeSource;
import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.nines.config.ConfigVersion;
import io.nines.config.DownWhen;
import io.nines.config.Fleet;
import io.nines.config.HttpOptions;
import io.nines.config.Request;
import io.nines.config.Settings;
import io.nines.config.Template;
import io.nines.config.assertion.AssertionParser;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The agent's half of {@code bench/probe-throughput}: the real agent ({@link Agent}: its probe
 * loops, schedulers, check runner, HTTP probe and shipper) with many http checks against one URL,
 * shipping its results to a sink in this process that acknowledges every batch. Prints one JSON
 * line per measurement on standard output. The sink runs on a Vert.x instance of its own (one event
 * loop), as a coordinator would run in a process of its own; its CPU still counts in the process's.
 * A benchmark, not a test: the build never runs it.
 *
 * <pre>
 * ProbeBench rate   URL TEXT RATE[,RATE...] [warmupSeconds] [seconds]
 * ProbeBench memory URL TEXT CHECKS EVERY_SECONDS SECONDS
 * </pre>
 *
 * <p>{@code rate}: for each offered rate R, R checks every second ({@code body contains "TEXT"}, a
 * new connection per probe); after a warm-up (the first rate) or a 3 s settling time, it counts
 * over {@code seconds}: probes done per second, how many passed, slots skipped, and the scheduling
 * lag's p50 and p99 (from {@code nines.scheduler.lag}'s histogram, so the upper bound of the bucket
 * holding it). Each step runs a new agent; the heap is collected between two steps (see {@link
 * #GC_BETWEEN_STEPS}). Each line also has the measured window's collections ({@code gcPauses}), the
 * old generation's use at its start and end, its JVM uptimes, and how many runs started 50 ms or
 * more late in each 100 ms ({@code lateRunsByUptime}), to set a stall beside a GC log or a flight
 * recording. {@code memory}: schedules CHECKS checks every EVERY_SECONDS, waits SECONDS, and
 * reports the process's resident memory ({@code VmRSS}, {@code VmHWM}).
 */
public final class ProbeBench {
  private ProbeBench() {}

  /**
   * Whether {@code rate} collects the heap between two steps ({@code
   * -Dnines.bench.gcBetweenSteps=false} to not).
   */
  private static final boolean GC_BETWEEN_STEPS =
      Boolean.parseBoolean(System.getProperty("nines.bench.gcBetweenSteps", "true"));

  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      System.err.println(
          "usage: ProbeBench rate URL TEXT RATE[,RATE...] [warmupSeconds] [seconds]\n"
              + "       ProbeBench memory URL TEXT CHECKS EVERY_SECONDS SECONDS");
      System.exit(2);
    }
    Vertx vertx = Vertx.vertx(Agent.vertxOptions());
    // The sink stands for the coordinator, another process: it gets its own event loop, so that
    // taking the posts in does not run on one of the agent's probe loops (with the agent's threads
    // sized to its probe loops, a shared Vert.x put the sink on one of them).
    Vertx sinkVertx =
        Vertx.vertx(
            new io.vertx.core.VertxOptions()
                .setEventLoopPoolSize(1)
                .setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1)
                .setPreferNativeTransport(true));
    AtomicLong sinkBytes = new AtomicLong();
    HttpServer sink =
        await(
            sinkVertx
                .createHttpServer()
                .requestHandler(
                    req ->
                        req.body()
                            .onSuccess(
                                b -> {
                                  sinkBytes.addAndGet(b.length());
                                  req.response()
                                      .putHeader("Content-Type", "application/json")
                                      .end("{}");
                                }))
                .listen(0, "127.0.0.1"));
    String sinkUrl = "http://127.0.0.1:" + sink.actualPort();
    String url = args[1];
    String text = args[2];
    try {
      if (args[0].equals("rate")) {
        List<Integer> rates = new ArrayList<>();
        for (String r : args[3].split(",")) {
          rates.add(Integer.parseInt(r.trim()));
        }
        int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 15;
        int seconds = args.length > 5 ? Integer.parseInt(args[5]) : 10;
        boolean first = true;
        for (int rate : rates) {
          if (!first && GC_BETWEEN_STEPS) {
            // The step before left its whole agent behind (its checks, meters, connections and
            // results), most of it in the old generation by now: collect it here, before this
            // step's agent starts, so that no step pays a full collection for the garbage of
            // the one before it. A long-running agent has no such garbage.
            System.gc();
          }
          JsonObject line =
              rate(vertx, sinkUrl, url, text, rate, first ? warmup : 3, seconds, sinkBytes);
          System.out.println(line.encode());
          System.out.flush();
          first = false;
        }
      } else if (args[0].equals("memory")) {
        int checks = Integer.parseInt(args[3]);
        int every = Integer.parseInt(args[4]);
        int seconds = Integer.parseInt(args[5]);
        System.out.println(memory(vertx, sinkUrl, url, text, checks, every, seconds).encode());
      } else {
        System.err.println("unknown mode '" + args[0] + "' (expected: rate or memory)");
        System.exit(2);
      }
    } finally {
      await(vertx.close());
      await(sinkVertx.close());
    }
  }

  private static JsonObject rate(
      Vertx vertx,
      String sinkUrl,
      String url,
      String text,
      int rate,
      int settleSeconds,
      int seconds,
      AtomicLong sinkBytes)
      throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Agent agent = agent(vertx, sinkUrl, registry, fleet(url, text, rate, Duration.ofSeconds(1)));
    await(agent.start());
    try {
      Thread.sleep(settleSeconds * 1000L);
      Snapshot a = Snapshot.of(registry);
      long t0 = System.nanoTime();
      long cpu0 = processCpuNanos();
      long uptime0 = ManagementFactory.getRuntimeMXBean().getUptime();
      long old0 = oldGenUsedBytes();
      GC_PAUSES.clear();
      JsonObject spikes = new JsonObject();
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      double late = lateRuns(registry);
      // Every 100 ms: how many runs started 50 ms or more late in the last 100 ms, by JVM uptime,
      // so that a stall can be set beside the GC log and a flight recording.
      while (System.nanoTime() < end) {
        Thread.sleep(Math.max(1, Math.min(100, (end - System.nanoTime()) / 1_000_000)));
        double now = lateRuns(registry);
        if (now > late) {
          spikes.put(
              Long.toString(ManagementFactory.getRuntimeMXBean().getUptime()),
              Math.round(now - late));
        }
        late = now;
      }
      Snapshot b = Snapshot.of(registry);
      long uptime1 = ManagementFactory.getRuntimeMXBean().getUptime();
      double elapsed = (System.nanoTime() - t0) / 1e9;
      double cores = (processCpuNanos() - cpu0) / 1e9 / elapsed;
      JsonObject failures = new JsonObject();
      b.failures.forEach(
          (kind, n) -> {
            double d = n - a.failures.getOrDefault(kind, 0.0);
            if (d > 0) {
              failures.put(kind, (long) d);
            }
          });
      return new JsonObject()
          .put("mode", "rate")
          .put("transport", Agent.transportOf(vertx))
          .put("offeredPerSecond", rate)
          .put("probesPerSecond", Math.round((b.results - a.results) / elapsed))
          .put("okPerSecond", Math.round((b.ok - a.ok) / elapsed))
          .put("failures", failures)
          .put("skippedPerSecond", Math.round((b.skipped - a.skipped) / elapsed))
          .put("lagP50Millis", percentile(a.lag, b.lag, 0.50))
          .put("lagP99Millis", percentile(a.lag, b.lag, 0.99))
          .put("skippedByReason", b.skippedByReason)
          .put("probeMeanMillis", meanMillis(registry))
          .put("shippedPerSecond", Math.round((b.shipped - a.shipped) / elapsed))
          .put("coresUsed", Math.round(cores * 100) / 100.0)
          .put(
              "cpuMicrosPerProbe",
              b.results > a.results
                  ? Math.round(cores * elapsed * 1e6 / (b.results - a.results))
                  : -1)
          .put("sinkBytes", sinkBytes.get())
          .put("fromUptimeMillis", uptime0)
          .put("toUptimeMillis", uptime1)
          .put("gcPauses", gcPauses())
          .put("oldGenMiBAtStart", old0 >> 20)
          .put("oldGenMiBAtEnd", oldGenUsedBytes() >> 20)
          .put("lateRunsByUptime", spikes);
    } finally {
      await(agent.stop());
    }
  }

  /** The bytes used in the old generation's pool now (-1 without one, e.g. with ZGC). */
  private static long oldGenUsedBytes() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      String name = pool.getName();
      if (name.contains("Old Gen") || name.contains("Tenured")) {
        return pool.getUsage().getUsed();
      }
    }
    return -1;
  }

  /** How many runs so far started 50 ms or more after their slot (from the lag's histogram). */
  private static double lateRuns(PrometheusMeterRegistry registry) {
    Timer lag = registry.find("nines.scheduler.lag").timer();
    if (lag == null) {
      return 0;
    }
    HistogramSnapshot s = lag.takeSnapshot();
    double below = 0;
    for (CountAtBucket c : s.histogramCounts()) {
      if (c.bucket(TimeUnit.MILLISECONDS) < 50) {
        below = c.count();
      }
    }
    return s.count() - below;
  }

  /** Collections seen since {@link #GC_PAUSES} was last cleared: one entry per collector action. */
  private static final ConcurrentLinkedQueue<String[]> GC_PAUSES = new ConcurrentLinkedQueue<>();

  static {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(
            (n, h) -> {
              if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                  n.getType())) {
                GarbageCollectionNotificationInfo info =
                    GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                GC_PAUSES.add(
                    new String[] {
                      info.getGcAction() + " (" + info.getGcCause() + ")",
                      Long.toString(info.getGcInfo().getDuration()),
                      Long.toString(info.getGcInfo().getStartTime())
                    });
              }
            },
            null,
            null);
      }
    }
  }

  /**
   * The collections of the measured window, by action and cause: how many, their total and longest
   * duration (ms, as the collector's MXBean reports them), and the JVM uptime of the longest.
   */
  private static JsonObject gcPauses() {
    JsonObject out = new JsonObject();
    for (String[] p : GC_PAUSES) {
      JsonObject o = out.getJsonObject(p[0]);
      if (o == null) {
        o = new JsonObject().put("count", 0L).put("totalMillis", 0L).put("maxMillis", -1L);
        out.put(p[0], o);
      }
      long ms = Long.parseLong(p[1]);
      o.put("count", o.getLong("count") + 1).put("totalMillis", o.getLong("totalMillis") + ms);
      if (ms > o.getLong("maxMillis")) {
        o.put("maxMillis", ms).put("maxAtUptimeMillis", Long.parseLong(p[2]));
      }
    }
    return out;
  }

  private static JsonObject memory(
      Vertx vertx, String sinkUrl, String url, String text, int checks, int every, int seconds)
      throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Agent agent =
        agent(vertx, sinkUrl, registry, fleet(url, text, checks, Duration.ofSeconds(every)));
    await(agent.start());
    try {
      Thread.sleep(seconds * 1000L);
      Snapshot s = Snapshot.of(registry);
      String status = Files.readString(Path.of("/proc/self/status"));
      return new JsonObject()
          .put("mode", "memory")
          .put("transport", Agent.transportOf(vertx))
          .put("checks", checks)
          .put("everySeconds", every)
          .put("afterSeconds", seconds)
          .put("results", (long) s.results)
          .put("vmRssKiB", kib(status, "VmRSS:"))
          .put("vmHwmKiB", kib(status, "VmHWM:"))
          .put(
              "jvmFlags",
              String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
    } finally {
      await(agent.stop());
    }
  }

  /** CPU time used by this process so far (all threads, user and system). */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static long kib(String status, String key) {
    for (String line : status.split("\n")) {
      if (line.startsWith(key)) {
        return Long.parseLong(line.substring(key.length()).replace("kB", "").trim());
      }
    }
    return -1;
  }

  private static Agent agent(
      Vertx vertx, String sinkUrl, PrometheusMeterRegistry registry, Fleet fleet) {
    AgentOptions options =
        AgentOptions.defaults("bench-agent", "bench", List.of(sinkUrl), "bench-token")
            .withLimits(16_384, 16_384, Runtime.getRuntime().availableProcessors());
    return new Agent(vertx, options, fleet, TimeSource.SYSTEM, registry, Map.of());
  }

  /** {@code n} http checks of {@code url}, every {@code every}, each asserting the body. */
  private static Fleet fleet(String url, String text, int n, Duration every) {
    List<Check> checks = new ArrayList<>(n);
    Request request =
        new Request(
            "request",
            "GET",
            Template.literal(url),
            Map.of(),
            null,
            List.of(AssertionParser.parse("body contains \"" + text + "\"")),
            List.of());
    CheckSpec spec = new CheckSpec.Http(request, HttpOptions.DEFAULTS);
    for (int i = 0; i < n; i++) {
      checks.add(
          new Check(
              String.format("bench-%06d", i),
              "bench",
              every,
              Duration.ofSeconds(5),
              List.of("bench"),
              DownWhen.MAJORITY,
              0,
              spec));
    }
    return new Fleet(
        new ConfigVersion("0000000000000000bench", java.time.Instant.EPOCH),
        List.of("bench"),
        Map.of(),
        Map.of(),
        checks,
        List.of(),
        Settings.DEFAULTS,
        Map.of(),
        List.of());
  }

  private static double meanMillis(PrometheusMeterRegistry registry) {
    double total = 0;
    long count = 0;
    for (Timer t : registry.find("nines.probe.duration").timers()) {
      total += t.totalTime(TimeUnit.MILLISECONDS);
      count += t.count();
    }
    return count == 0 ? -1 : Math.round(total / count * 100) / 100.0;
  }

  /** The counters and lag histogram at one instant. */
  private record Snapshot(
      double results,
      double ok,
      Map<String, Double> failures,
      double skipped,
      double shipped,
      HistogramSnapshot lag,
      JsonObject skippedByReason) {
    static Snapshot of(PrometheusMeterRegistry registry) {
      double results = 0;
      double ok = 0;
      Map<String, Double> failures = new LinkedHashMap<>();
      for (Counter c : registry.find("nines.probe.results").counters()) {
        String outcome = c.getId().getTag("outcome");
        results += c.count();
        if ("ok".equals(outcome)) {
          ok += c.count();
        } else {
          failures.merge(outcome, c.count(), Double::sum);
        }
      }
      double skipped =
          registry.find("nines.scheduler.skipped").counters().stream()
              .mapToDouble(Counter::count)
              .sum();
      JsonObject byReason = new JsonObject();
      registry
          .find("nines.scheduler.skipped")
          .counters()
          .forEach(c -> byReason.put(c.getId().getTag("reason"), (long) c.count()));
      Counter shipped = registry.find("nines.shipper.shipped").counter();
      Timer lag = registry.find("nines.scheduler.lag").timer();
      return new Snapshot(
          results,
          ok,
          failures,
          skipped,
          shipped == null ? 0 : shipped.count(),
          lag == null ? null : lag.takeSnapshot(),
          byReason);
    }
  }

  /**
   * The upper bound, in milliseconds, of the histogram bucket holding quantile {@code q} of the
   * values recorded between two snapshots; -1 with none.
   */
  static double percentile(HistogramSnapshot before, HistogramSnapshot after, double q) {
    if (after == null) {
      return -1;
    }
    CountAtBucket[] b = after.histogramCounts();
    CountAtBucket[] a = before == null ? null : before.histogramCounts();
    double total = after.count() - (before == null ? 0 : before.count());
    if (total <= 0) {
      return -1;
    }
    for (int i = 0; i < b.length; i++) {
      double cumulative = b[i].count() - (a == null ? 0 : a[i].count());
      if (cumulative >= q * total) {
        return b[i].bucket(TimeUnit.MILLISECONDS);
      }
    }
    return Double.POSITIVE_INFINITY;
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
