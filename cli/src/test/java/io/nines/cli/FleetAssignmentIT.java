package io.nines.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.agent.Agent;
import io.nines.agent.AgentOptions;
import io.nines.agent.spool.SpoolOptions;
import io.nines.common.TimeSource;
import io.nines.common.testing.ManualTimeSource;
import io.nines.config.ConfigDirectory;
import io.nines.config.Fleet;
import io.nines.config.FleetLoader;
import io.nines.coordinator.Coordinator;
import io.nines.coordinator.CoordinatorOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Assignment with real agents and a real coordinator in one JVM: checks are split between the
 * agents of a location, move when one is lost, and a location with no agent is reported. The
 * coordinator's clock is manual, so "30 seconds without a heartbeat" takes no real time.
 */
class FleetAssignmentIT {
  private static final String TOKEN = "fleet-token-0123456789";

  @TempDir Path dir;
  @TempDir Path spoolRoot;
  private Vertx vertx;
  private ManualTimeSource coordinatorTime;
  private int coordinatorPort;
  private final Map<String, Agent> agents = new HashMap<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private Fleet fleet;
  private ConfigDirectory configDir;
  private int targetPort;

  private static <T> T join(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    Router target = Router.router(vertx);
    target.get("/ok").handler(ctx -> ctx.response().end("ok"));
    targetPort =
        join(vertx.createHttpServer().requestHandler(target).listen(0, "127.0.0.1")).actualPort();
    StringBuilder checks = new StringBuilder();
    for (int i = 1; i <= 4; i++) {
      checks.append(
          "  - { id: c%d, service: site, every: 1s, http: { get: \"http://127.0.0.1:%d/ok\" } }\n"
              .formatted(i, targetPort));
    }
    Files.writeString(
        dir.resolve("fleet.yaml"),
        "locations: [eu, us]\n"
            + "teams: { web: { email: [web@example.com] } }\n"
            + "services: { site: { tier: important, owners: [web] } }\n"
            + "checks:\n"
            + checks);
    configDir = ConfigDirectory.open(dir, new FleetLoader(TimeSource.SYSTEM, Map.of()));
    fleet = configDir.fleet();
    coordinatorTime = new ManualTimeSource(Instant.now());
    Coordinator coordinator =
        new Coordinator(
            CoordinatorOptions.builder()
                .port(0)
                .agentTokens(Set.of(TOKEN))
                .config(configDir)
                .timeSource(coordinatorTime)
                .meterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                .build());
    coordinatorPort = join(coordinator.start(vertx));
  }

  @AfterEach
  void stop() throws Exception {
    join(vertx.close());
  }

  private void startAgent(String id, String location) throws Exception {
    startAgent(id, location, fleet);
  }

  private void startAgent(String id, String location, Fleet fleet) throws Exception {
    Agent agent =
        new Agent(
            vertx,
            AgentOptions.defaults(
                    id, location, List.of("http://127.0.0.1:" + coordinatorPort), TOKEN)
                .withSpool(SpoolOptions.defaults(spoolRoot.resolve("spool-" + id))),
            fleet,
            TimeSource.SYSTEM,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            Map.of());
    join(agent.start());
    agents.put(id, agent);
  }

  private JsonObject get(String path) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + coordinatorPort + path))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  private Map<String, JsonObject> agentsById() throws Exception {
    Map<String, JsonObject> out = new HashMap<>();
    get("/api/v1/agents")
        .getJsonArray("items")
        .forEach(
            o -> {
              JsonObject a = (JsonObject) o;
              out.put(a.getString("id"), a);
            });
    return out;
  }

  private String locationState(String id) throws Exception {
    return get("/api/v1/locations").getJsonArray("items").stream()
        .map(JsonObject.class::cast)
        .filter(l -> l.getString("id").equals(id))
        .findFirst()
        .orElseThrow()
        .getString("state");
  }

  @Test
  void whenAnAgentIsLost_thenItsChecksMoveAndAnEmptyLocationIsReported() throws Exception {
    startAgent("eu-1", "eu");
    startAgent("eu-2", "eu");
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              Map<String, JsonObject> a = agentsById();
              assertThat(a).containsKeys("eu-1", "eu-2");
              assertThat(a.get("eu-1").getInteger("assigned")).isEqualTo(2);
              assertThat(a.get("eu-2").getInteger("assigned")).isEqualTo(2);
            });
    assertThat(locationState("eu")).isEqualTo("covered");
    assertThat(locationState("us")).isEqualTo("no-agents");

    join(agents.get("eu-2").stop());
    coordinatorTime.advance(Duration.ofSeconds(31));
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              Map<String, JsonObject> a = agentsById();
              assertThat(a.get("eu-2").getString("state")).isEqualTo("lost");
              assertThat(a.get("eu-1").getInteger("assigned")).isEqualTo(4);
            });
    // eu-1 now runs every check: each one gets fresh results from it.
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              for (int i = 1; i <= 4; i++) {
                List<String> recent =
                    get("/api/v1/checks/c" + i + "/results?limit=3").getJsonArray("items").stream()
                        .map(JsonObject.class::cast)
                        .map(r -> r.getString("agent"))
                        .toList();
                assertThat(recent).contains("eu-1");
              }
            });

    join(agents.get("eu-1").stop());
    coordinatorTime.advance(Duration.ofSeconds(31));
    assertThat(locationState("eu")).isEqualTo("no-agents");
  }

  @Test
  void whenACheckIsAddedToTheCoordinatorsDirectory_thenAnAgentWithNoLocalConfigurationRunsIt()
      throws Exception {
    startAgent("eu-1", "eu", null);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertThat(agents.get("eu-1").checks()).extracting("id").contains("c1"));

    Files.writeString(
        dir.resolve("more.yaml"),
        "checks:\n"
            + "  - { id: c5, service: site, every: 1s, http: { get: \"http://127.0.0.1:%d/ok\" } }\n"
                .formatted(targetPort));
    assertThat(configDir.reload().outcome()).isEqualTo(ConfigDirectory.Outcome.APPLIED);
    String hash = configDir.fleet().version().hash();

    // The bound: agents learn of a configuration change within 5 s.
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> hash.equals(agents.get("eu-1").fleet().version().hash()));
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () ->
                assertThat(get("/api/v1/checks/c5/results?limit=3").getJsonArray("items"))
                    .isNotEmpty());
  }
}
