package io.nines.coordinator.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.common.ProbeResult;
import io.nines.common.ResultBatch;
import io.nines.common.testing.ManualTimeSource;
import io.nines.config.DownWhen;
import io.nines.config.Fleet;
import io.nines.config.Tier;
import io.nines.coordinator.Coordinator;
import io.nines.coordinator.CoordinatorOptions;
import io.nines.coordinator.testing.TestFleets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-agent tokens against a real coordinator: none, wrong, revoked, and another agent's. */
class AgentTokenAuthTest {
  static final Instant T0 = Instant.parse("2026-04-10T00:00:00Z");

  @TempDir Path dir;
  final ManualTimeSource time = new ManualTimeSource(T0);
  Vertx vertx;
  Coordinator coordinator;
  WebClient client;
  PrometheusMeterRegistry registry;
  int port;
  Path file;
  AgentTokens.Created eu;
  AgentTokens.Created us;

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    file = dir.resolve("agent-tokens");
    eu = AgentTokens.create("eu-1", "eu");
    us = AgentTokens.create("us-1", "us");
    AgentTokens.append(file, eu);
    AgentTokens.append(file, us);
    Fleet fleet =
        TestFleets.fleet()
            .service("shop", Tier.CRITICAL)
            .check(
                "shop-home", "shop", Duration.ofSeconds(30), List.of("eu", "us"), DownWhen.MAJORITY)
            .build();
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    coordinator =
        new Coordinator(
            CoordinatorOptions.builder()
                .port(0)
                .agentTokenFile(file)
                .fleet(fleet)
                .timeSource(time)
                .meterRegistry(registry)
                .build());
    port = await(coordinator.start(vertx));
    client = WebClient.create(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  private HttpResponse<Buffer> post(String agent, long seq, String token) throws Exception {
    ProbeResult r = TestFleets.ok(agent, seq, "shop-home", agent.substring(0, 2), T0);
    var request = client.post(port, "127.0.0.1", "/api/v1/results");
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    return await(request.sendJsonObject(new ResultBatch(agent, List.of(r)).toJson()));
  }

  private double authFailures() {
    return registry.get("nines.auth.failures").counter().count();
  }

  @Test
  void whenAnAgentPostsWithItsOwnToken_thenItIsAccepted() throws Exception {
    HttpResponse<Buffer> r = post("eu-1", 1, eu.token());
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getInteger("accepted")).isEqualTo(1);
  }

  @Test
  void whenTheTokenIsMissingOrWrong_then401WithNoDetail() throws Exception {
    HttpResponse<Buffer> none = post("eu-1", 1, null);
    HttpResponse<Buffer> wrong = post("eu-1", 1, "nines_" + "0".repeat(64));
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.bodyAsJsonObject().getString("message"))
        .isEqualTo(none.bodyAsJsonObject().getString("message"));
    assertThat(authFailures()).isEqualTo(2.0);
  }

  @Test
  void whenOneAgentsTokenIsUsedForAnother_then403AndNothingStored() throws Exception {
    HttpResponse<Buffer> r = post("us-1", 1, eu.token());
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("forbidden");
    assertThat(await(coordinator.store().size())).isZero();
    assertThat(authFailures()).isEqualTo(1.0);
  }

  @Test
  void whenATokenIsRevoked_thenTheCoordinatorRefusesItWithoutARestart() throws Exception {
    assertThat(post("eu-1", 1, eu.token()).statusCode()).isEqualTo(200);
    AgentTokens.revoke(file, "eu-1");
    // The file's modification time must move for the reload to see it on coarse file systems.
    java.nio.file.Files.setLastModifiedTime(
        file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertThat(post("eu-1", 2, eu.token()).statusCode()).isEqualTo(401));
    assertThat(post("us-1", 1, us.token()).statusCode()).isEqualTo(200);
  }
}
