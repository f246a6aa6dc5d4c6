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
import io.nines.store.testing.TestFleets;
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
  static final String SHARED = "shared-fleet-token-0123456789";

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
            .check("shop-pay", "shop", Duration.ofSeconds(30), List.of("eu", "us"), new DownWhen(2))
            .check("shop-search", "shop", Duration.ofSeconds(30), List.of("eu"), DownWhen.MAJORITY)
            .build();
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    coordinator =
        new Coordinator(
            CoordinatorOptions.builder()
                .port(0)
                .agentTokenFile(file)
                .agentTokens(java.util.Set.of(SHARED))
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

  private HttpResponse<Buffer> postBatch(String token, String agent, List<ProbeResult> results)
      throws Exception {
    return await(
        client
            .post(port, "127.0.0.1", "/api/v1/results")
            .putHeader("Authorization", "Bearer " + token)
            .sendJsonObject(new ResultBatch(agent, results).toJson()));
  }

  private double authFailures(String reason) {
    return registry.get("nines.auth.failures").tag("reason", reason).counter().count();
  }

  private double authFailures() {
    return registry.get("nines.auth.failures").counters().stream()
        .mapToDouble(io.micrometer.core.instrument.Counter::count)
        .sum();
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

  @Test
  void whenAnAgentsTokenPostsResultsForAnotherLocation_thenEachIsRefusedWithAReason()
      throws Exception {
    HttpResponse<Buffer> r =
        postBatch(
            eu.token(),
            "eu-1",
            List.of(
                TestFleets.ok("eu-1", 1, "shop-home", "eu", T0),
                TestFleets.fail("eu-1", 2, "shop-home", "us", T0),
                TestFleets.fail("eu-1", 3, "shop-home", "nowhere", T0)));

    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    io.vertx.core.json.JsonObject body = r.bodyAsJsonObject();
    assertThat(body.getInteger("accepted")).isEqualTo(1);
    io.vertx.core.json.JsonArray rejected = body.getJsonArray("rejected");
    assertThat(rejected.size()).isEqualTo(2);
    assertThat(rejected.getJsonObject(0).getString("id")).isEqualTo("eu-1/2");
    assertThat(rejected.getJsonObject(0).getString("reason"))
        .isEqualTo("location 'us' is not this agent's: its token was issued for location 'eu'");
    assertThat(rejected.getJsonObject(1).getString("id")).isEqualTo("eu-1/3");
    assertThat(await(coordinator.store().size())).isEqualTo(1);
    assertThat(authFailures("other_location")).isEqualTo(2.0);
  }

  @Test
  void whenASharedTokenPostsForAnUndeclaredLocation_thenThatResultIsRefused() throws Exception {
    HttpResponse<Buffer> r =
        postBatch(
            SHARED,
            "any-1",
            List.of(
                TestFleets.ok("any-1", 1, "shop-home", "us", T0),
                TestFleets.fail("any-1", 2, "shop-home", "mars", T0)));

    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getInteger("accepted")).isEqualTo(1);
    assertThat(r.bodyAsJsonObject().getJsonArray("rejected").getJsonObject(0).getString("reason"))
        .isEqualTo("location 'mars' is not declared in the configuration (it declares eu, us)");
    assertThat(authFailures("undeclared_location")).isEqualTo(1.0);
  }

  @Test
  void whenAnAgentPostsResultsOfACheckThatDoesNotRunFromItsLocation_thenEachIsRefused()
      throws Exception {
    // shop-search runs from eu only. The us agent's token (leaked, or an agent still running a
    // check the configuration moved away from its location) must not make it DOWN.
    postBatch(eu.token(), "eu-1", List.of(TestFleets.ok("eu-1", 1, "shop-search", "eu", T0)));
    HttpResponse<Buffer> r =
        postBatch(
            us.token(),
            "us-1",
            List.of(
                TestFleets.fail("us-1", 1, "shop-search", "us", T0),
                TestFleets.ok("us-1", 2, "shop-home", "us", T0)));
    time.advance(Duration.ofSeconds(5));

    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    io.vertx.core.json.JsonObject body = r.bodyAsJsonObject();
    assertThat(body.getInteger("accepted")).isEqualTo(1);
    assertThat(body.getJsonArray("rejected").size()).isEqualTo(1);
    assertThat(body.getJsonArray("rejected").getJsonObject(0).getString("id")).isEqualTo("us-1/1");
    assertThat(body.getJsonArray("rejected").getJsonObject(0).getString("reason"))
        .isEqualTo("check 'shop-search' does not run from location 'us' (it runs from eu)");
    HttpResponse<Buffer> checks = await(client.get(port, "127.0.0.1", "/api/v1/checks").send());
    io.vertx.core.json.JsonObject search =
        checks.bodyAsJsonObject().getJsonArray("items").stream()
            .map(io.vertx.core.json.JsonObject.class::cast)
            .filter(c -> c.getString("id").equals("shop-search"))
            .findFirst()
            .orElseThrow();
    assertThat(search.getString("state")).isEqualTo("UP");
    assertThat(search.getJsonObject("locationStates").fieldNames()).containsExactly("eu");
    assertThat(authFailures("check_not_at_location")).isEqualTo(1.0);
  }

  @Test
  void whenOneAgentFakesFailuresFromTwoLocations_thenATwoOfTwoCheckIsNotDown() throws Exception {
    // The attack: one leaked token turns "2 of 2 locations fail" DOWN alone.
    postBatch(
        eu.token(),
        "eu-1",
        List.of(
            TestFleets.fail("eu-1", 1, "shop-pay", "eu", T0),
            TestFleets.fail("eu-1", 2, "shop-pay", "us", T0)));
    postBatch(us.token(), "us-1", List.of(TestFleets.ok("us-1", 1, "shop-pay", "us", T0)));
    time.advance(Duration.ofSeconds(5));

    HttpResponse<Buffer> checks = await(client.get(port, "127.0.0.1", "/api/v1/checks").send());

    io.vertx.core.json.JsonObject pay =
        checks.bodyAsJsonObject().getJsonArray("items").stream()
            .map(io.vertx.core.json.JsonObject.class::cast)
            .filter(c -> c.getString("id").equals("shop-pay"))
            .findFirst()
            .orElseThrow();
    assertThat(pay.getString("state")).isEqualTo("DEGRADED");
    assertThat(pay.getJsonObject("locationStates").getString("us")).isEqualTo("UP");
  }

  @Test
  void whenAnAgentKeepsPostingForAnotherLocation_thenItIsLoggedOnceButCountedEachTime()
      throws Exception {
    java.util.logging.Logger logger =
        java.util.logging.Logger.getLogger(io.nines.coordinator.api.AuthFailures.class.getName());
    List<java.util.logging.LogRecord> records =
        java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    java.util.logging.Handler handler =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord record) {
            records.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    logger.addHandler(handler);
    try {
      for (int i = 1; i <= 3; i++) {
        postBatch(
            eu.token(),
            "eu-1",
            List.of(
                TestFleets.fail("eu-1", 2L * i, "shop-home", "us", T0),
                TestFleets.fail("eu-1", 2L * i + 1, "shop-home", "us", T0)));
      }
    } finally {
      logger.removeHandler(handler);
    }

    assertThat(authFailures("other_location")).isEqualTo(6.0);
    assertThat(records)
        .filteredOn(r -> r.getMessage().contains("eu-1"))
        .hasSize(1)
        .first()
        .satisfies(r -> assertThat(r.getMessage()).contains("'eu'").contains("logged once"));
  }

  @Test
  void whenAnAgentSendsHeartbeatsForAnotherLocation_then403AndCounted() throws Exception {
    HttpResponse<Buffer> r =
        await(
            client
                .post(port, "127.0.0.1", "/api/v1/agents/heartbeat")
                .putHeader("Authorization", "Bearer " + eu.token())
                .sendJsonObject(
                    new io.vertx.core.json.JsonObject()
                        .put("id", "eu-1")
                        .put("location", "us")
                        .put("capacity", 10)));

    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(authFailures("other_location")).isEqualTo(1.0);
  }

  @Test
  void whenAnAgentEndpointRefusesAToken_thenItSaysBearer() throws Exception {
    HttpResponse<Buffer> heartbeat =
        await(
            client
                .post(port, "127.0.0.1", "/api/v1/agents/heartbeat")
                .sendJsonObject(new io.vertx.core.json.JsonObject()));
    HttpResponse<Buffer> config =
        await(client.get(port, "127.0.0.1", "/api/v1/agents/config").send());
    HttpResponse<Buffer> results = post("eu-1", 1, null);

    for (HttpResponse<Buffer> r : List.of(heartbeat, config, results)) {
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.getHeader("WWW-Authenticate")).isEqualTo("Bearer");
    }
    assertThat(authFailures("missing_token")).isEqualTo(3.0);
  }
}
