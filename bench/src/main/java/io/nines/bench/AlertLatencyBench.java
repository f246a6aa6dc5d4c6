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
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Measures the time from the first failing probe of an outage to the page at a local PagerDuty
 * receiver, over N outages: a real agent probing a local target every second, a coordinator with
 * alerting through the real PagerDuty channel. Prints one JSON line per outage and a summary.
 *
 * <p>Usage: {@code AlertLatencyBench OUTAGES}. Bounded: each outage waits at most 20 s for its page
 * and 20 s for its recovery.
 */
public final class AlertLatencyBench {
  private AlertLatencyBench() {}

  public static void main(String[] args) throws Exception {
    int outages = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    Vertx vertx = Vertx.vertx(Agent.vertxOptions());
    Path dir = Files.createTempDirectory("nines-alert-bench");
    AtomicBoolean failing = new AtomicBoolean();
    Router target = Router.router(vertx);
    target
        .get("/")
        .handler(ctx -> ctx.response().setStatusCode(failing.get() ? 503 : 200).end("x"));
    int targetPort =
        join(vertx.createHttpServer().requestHandler(target).listen(0, "127.0.0.1")).actualPort();
    ConcurrentLinkedQueue<Object[]> pages = new ConcurrentLinkedQueue<>();
    Router pd = Router.router(vertx);
    pd.post("/v2/enqueue")
        .handler(BodyHandler.create())
        .handler(
            ctx -> {
              JsonObject event = ctx.body().asJsonObject();
              pages.add(
                  new Object[] {
                    TimeSource.SYSTEM.now(),
                    event.getString("event_action"),
                    event.getString("dedup_key")
                  });
              ctx.response().setStatusCode(202).end("{\"status\":\"success\"}");
            });
    int pdPort =
        join(vertx.createHttpServer().requestHandler(pd).listen(0, "127.0.0.1")).actualPort();
    Files.writeString(
        dir.resolve("fleet.yaml"),
        """
        locations: [bench]
        teams:
          ops: { pagerduty: { routing-key: "${env:PD_KEY}", url: "http://127.0.0.1:%d/v2/enqueue" } }
        services:
          site: { tier: critical, owners: [ops] }
        checks:
          - { id: site-home, service: site, every: 1s, timeout: 500ms, http: { get: "http://127.0.0.1:%d/", expect: ["status == 200"] } }
        settings: { alerting: { flapping: { changes: 1000, window: 1m } } }
        """
            .formatted(pdPort, targetPort));
    Map<String, String> env = Map.of("PD_KEY", "bench-routing-key-0123456789");
    Fleet fleet = new FleetLoader(TimeSource.SYSTEM, Map.of(), env).load(dir);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Channels channels =
        Channels.create(
            vertx, registry, TimeSource.SYSTEM, ChannelOptions.defaults(), ref -> ref.resolve(env));
    Coordinator coordinator =
        new Coordinator(
            CoordinatorOptions.builder()
                .port(0)
                .agentTokens(Set.of("bench-token-0123456789"))
                .fleet(fleet)
                .meterRegistry(registry)
                .build(),
            new AlertingOptions(
                new ChannelSender(channels, () -> fleet, TimeSource.SYSTEM, ""), Set.of(), 1000));
    int port = join(coordinator.start(vertx));
    Agent agent =
        new Agent(
            vertx,
            AgentOptions.defaults(
                    "bench-1",
                    "bench",
                    List.of("http://127.0.0.1:" + port),
                    "bench-token-0123456789")
                .withSpool(SpoolOptions.defaults(dir.resolve("spool"))),
            fleet,
            TimeSource.SYSTEM,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            env);
    join(agent.start());
    waitUntil(
        () -> join(coordinator.store().recent("site-home", 1)).stream().anyMatch(ProbeResult::ok),
        30);
    List<Long> latencies = new ArrayList<>();
    for (int i = 0; i < outages; i++) {
      pages.clear();
      failing.set(true);
      Instant flipped = TimeSource.SYSTEM.now();
      boolean paged = waitUntil(() -> pages.stream().anyMatch(p -> "trigger".equals(p[1])), 20);
      Instant pagedAt =
          paged
              ? (Instant)
                  pages.stream().filter(p -> "trigger".equals(p[1])).findFirst().orElseThrow()[0]
              : null;
      Instant firstFailure =
          join(coordinator.store().recent("site-home", 50)).stream()
              .filter(r -> !r.ok() && !r.startedAt().isBefore(flipped))
              .map(ProbeResult::startedAt)
              .min(Instant::compareTo)
              .orElse(null);
      failing.set(false);
      long millis =
          paged && firstFailure != null ? Duration.between(firstFailure, pagedAt).toMillis() : -1;
      if (millis >= 0) {
        latencies.add(millis);
      }
      System.out.println(
          new JsonObject()
              .put("outage", i + 1)
              .put("paged", paged)
              .put("firstFailingProbe", String.valueOf(firstFailure))
              .put("pageAt", String.valueOf(pagedAt))
              .put("latencyMillis", millis)
              .encode());
      waitUntil(() -> pages.stream().anyMatch(p -> "resolve".equals(p[1])), 20);
    }
    Collections.sort(latencies);
    System.out.println(
        new JsonObject()
            .put("outages", outages)
            .put("paged", latencies.size())
            .put("p50Millis", pct(latencies, 0.50))
            .put("p99Millis", pct(latencies, 0.99))
            .put("maxMillis", latencies.isEmpty() ? -1 : latencies.get(latencies.size() - 1))
            .encode());
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    System.exit(0);
  }

  private static long pct(List<Long> sorted, double q) {
    if (sorted.isEmpty()) {
      return -1;
    }
    return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1));
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  /** Polls {@code c} every 50 ms for at most {@code seconds}; a benchmark, not a test. */
  private static boolean waitUntil(Condition c, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (c.holds()) {
        return true;
      }
      Thread.sleep(50);
    }
    return false;
  }

  private static <T> T join(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
