package io.nines.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.agent.spool.SpoolOptions;
import io.nines.common.ProbeResult;
import io.nines.common.ResultBatch;
import io.nines.common.TimeSource;
import io.nines.config.Fleet;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole agent: probe loops, schedulers, probes and shipper, against loopback servers. */
class AgentIT {
  private Vertx vertx;
  private final Set<String> shippedChecks = ConcurrentHashMap.newKeySet();
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
    AgentOptions options =
        new AgentOptions(
            "agent-1",
            "bench",
            List.of(coordinator),
            "token",
            "127.0.0.1",
            0,
            64,
            64,
            10,
            1000,
            50,
            3,
            SpoolOptions.defaults(spoolDir),
            null);
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
}
