package io.nines.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.common.ResultBatch;
import io.nines.common.testing.ManualTimeSource;
import io.nines.common.testing.Promtool;
import io.nines.config.Fleet;
import io.nines.config.FleetLoader;
import io.nines.store.alerts.Delivery;
import io.nines.store.testing.TestFleets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator's {@code /metrics} as Prometheus sees it, after results came in and a page went
 * out: {@code promtool check metrics} finds nothing to say (every meter has help text), and the
 * JVM's and the process's own meters are there.
 */
class CoordinatorMetricsIT {
  static final String AGENT_TOKEN = "metrics-agent-token-0123";
  static final String READ_TOKEN = "metrics-read-token-0123";
  static final Instant T0 = Instant.parse("2026-04-10T10:00:00Z");

  @TempDir Path dir;
  final ManualTimeSource time = new ManualTimeSource(T0);
  final AtomicInteger delivered = new AtomicInteger();
  Vertx vertx;
  Coordinator coordinator;
  WebClient client;
  int port;
  long seq;

  @BeforeEach
  void start() throws Exception {
    Files.writeString(
        dir.resolve("fleet.yaml"),
        """
        locations: [eu]
        teams:
          shop: { email: [shop@shop.example] }
        services:
          checkout: { tier: critical, owners: [shop] }
        checks:
          - { id: checkout-api, service: checkout, every: 30s, http: { get: "http://127.0.0.1:1/k" } }
        """);
    Fleet fleet = new FleetLoader(time, Map.of(), Map.of()).load(dir);
    vertx = Vertx.vertx();
    coordinator =
        new Coordinator(
            CoordinatorOptions.builder()
                .port(0)
                .agentTokens(Set.of(AGENT_TOKEN))
                .readTokens(Set.of(READ_TOKEN))
                .adminTokens(Set.of("metrics-admin-token-0123"))
                .fleet(fleet)
                .timeSource(time)
                .meterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                .build(),
            new AlertingOptions(
                n -> {
                  delivered.incrementAndGet();
                  return Future.succeededFuture(
                      new Delivery(time.now(), true, "250", "accepted", false));
                },
                Set.of(),
                3_600_000));
    port = coordinator.start(vertx).await(10, TimeUnit.SECONDS);
    client = WebClient.create(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    if (coordinator != null) {
      coordinator.stop().await(10, TimeUnit.SECONDS);
    }
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void whenMetricsAreScraped_thenPromtoolFindsNothingAndJvmAndProcessMetersAreThere()
      throws Exception {
    // checkout fails until a notification went out, so the alerting meters exist.
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              failingResult();
              coordinator.alerting().runOnce().await(10, TimeUnit.SECONDS);
              time.advance(Duration.ofSeconds(10));
              return delivered.get() > 0;
            });

    var response =
        client
            .get(port, "127.0.0.1", "/metrics")
            .putHeader("Authorization", "Bearer " + READ_TOKEN)
            .timeout(10_000)
            .send()
            .await(10, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    String page = response.bodyAsString();
    assertThat(page)
        .contains("nines_alerting_deliveries_total")
        .contains("nines_alerting_incidents_open");

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
  }

  void failingResult() throws Exception {
    var r = TestFleets.fail("agent-eu", ++seq, "checkout-api", "eu", time.now());
    int status =
        client
            .post(port, "127.0.0.1", "/api/v1/results")
            .putHeader("Authorization", "Bearer " + AGENT_TOKEN)
            .timeout(10_000)
            .sendJsonObject(new ResultBatch("agent-eu", List.of(r)).toJson())
            .await(10, TimeUnit.SECONDS)
            .statusCode();
    assertThat(status).as("results accepted").isEqualTo(200);
  }
}
