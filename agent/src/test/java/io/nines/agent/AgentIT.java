package io.nines.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.common.ProbeResult;
import io.nines.common.ResultBatch;
import io.nines.common.TimeSource;
import io.nines.config.Fleet;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole agent: probe loops, schedulers, probes and shipper, against loopback servers. */
class AgentIT {
  private Vertx vertx;
  private final Set<String> shippedChecks = ConcurrentHashMap.newKeySet();
  private final List<ProbeResult> shipped = new CopyOnWriteArrayList<>();
  private String target;
  private String coordinator;
  @TempDir Path spoolDir;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx(Agent.vertxOptions());
    int targetPort =
        join(vertx
                .createHttpServer()
                .requestHandler(req -> req.response().end("nines-bench-ok"))
                .listen(0, "127.0.0.1"))
            .actualPort();
    target = "http://127.0.0.1:" + targetPort + "/";
    int coordinatorPort =
        join(vertx
                .createHttpServer()
                .requestHandler(
                    req ->
                        req.body()
                            .onSuccess(
                                body -> {
                                  if (!req.path().equals("/api/v1/results")) {
                                    // This fake knows no assignments: the agent keeps running
                                    // every check of its location.
                                    req.response().setStatusCode(404).end("{}");
                                    return;
                                  }
                                  ResultBatch batch = ResultBatch.fromJson(body.toJsonObject());
                                  shipped.addAll(batch.results());
                                  for (ProbeResult r : batch.results()) {
                                    if (r.ok()) {
                                      shippedChecks.add(r.checkId());
                                    }
                                  }
                                  req.response().end("{}");
                                }))
                .listen(0, "127.0.0.1"))
            .actualPort();
    coordinator = "http://127.0.0.1:" + coordinatorPort;
  }

  @AfterEach
  void stop() throws Exception {
    join(vertx.close());
  }

  private static <T> T join(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void whenChecksAreSplitOverProbeLoops_thenEveryCheckRunsAndItsResultIsShipped() throws Exception {
    Fleet fleet =
        TestChecks.httpFleet("bench", target, "nines-bench-ok", 20, Duration.ofSeconds(1));
    AgentOptions options = options();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Agent agent = new Agent(vertx, options, fleet, TimeSource.SYSTEM, registry, Map.of());
    join(agent.start());
    try {
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(shippedChecks).hasSize(20));
      assertThat(registry.find("nines.scheduler.checks").gauges()).hasSize(3);
      double scheduled =
          registry.find("nines.scheduler.checks").gauges().stream()
              .mapToDouble(g -> g.value())
              .sum();
      assertThat(scheduled).isEqualTo(20);
    } finally {
      join(agent.stop());
    }
  }

  @Test
  void whenTheClockSteppedBackAcrossARestart_thenNewResultsAreNumberedAboveTheOldOnes()
      throws Exception {
    // The coordinator takes a sequence at or below what it consumed from an agent id as a
    // duplicate: numbered from a clock an hour behind, every result of the second run would be
    // acknowledged and dropped.
    Fleet fleet = TestChecks.httpFleet("bench", target, "nines-bench-ok", 2, Duration.ofSeconds(1));
    Instant firstStart = Instant.now();
    Agent first =
        new Agent(
            vertx,
            options(),
            fleet,
            TimeSource.SYSTEM,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            Map.of());
    join(first.start());
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> !shipped.isEmpty());
    } finally {
      join(first.stop());
    }
    long highestOfFirstRun = shipped.stream().mapToLong(ProbeResult::sequence).max().orElseThrow();

    Duration back = Duration.ofHours(1);
    TimeSource behind =
        new TimeSource() {
          @Override
          public Instant now() {
            return Instant.now().minus(back);
          }

          @Override
          public long monotonicNanos() {
            return System.nanoTime();
          }
        };
    Agent second =
        new Agent(
            vertx,
            options(),
            fleet,
            behind,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            Map.of());
    join(second.start());
    try {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  shipped.stream()
                      .anyMatch(r -> r.startedAt().isBefore(firstStart.minus(back.dividedBy(2)))));
    } finally {
      join(second.stop());
    }

    List<ProbeResult> ofSecondRun =
        shipped.stream()
            .filter(r -> r.startedAt().isBefore(firstStart.minus(back.dividedBy(2))))
            .toList();
    assertThat(ofSecondRun)
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.sequence()).isGreaterThan(highestOfFirstRun));
  }

  private AgentOptions options() {
    return TestChecks.agentOptions(coordinator, spoolDir, 3);
  }
}
