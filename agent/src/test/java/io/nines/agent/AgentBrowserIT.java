package io.nines.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.agent.spool.SpoolOptions;
import io.nines.common.TimeSource;
import io.nines.common.testing.TestPeers;
import io.nines.config.Fleet;
import io.nines.config.FleetLoader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent advertises {@code browser} in its heartbeats only when a Chromium starts on its host,
 * and then runs the browser checks its assignment names.
 */
class AgentBrowserIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private Vertx vertx;
  private Agent agent;
  private String target;
  private String coordinator;
  private final AtomicInteger pageHits = new AtomicInteger();
  private final List<JsonObject> beats = new CopyOnWriteArrayList<>();
  @TempDir Path spoolDir;
  @TempDir Path configDir;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    target =
        "http://127.0.0.1:"
            + join(vertx
                    .createHttpServer()
                    .requestHandler(
                        req -> {
                          if (req.path().equals("/shop")) {
                            pageHits.incrementAndGet();
                          }
                          req.response()
                              .putHeader("Content-Type", "text/html")
                              .end("<html><body><h1>Shop</h1></body></html>");
                        })
                    .listen(0, "127.0.0.1"))
                .actualPort();
    coordinator =
        "http://127.0.0.1:"
            + join(vertx
                    .createHttpServer()
                    .requestHandler(
                        req ->
                            req.body()
                                .onSuccess(
                                    body -> {
                                      if (req.path().equals("/api/v1/agents/heartbeat")) {
                                        beats.add(body.toJsonObject());
                                        req.response()
                                            .end(
                                                new JsonObject()
                                                    .put("agent", "agent-1")
                                                    .put("version", 1)
                                                    .put(
                                                        "checks",
                                                        new JsonArray().add("shop-browser"))
                                                    .encode());
                                      } else {
                                        req.response().setStatusCode(404).end("{}");
                                      }
                                    }))
                    .listen(0, "127.0.0.1"))
                .actualPort();
  }

  @AfterEach
  void stop() throws Exception {
    if (agent != null) {
      join(agent.stop());
    }
    join(vertx.close());
  }

  private static <T> T join(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private void startAgent(Map<String, String> env) throws Exception {
    Files.writeString(
        configDir.resolve("fleet.yaml"),
        """
        locations: [eu-west]
        vars: {target: "%s"}
        teams: {web: {email: [web@shop.example]}}
        services: {shop: {tier: important, owners: [web]}}
        checks:
          - id: shop-browser
            service: shop
            every: 2s
            timeout: 1500ms
            browser: {steps: [{goto: "${target}/shop"}]}
        """
            .formatted(target));
    Fleet fleet = new FleetLoader(TimeSource.SYSTEM, Map.of(), Map.of()).load(configDir);
    AgentOptions options =
        AgentOptions.defaults("agent-1", "eu-west", List.of(coordinator), "token")
            .withHttpPort("127.0.0.1", 0)
            .withSpool(SpoolOptions.defaults(spoolDir));
    agent =
        new Agent(
            vertx,
            options,
            fleet,
            TimeSource.SYSTEM,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            env);
    join(agent.start());
  }

  @Test
  void whenChromiumStarts_thenTheAgentAdvertisesBrowserAndRunsBrowserChecks() throws Exception {
    Path chromium =
        TestPeers.binary("chromium", List.of("chromium", "chromium-browser"), "chromium");
    startAgent(Map.of("NINES_CHROMIUM", chromium.toString()));

    await()
        .atMost(WAIT)
        .until(
            () ->
                beats.stream()
                    .anyMatch(
                        b -> b.getJsonArray("capabilities", new JsonArray()).contains("browser")));
    await().atMost(WAIT).until(() -> pageHits.get() > 0);
  }

  @Test
  void whenBrowsersAreOff_thenTheAgentAdvertisesNothingAndRunsNoBrowserCheck() throws Exception {
    startAgent(Map.of("NINES_CHROMIUM", "off"));

    await().atMost(WAIT).until(() -> beats.size() >= 3);
    assertThat(beats).allSatisfy(b -> assertThat(b.containsKey("capabilities")).isFalse());
    assertThat(pageHits.get()).isZero();
  }
}
