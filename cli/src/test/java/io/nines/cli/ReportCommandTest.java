package io.nines.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.common.testing.ManualTimeSource;
import io.nines.config.DownWhen;
import io.nines.config.Fleet;
import io.nines.config.Tier;
import io.nines.coordinator.Coordinator;
import io.nines.coordinator.CoordinatorOptions;
import io.nines.store.results.InMemoryResultStore;
import io.nines.store.testing.TestFleets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code nines report} against a real coordinator on port 0 with a manual clock. */
class ReportCommandTest {
  static final Instant NOW = Instant.parse("2026-05-10T00:00:00Z");

  final ManualTimeSource time = new ManualTimeSource(NOW);
  Vertx vertx;
  Coordinator coordinator;
  String url;

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    Fleet fleet =
        TestFleets.fleet()
            .service("web", Tier.IMPORTANT)
            .check("web-home", "web", Duration.ofSeconds(30), List.of("eu"), DownWhen.MAJORITY)
            .build();
    InMemoryResultStore store = new InMemoryResultStore();
    coordinator =
        new Coordinator(
            CoordinatorOptions.builder()
                .port(0)
                .agentTokens(Set.of("agent-token-0123456789"))
                .fleet(() -> fleet)
                .store(store)
                .timeSource(time)
                .meterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                .build());
    int port = await(coordinator.start(vertx));
    url = "http://127.0.0.1:" + port;
    await(store.append(List.of(TestFleets.ok("a1", 1, "web-home", "eu", NOW)), fleet, NOW));
    time.advance(Duration.ofMinutes(1));
  }

  @AfterEach
  void stop() throws Exception {
    if (coordinator != null) {
      await(coordinator.stop());
    }
    if (vertx != null) {
      await(vertx.close());
    }
  }

  @Test
  void whenAMonthBeforeTheServiceExistedIsReported_thenItIsListedAsNoDataNotMet() {
    Cli report = Cli.run("report", "--month", "2026-04", "--coordinator", url);

    assertThat(report.exitCode()).as(report.err()).isZero();
    String line = report.out().lines().filter(l -> l.startsWith("web ")).findFirst().orElseThrow();
    assertThat(line).contains("no data").doesNotContain("100.0000%").doesNotContain("yes");
    assertThat(line.trim()).endsWith("no data");
  }

  @Test
  void whenTheCurrentMonthWasObservedForAMinute_thenTheReportSaysHowLittleWasObserved() {
    Cli report = Cli.run("report", "--month", "2026-05", "--coordinator", url);

    assertThat(report.exitCode()).as(report.err()).isZero();
    String line = report.out().lines().filter(l -> l.startsWith("web ")).findFirst().orElseThrow();
    assertThat(line).contains("100.0000%").contains("0.0d").endsWith("yes");
  }
}
