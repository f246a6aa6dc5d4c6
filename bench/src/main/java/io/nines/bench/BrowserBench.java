package io.nines.bench;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.agent.Agent;
import io.nines.agent.AgentOptions;
import io.nines.agent.spool.SpoolOptions;
import io.nines.channels.ChannelOptions;
import io.nines.channels.Channels;
import io.nines.common.ProbeResult;
import io.nines.common.TimeSource;
import io.nines.config.Fleet;
import io.nines.config.FleetLoader;
import io.nines.coordinator.AlertingOptions;
import io.nines.coordinator.Coordinator;
import io.nines.coordinator.CoordinatorOptions;
import io.nines.coordinator.alerting.ChannelSender;
import io.nines.demo.Fault;
import io.nines.demo.ShopServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Measures browser checks on this machine: a demo {@link ShopServer} with its storefront, a
 * coordinator with alerting through the real PagerDuty channel to a local receiver, and a real
 * {@link Agent} in a JVM of its own (with the packaged agent's JVM options), whose Chromium
 * processes are its descendants. All on 127.0.0.1.
 *
 * <ul>
 *   <li>{@code throughput CHECKS SECONDS}: CHECKS copies of the storefront journey, each every 10
 *       s, so that the agent's browser pool is the bottleneck; counts the runs that completed
 *       within SECONDS from the results the coordinator stored (journeys per minute, run duration
 *       p50 and p95), and samples the RSS (and PSS) of the agent's JVM and every descendant process
 *       once a second (peak and median of the sum, split JVM / Chromium).
 *   <li>{@code fault REPS}: one storefront journey every 10 s; REPS times: sets {@code broken-ui}
 *       on checkout, measures the time to the owners' page, clears it and waits for the resolve.
 *   <li>{@code agent URL TOKEN CONFIG_DIR SPOOL_DIR}: the child JVM (the agent alone).
 * </ul>
 *
 * <p>Prints JSON lines. Bounded: every wait has a deadline.
 */
public final class BrowserBench {
  private static final String TOKEN = "bench-token-0123456789";
  private static final String AGENT_JAVA_OPTS =
      "-Xms32m -Xmx128m -XX:+UseSerialGC -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=48m"
          + " -Xss512k -XX:+ExitOnOutOfMemoryError";

  private BrowserBench() {}

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "throughput";
    try {
      run(mode, args);
    } catch (Exception e) {
      e.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }

  private static void run(String mode, String[] args) throws Exception {
    switch (mode) {
      case "agent" -> runAgent(args[1], args[2], Path.of(args[3]), Path.of(args[4]));
      case "throughput" ->
          throughput(
              args.length > 1 ? Integer.parseInt(args[1]) : 20,
              args.length > 2 ? Integer.parseInt(args[2]) : 30,
              args.length > 3 ? Integer.parseInt(args[3]) : 180);
      case "fault" ->
          fault(
              args.length > 1 ? Integer.parseInt(args[1]) : 5,
              args.length > 2 ? Integer.parseInt(args[2]) : 10);
      default ->
          throw new IllegalArgumentException(
              "mode was '" + mode + "' but it must be throughput, fault or agent");
    }
  }

  /** The child: the real agent, as {@code nines agent} runs it, until it is killed. */
  private static void runAgent(String url, String token, Path config, Path spool) throws Exception {
    Map<String, String> env = System.getenv();
    Fleet fleet = new FleetLoader(TimeSource.SYSTEM, Map.of(), env).load(config);
    Vertx vertx = Vertx.vertx(Agent.vertxOptions());
    Agent agent =
        new Agent(
            vertx,
            AgentOptions.defaults("bench-browser", "bench", List.of(url), token)
                .withHttpPort("127.0.0.1", 0)
                .withSpool(SpoolOptions.defaults(spool)),
            fleet,
            TimeSource.SYSTEM,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            env);
    join(agent.start());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    agent
                        .stop()
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    // exiting anyway
                  }
                  stopped.countDown();
                }));
    stopped.await();
  }

  /** A shop, a PagerDuty receiver, a coordinator and the agent's JVM, for one fleet. */
  private static final class Setup implements AutoCloseable {
    final Vertx vertx = Vertx.vertx(Agent.vertxOptions());
    final ShopServer shop = new ShopServer(vertx, TimeSource.SYSTEM, new Random(1));
    final ConcurrentLinkedQueue<Object[]> pages = new ConcurrentLinkedQueue<>();
    final Path dir;
    Coordinator coordinator;
    Process agent;
    final Set<Long> chromiumPids = new HashSet<>();

    Setup(String checksYaml) throws Exception {
      dir = Files.createTempDirectory("nines-browser-bench");
      int shopPort = join(shop.start("127.0.0.1", 0));
      Router pd = Router.router(vertx);
      pd.post("/v2/enqueue")
          .handler(BodyHandler.create())
          .handler(
              ctx -> {
                JsonObject event = ctx.body().asJsonObject();
                pages.add(new Object[] {TimeSource.SYSTEM.now(), event.getString("event_action")});
                ctx.response().setStatusCode(202).end("{\"status\":\"success\"}");
              });
      int pdPort =
          join(vertx.createHttpServer().requestHandler(pd).listen(0, "127.0.0.1")).actualPort();
      Path config = dir.resolve("config");
      Files.createDirectories(config);
      Files.writeString(
          config.resolve("fleet.yaml"),
          ("""
          locations: [bench]
          vars: { shop: "http://127.0.0.1:%d" }
          teams:
            ops: { pagerduty: { routing-key: "${env:PD_KEY}", url: "http://127.0.0.1:%d/v2/enqueue" } }
          services:
            checkout: { tier: critical, owners: [ops] }
          settings: { alerting: { flapping: { changes: 1000, window: 1m } } }
          checks:
          """
                  .formatted(shopPort, pdPort))
              + checksYaml);
      Map<String, String> env = new HashMap<>();
      env.put("PD_KEY", "bench-routing-key-0123456789");
      env.put("SHOP_PROBE_PASSWORD", ShopServer.PROBE_PASSWORD);
      Fleet fleet = new FleetLoader(TimeSource.SYSTEM, Map.of(), env).load(config);
      int port;
      try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = free.getLocalPort();
      }
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.addAll(List.of(AGENT_JAVA_OPTS.split(" ")));
      cmd.addAll(
          List.of(
              "-cp",
              System.getProperty("java.class.path"),
              BrowserBench.class.getName(),
              "agent",
              "http://127.0.0.1:" + port,
              TOKEN,
              config.toString(),
              dir.resolve("spool").toString()));
      ProcessBuilder pb = new ProcessBuilder(cmd);
      pb.environment().putAll(env);
      pb.environment().putIfAbsent("NINES_CHROMIUM", "/usr/bin/chromium");
      Path log = dir.resolve("agent.log");
      pb.redirectErrorStream(true).redirectOutput(log.toFile());
      agent = pb.start();
      Process started = agent;
      Runtime.getRuntime().addShutdownHook(new Thread(started::destroy)); // no agent left behind
      // The coordinator starts once the agent has found its Chromium, so that the agent's first
      // heartbeat already advertises `browser`: the coordinator keeps a placement while the fleet
      // and the set of live agents stay the same, and a capability advertised later does not
      // change it (reported in bench/RESULTS.md).
      if (!waitUntil(
          () -> Files.exists(log) && Files.readString(log).contains("browser checks run in"),
          120)) {
        throw new IllegalStateException("the agent found no Chromium in 120 s; see " + log);
      }
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      Channels channels =
          Channels.create(
              vertx,
              registry,
              TimeSource.SYSTEM,
              ChannelOptions.defaults(),
              ref -> ref.resolve(env));
      coordinator =
          new Coordinator(
              CoordinatorOptions.builder()
                  .port(port)
                  .agentTokens(Set.of(TOKEN))
                  .fleet(fleet)
                  .meterRegistry(registry)
                  .build(),
              new AlertingOptions(
                  new ChannelSender(channels, () -> fleet, TimeSource.SYSTEM, ""), Set.of(), 1000));
      join(coordinator.start(vertx));
    }

    List<ProbeResult> results(String checkId) throws Exception {
      return join(coordinator.store().recent(checkId, 10_000));
    }

    /**
     * RSS and PSS in KiB of the agent's JVM and of the Chromium processes: its descendants and
     * every process in their process groups (Chromium's crashpad handlers double-fork away from
     * their parent but stay in its group); and how many processes that was.
     */
    long[] memory() {
      long[] m = new long[5];
      add(m, 0, agent.pid());
      Set<Long> pids = new HashSet<>();
      Set<Long> groups = new HashSet<>();
      agent
          .descendants()
          .forEach(
              p -> {
                pids.add(p.pid());
                long g = pgrp(p.pid());
                if (g > 1 && g != pgrp(agent.pid())) {
                  groups.add(g);
                }
              });
      if (!groups.isEmpty()) {
        try (var dirs = Files.list(Path.of("/proc"))) {
          dirs.map(d -> d.getFileName().toString())
              .filter(n -> n.chars().allMatch(Character::isDigit))
              .map(Long::parseLong)
              .filter(pid -> pid != agent.pid() && groups.contains(pgrp(pid)))
              .forEach(pids::add);
        } catch (IOException e) {
          // /proc unreadable: the descendants only
        }
      }
      for (long pid : pids) {
        chromiumPids.add(pid);
        add(m, 2, pid);
        m[4]++;
      }
      return m;
    }

    /** The process group of {@code pid}, from /proc/PID/stat, or -1. */
    private static long pgrp(long pid) {
      try {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[2]); // state ppid pgrp
      } catch (IOException | RuntimeException e) {
        return -1;
      }
    }

    private static void add(long[] m, int at, long pid) {
      m[at] += kib(Path.of("/proc", String.valueOf(pid), "status"), "VmRSS:");
      m[at + 1] += kib(Path.of("/proc", String.valueOf(pid), "smaps_rollup"), "Pss:");
    }

    private static long kib(Path file, String key) {
      try {
        for (String line : Files.readAllLines(file)) {
          if (line.startsWith(key)) {
            return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
          }
        }
      } catch (IOException | RuntimeException e) {
        // the process ended meanwhile
      }
      return 0;
    }

    @Override
    public void close() throws Exception {
      agent.destroy();
      boolean exited = agent.waitFor(20, TimeUnit.SECONDS);
      if (!exited) {
        agent.destroyForcibly();
      }
      waitUntil(() -> chromiumPids.stream().noneMatch(p -> ProcessHandle.of(p).isPresent()), 10);
      long orphans = chromiumPids.stream().filter(p -> ProcessHandle.of(p).isPresent()).count();
      System.out.println(
          new JsonObject()
              .put("agentStopped", exited ? "SIGTERM" : "SIGKILL")
              .put("chromiumProcessesSeen", chromiumPids.isEmpty() ? null : chromiumPids.size())
              .put("chromiumProcessesLeft10sAfterStop", chromiumPids.isEmpty() ? null : orphans)
              .put("agentLog", dir.resolve("agent.log").toString())
              .encode());
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** The example fleet's storefront-browser journey, every {@code every}, timeout every - 1 s. */
  private static String journey(String id, int every) {
    return """
          - id: %s
            service: checkout
            every: %ds
            timeout: %ds
            browser:
              steps:
                - goto: "${shop}/store/login"
                - fill: { selector: "#username", value: "probe" }
                - fill: { selector: "#password", value: "${env:SHOP_PROBE_PASSWORD}" }
                - click: 'role=button[name="Log in"]'
                - wait-for: { text: "Products" }
                - click: 'role=button[name="Add to cart"]'
                - wait-for: { text: "Your cart" }
                - click: 'role=link[name="Check out"]'
                - wait-for: "#place-order"
                - name: place-order
                  click: 'role=button[name="Place order"]'
                - name: order-confirmed
                  expect: { text: "Order confirmed" }
          """
        .formatted(id, every, every - 1);
  }

  private static void throughput(int checks, int every, int seconds) throws Exception {
    StringBuilder yaml = new StringBuilder();
    for (int i = 1; i <= checks; i++) {
      yaml.append(journey("storefront-" + i, every));
    }
    try (Setup s = new Setup(yaml.toString())) {
      // Warm-up: until the first journey has completed (Chromium found, checks assigned).
      boolean warm = waitUntil(() -> !s.results("storefront-1").isEmpty(), 120);
      if (!warm) {
        System.out.println(new JsonObject().put("error", "no journey completed in 120 s").encode());
        return;
      }
      Instant from = TimeSource.SYSTEM.now();
      List<long[]> samples = new ArrayList<>();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      long next = System.nanoTime();
      while (System.nanoTime() < end) {
        samples.add(s.memory());
        next += TimeUnit.SECONDS.toNanos(1);
        Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(next - System.nanoTime())));
      }
      Instant to = TimeSource.SYSTEM.now();
      Thread.sleep(3000); // the agent ships within its flush interval
      List<Long> ran = new ArrayList<>();
      List<Long> okDurations = new ArrayList<>();
      int noSlot = 0;
      Map<String, Integer> failures = new java.util.TreeMap<>();
      for (int i = 1; i <= checks; i++) {
        for (ProbeResult r : s.results("storefront-" + i)) {
          Instant done = r.startedAt().plusMillis(r.durationMillis());
          if (done.isBefore(from) || !done.isBefore(to)) {
            continue;
          }
          if (!r.ok() && r.failure().message().contains("for a browser: all")) {
            noSlot++; // waited its whole timeout for a slot of the pool: never had a browser
            continue;
          }
          ran.add(r.durationMillis());
          if (r.ok()) {
            okDurations.add(r.durationMillis());
          } else {
            failures.merge(
                r.failure().kind() + " at " + r.failure().step() + ": " + r.failure().message(),
                1,
                Integer::sum);
          }
        }
      }
      Collections.sort(ran);
      Collections.sort(okDurations);
      double minutes = Duration.between(from, to).toMillis() / 60_000.0;
      System.out.println(
          new JsonObject()
              .put("phase", "throughput")
              .put("pool", System.getenv().getOrDefault("NINES_BROWSER_POOL", "2"))
              .put("checks", checks)
              .put("everySeconds", every)
              .put("offeredPerMinute", checks * 60.0 / every)
              .put("measuredSeconds", Duration.between(from, to).toSeconds())
              .put("journeysRan", ran.size())
              .put("journeysPerMinute", Math.round(ran.size() / minutes * 10) / 10.0)
              .put("passed", okDurations.size())
              .put("passedPerMinute", Math.round(okDurations.size() / minutes * 10) / 10.0)
              .put("timedOutWaitingForASlot", noSlot)
              .put("runP50Millis", pct(ran, 0.50))
              .put("runP95Millis", pct(ran, 0.95))
              .put("passedRunP50Millis", pct(okDurations, 0.50))
              .put("passedRunP95Millis", pct(okDurations, 0.95))
              .put("failuresOfRunsThatRan", new JsonObject(new HashMap<>(failures)))
              .encode());
      JsonObject mem = new JsonObject().put("phase", "memory").put("samples", samples.size());
      String[] names = {"jvmRss", "jvmPss", "chromiumRss", "chromiumPss"};
      for (int k = 0; k < 4; k++) {
        List<Long> v = column(samples, k);
        mem.put(names[k] + "PeakMiB", mib(v.get(v.size() - 1)))
            .put(names[k] + "MedianMiB", mib(pct(v, 0.5)));
      }
      List<Long> rss = sums(samples, 0, 2);
      List<Long> pss = sums(samples, 1, 3);
      mem.put("totalRssPeakMiB", mib(rss.get(rss.size() - 1)))
          .put("totalRssMedianMiB", mib(pct(rss, 0.5)))
          .put("totalPssPeakMiB", mib(pss.get(pss.size() - 1)))
          .put("totalPssMedianMiB", mib(pct(pss, 0.5)))
          .put("mostDescendants", samples.stream().mapToLong(x -> x[4]).max().orElse(0));
      System.out.println(mem.encode());
    }
  }

  private static void fault(int reps, int every) throws Exception {
    try (Setup s = new Setup(journey("storefront-browser", every))) {
      boolean warm =
          waitUntil(() -> s.results("storefront-browser").stream().anyMatch(ProbeResult::ok), 120);
      if (!warm) {
        System.out.println(new JsonObject().put("error", "no passing journey in 120 s").encode());
        return;
      }
      List<Long> latencies = new ArrayList<>();
      for (int i = 0; i < reps; i++) {
        s.pages.clear();
        s.shop.setFault("checkout", new Fault(Fault.Mode.BROKEN_UI, 1.0, 0, null));
        Instant set = TimeSource.SYSTEM.now();
        boolean paged = waitUntil(() -> page(s, "trigger") != null, 120);
        Instant pagedAt = page(s, "trigger");
        s.shop.clearFault("checkout");
        Instant cleared = TimeSource.SYSTEM.now();
        List<ProbeResult> failing =
            s.results("storefront-browser").stream()
                .filter(r -> !r.ok() && r.startedAt().plusMillis(r.durationMillis()).isAfter(set))
                .sorted((a, b) -> a.startedAt().compareTo(b.startedAt()))
                .toList();
        long millis = paged ? Duration.between(set, pagedAt).toMillis() : -1;
        if (paged) {
          latencies.add(millis);
        }
        JsonObject line =
            new JsonObject()
                .put("phase", "fault")
                .put("rep", i + 1)
                .put("paged", paged)
                .put("faultToPageMillis", millis)
                .put("failedRunsBeforePage", failing.size());
        if (!failing.isEmpty()) {
          ProbeResult first = failing.get(0);
          line.put(
                  "faultToFirstFailingRunStartMillis",
                  Duration.between(set, first.startedAt()).toMillis())
              .put(
                  "failingRunMillis",
                  failing.stream().mapToLong(ProbeResult::durationMillis).boxed().toList())
              .put("failingStep", first.failure() == null ? null : first.failure().toString());
          if (paged) {
            ProbeResult last =
                failing.stream()
                    .filter(r -> !r.startedAt().plusMillis(r.durationMillis()).isAfter(pagedAt))
                    .reduce((a, b) -> b)
                    .orElse(first);
            line.put(
                "lastFailingRunEndToPageMillis",
                Duration.between(last.startedAt().plusMillis(last.durationMillis()), pagedAt)
                    .toMillis());
          }
        }
        boolean resolved = waitUntil(() -> page(s, "resolve") != null, 120);
        line.put(
            "clearToResolveMillis",
            resolved ? Duration.between(cleared, page(s, "resolve")).toMillis() : -1);
        System.out.println(line.encode());
      }
      Collections.sort(latencies);
      System.out.println(
          new JsonObject()
              .put("phase", "fault-summary")
              .put("reps", reps)
              .put("everySeconds", every)
              .put("paged", latencies.size())
              .put("medianMillis", pct(latencies, 0.5))
              .put("maxMillis", latencies.isEmpty() ? -1 : latencies.get(latencies.size() - 1))
              .encode());
    }
  }

  private static Instant page(Setup s, String action) {
    return s.pages.stream()
        .filter(p -> action.equals(p[1]))
        .map(p -> (Instant) p[0])
        .findFirst()
        .orElse(null);
  }

  private static List<Long> column(List<long[]> samples, int k) {
    List<Long> v = new ArrayList<>(samples.stream().map(x -> x[k]).toList());
    Collections.sort(v);
    return v;
  }

  private static List<Long> sums(List<long[]> samples, int a, int b) {
    List<Long> v = new ArrayList<>(samples.stream().map(x -> x[a] + x[b]).toList());
    Collections.sort(v);
    return v;
  }

  private static double mib(long kib) {
    return Math.round(kib / 102.4) / 10.0;
  }

  private static long pct(List<Long> sorted, double q) {
    if (sorted.isEmpty()) {
      return -1;
    }
    return sorted.get(
        (int) Math.max(0, Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1)));
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  /** Polls {@code c} every 100 ms for at most {@code seconds}; a benchmark, not a test. */
  private static boolean waitUntil(Condition c, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (c.holds()) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  private static <T> T join(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
