package io.nines.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.common.TimeSource;
import io.nines.common.testing.Promtool;
import io.nines.config.Fleet;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's {@code /metrics} as Prometheus sees it: {@code promtool check metrics} finds nothing
 * to say (every meter has help text), and the JVM's and the process's own meters are there.
 */
class AgentMetricsIT {
  private Vertx vertx;
  private String target;
  private String coordinator;
  @TempDir Path spoolDir;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx(Agent.vertxOptions());
    target =
        "http://127.0.0.1:"
            + join(vertx
                    .createHttpServer()
                    .requestHandler(req -> req.response().end("nines-bench-ok"))
                    .listen(0, "127.0.0.1"))
                .actualPort()
            + "/";
    // A coordinator that takes every batch and knows no assignments.
    coordinator =
        "http://127.0.0.1:"
            + join(vertx
                    .createHttpServer()
                    .requestHandler(
                        req ->
                            req.body()
                                .onSuccess(
                                    b ->
                                        req.response()
                                            .setStatusCode(
                                                req.path().equals("/api/v1/results") ? 200 : 404)
                                            .end("{}")))
                    .listen(0, "127.0.0.1"))
                .actualPort();
  }

  @AfterEach
  void stop() throws Exception {
    join(vertx.close());
  }

  private static <T> T join(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void whenMetricsAreScraped_thenPromtoolFindsNothingAndJvmAndProcessMetersAreThere()
      throws Exception {
    Fleet fleet = TestChecks.httpFleet("bench", target, "nines-bench-ok", 2, Duration.ofSeconds(1));
    AgentOptions options = options();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Agent agent = new Agent(vertx, options, fleet, TimeSource.SYSTEM, registry, Map.of());
    int port = join(agent.start());
    try {
      HttpClient http = HttpClient.newHttpClient();
      // Probes have run and results were shipped, so their meters exist too.
      String page =
          await()
              .atMost(Duration.ofSeconds(15))
              .until(
                  () ->
                      http.send(
                              HttpRequest.newBuilder(
                                      URI.create("http://127.0.0.1:" + port + "/metrics"))
                                  .timeout(Duration.ofSeconds(5))
                                  .build(),
                              HttpResponse.BodyHandlers.ofString())
                          .body(),
                  body ->
                      body.contains("nines_probe_results_total")
                          && body.contains("nines_shipper_shipped_total"));

      Promtool.Verdict verdict = Promtool.checkMetrics(page);

      assertThat(verdict.output()).as("promtool check metrics").isEmpty();
      assertThat(verdict.exitCode()).isZero();
      assertThat(page)
          .contains("jvm_memory_used_bytes")
          .contains("jvm_gc_")
          .contains("jvm_threads_live_threads")
          .contains("jvm_classes_loaded_classes")
          .contains("process_cpu_usage")
          .contains("process_uptime_seconds")
          .contains("process_files_open_files")
          .contains("process_cpu_seconds_total");
    } finally {
      join(agent.stop());
    }
  }

  /**
   * A scrape that renders many checks' meters takes seconds on a loaded machine: rendered on the
   * agent's event loop, it blocked the heartbeats, the shipper and the other endpoints (and, with
   * one loop, the probes) for as long. Here a scrape that does not end until the test lets it must
   * run on a thread that is not an event loop, while {@code /health/live} on the same server
   * answers.
   */
  @Test
  void whenAScrapeIsSlow_thenItRunsOffTheEventLoopAndTheAgentAnswersMeanwhile() throws Exception {
    CountDownLatch scrapeStarted = new CountDownLatch(1);
    CountDownLatch releaseScrape = new CountDownLatch(1);
    CompletableFuture<Boolean> scrapedOnEventLoop = new CompletableFuture<>();
    PrometheusMeterRegistry registry =
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) {
          @Override
          public String scrape() {
            scrapedOnEventLoop.complete(Context.isOnEventLoopThread());
            scrapeStarted.countDown();
            try {
              // Bounded: the test releases it once /health/live has answered.
              releaseScrape.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return super.scrape();
          }
        };
    Agent agent = new Agent(vertx, options(), null, TimeSource.SYSTEM, registry, Map.of());
    int port = join(agent.start());
    try {
      HttpClient http = HttpClient.newHttpClient();
      CompletableFuture<HttpResponse<String>> metrics =
          http.sendAsync(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                  .timeout(Duration.ofSeconds(20))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(scrapeStarted.await(10, TimeUnit.SECONDS)).as("the scrape started").isTrue();

      HttpResponse<String> live;
      try {
        live =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/live"))
                    .timeout(Duration.ofSeconds(3))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
      } finally {
        releaseScrape.countDown();
      }

      assertThat(scrapedOnEventLoop.get(5, TimeUnit.SECONDS))
          .as("scraped on an event loop")
          .isFalse();
      assertThat(live.statusCode()).isEqualTo(200);
      HttpResponse<String> page = metrics.get(20, TimeUnit.SECONDS);
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("jvm_memory_used_bytes");
    } finally {
      join(agent.stop());
    }
  }

  private AgentOptions options() {
    return TestChecks.agentOptions(coordinator, spoolDir, 1);
  }
}
