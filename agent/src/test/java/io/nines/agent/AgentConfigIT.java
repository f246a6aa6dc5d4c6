package io.nines.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.agent.spool.SpoolOptions;
import io.nines.common.TimeSource;
import io.nines.config.Check;
import io.nines.config.ConfigSources;
import io.nines.config.Fleet;
import io.nines.config.FleetLoader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent takes the coordinator's configuration: a fake coordinator answers heartbeats and serves
 * {@code GET /api/v1/agents/config}; a loopback target counts the probes each check makes.
 */
class AgentConfigIT {
  private static final Duration WAIT = Duration.ofSeconds(15);

  private Vertx vertx;
  private Agent agent;
  private PrometheusMeterRegistry registry;
  private String target;
  private String coordinator;
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  private final AtomicReference<JsonObject> answer = new AtomicReference<>();
  private final AtomicReference<ConfigSources> served = new AtomicReference<>();
  private final AtomicInteger heartbeats = new AtomicInteger();
  private final AtomicInteger fetches = new AtomicInteger();
  @TempDir Path spoolDir;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    int targetPort =
        join(vertx
                .createHttpServer()
                .requestHandler(
                    req -> {
                      hits.computeIfAbsent(req.path(), p -> new AtomicInteger()).incrementAndGet();
                      req.response().end("ok");
                    })
                .listen(0, "127.0.0.1"))
            .actualPort();
    target = "http://127.0.0.1:" + targetPort;
    int coordinatorPort =
        join(vertx
                .createHttpServer()
                .requestHandler(
                    req ->
                        req.body()
                            .onSuccess(
                                body -> {
                                  switch (req.path()) {
                                    case "/api/v1/agents/heartbeat" -> {
                                      heartbeats.incrementAndGet();
                                      req.response().end(answer.get().encode());
                                    }
                                    case "/api/v1/agents/config" -> {
                                      fetches.incrementAndGet();
                                      ConfigSources s = served.get();
                                      String etag = "\"" + s.hash() + "\"";
                                      if (etag.equals(req.getHeader("If-None-Match"))) {
                                        req.response().setStatusCode(304).end();
                                        return;
                                      }
                                      JsonArray files = new JsonArray();
                                      s.files()
                                          .forEach(
                                              f ->
                                                  files.add(
                                                      new JsonObject()
                                                          .put("path", f.path())
                                                          .put("text", f.text())));
                                      req.response()
                                          .putHeader("ETag", etag)
                                          .end(
                                              new JsonObject()
                                                  .put("version", s.hash())
                                                  .put("files", files)
                                                  .encode());
                                    }
                                    default -> req.response().end("{}");
                                  }
                                }))
                .listen(0, "127.0.0.1"))
            .actualPort();
    coordinator = "http://127.0.0.1:" + coordinatorPort;
  }

  @AfterEach
  void stop() throws Exception {
    if (agent != null) {
      join(agent.stop());
    }
    join(vertx.close());
  }

  private static <T> T join(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** A configuration with one 1 s HTTP check per id, each probing {@code /<id>} on the target. */
  private ConfigSources config(String every, String... ids) {
    StringBuilder checks = new StringBuilder("checks:\n");
    for (String id : ids) {
      checks.append(
          """
            - id: %s
              service: shop
              every: %s
              locations: [eu-west]
              http: {get: "${target}/%s", expect: [status == 200]}
          """
              .formatted(id, every, id));
    }
    return ConfigSources.of(
        List.of(
            new ConfigSources.File(
                "fleet.yaml",
                """
                locations: [eu-west, us-east]
                vars: {target: "%s"}
                teams: {web: {email: [web@shop.example]}}
                services: {shop: {tier: important, owners: [web]}}
                """
                    .formatted(target)),
            new ConfigSources.File("checks.yaml", checks.toString())));
  }

  private static Fleet load(ConfigSources sources) throws Exception {
    return new FleetLoader(TimeSource.SYSTEM, Map.of(), Map.of()).load(sources);
  }

  private static JsonObject answer(long version, ConfigSources config, String... checks) {
    return new JsonObject()
        .put("agent", "agent-1")
        .put("version", version)
        .put("config", config.hash())
        .put("checks", new JsonArray(List.of((Object[]) checks)));
  }

  private void startAgent(Fleet fleet) throws Exception {
    startAgent(fleet, Map.of());
  }

  private void startAgent(Fleet fleet, Map<String, String> env) throws Exception {
    AgentOptions options =
        AgentOptions.defaults("agent-1", "eu-west", List.of(coordinator), "token")
            .withHttpPort("127.0.0.1", 0)
            .withSpool(SpoolOptions.defaults(spoolDir));
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    agent = new Agent(vertx, options, fleet, TimeSource.SYSTEM, registry, env);
    join(agent.start());
  }

  private int hits(String check) {
    AtomicInteger n = hits.get("/" + check);
    return n == null ? 0 : n.get();
  }

  private double config(String outcome) {
    return registry.get("nines.agent.config").tag("outcome", outcome).counter().count();
  }

  private double scheduled() {
    return registry.find("nines.scheduler.checks").gauges().stream()
        .mapToDouble(g -> g.value())
        .sum();
  }

  private String hashOfAgent() {
    Fleet f = agent.fleet();
    return f == null ? null : f.version().hash();
  }

  @Test
  void whenTheCoordinatorsConfigurationChanges_thenANewCheckRunsAndARemovedOneStops()
      throws Exception {
    ConfigSources v1 = config("1s", "keep", "gone");
    ConfigSources v2 = config("1s", "keep", "added");
    served.set(v1);
    answer.set(answer(1, v1, "keep", "gone"));
    startAgent(load(v1));
    await().atMost(WAIT).until(() -> hits("keep") > 0 && hits("gone") > 0);

    served.set(v2);
    answer.set(answer(2, v2, "keep", "added"));
    await().atMost(WAIT).until(() -> v2.hash().equals(hashOfAgent()));
    int goneAtSwap = hits("gone");
    int keepAtSwap = hits("keep");
    await().atMost(WAIT).until(() -> hits("added") > 0 && hits("keep") >= keepAtSwap + 3);

    // A run of the removed check in flight at the swap may finish; none starts after it.
    assertThat(hits("gone")).isLessThanOrEqualTo(goneAtSwap + 1);
    assertThat(agent.checks()).extracting(Check::id).containsExactly("keep", "added");
    assertThat(scheduled()).isEqualTo(2);
    assertThat(config("applied")).isEqualTo(1);
    assertThat(config("rejected")).isZero();
  }

  @Test
  void whenTheAgentStartsWithNoConfiguration_thenItRunsTheCoordinatorsOnce() throws Exception {
    ConfigSources v1 = config("1s", "home");
    served.set(v1);
    answer.set(answer(1, v1, "home"));

    startAgent(null);

    await().atMost(WAIT).until(() -> hits("home") > 0);
    assertThat(hashOfAgent()).isEqualTo(v1.hash());
    int fetched = fetches.get();
    int beats = heartbeats.get();
    await().atMost(WAIT).until(() -> heartbeats.get() >= beats + 2);
    assertThat(fetches.get())
        .as("an unchanged configuration is not fetched again")
        .isEqualTo(fetched);
    assertThat(ConfigCache.read(ConfigCache.fileIn(spoolDir)))
        .as("kept in the state directory for a restart while no coordinator answers")
        .contains(v1);
  }

  @Test
  void whenTheCoordinatorsConfigurationDoesNotLoadOnTheAgent_thenItKeepsItsOwnAndCountsIt()
      throws Exception {
    ConfigSources v1 = config("1s", "home");
    ConfigSources broken = config("0s", "home", "other");
    served.set(v1);
    answer.set(answer(1, v1, "home"));
    startAgent(load(v1));
    await().atMost(WAIT).until(() -> hits("home") > 0);

    served.set(broken);
    answer.set(answer(2, broken, "home", "other"));
    await().atMost(WAIT).until(() -> config("rejected") == 1);
    int fetched = fetches.get();
    int beats = heartbeats.get();
    int homeAtReject = hits("home");
    await()
        .atMost(WAIT)
        .until(() -> heartbeats.get() >= beats + 2 && hits("home") >= homeAtReject + 2);

    assertThat(hashOfAgent()).isEqualTo(v1.hash());
    assertThat(hits("other")).isZero();
    assertThat(fetches.get()).as("rejected files are not fetched again").isEqualTo(fetched);
    assertThat(config("applied")).isZero();
  }

  @Test
  void whenAnOlderAssignmentArrives_thenNeitherItNorItsConfigurationIsApplied() throws Exception {
    ConfigSources v1 = config("1s", "home");
    ConfigSources older = config("1s", "stale");
    served.set(v1);
    answer.set(answer(10, v1, "home"));
    startAgent(load(v1));
    await().atMost(WAIT).until(() -> hits("home") > 0);

    served.set(older);
    answer.set(answer(5, older, "stale"));
    int beats = heartbeats.get();
    int fetched = fetches.get();
    await().atMost(WAIT).until(() -> heartbeats.get() >= beats + 2);

    assertThat(hashOfAgent()).isEqualTo(v1.hash());
    assertThat(fetches.get()).isEqualTo(fetched);
    assertThat(scheduled()).isEqualTo(1);
    assertThat(hits("stale")).isZero();
  }

  /**
   * {@code sources} with a browser check {@code id} for {@code location} added (as its own file).
   */
  private static ConfigSources withBrowserCheck(ConfigSources sources, String id, String location) {
    List<ConfigSources.File> files = new java.util.ArrayList<>(sources.files());
    files.add(
        new ConfigSources.File(
            "browser-" + id + ".yaml",
            """
            checks:
              - id: %s
                service: shop
                every: 1s
                locations: [%s]
                browser: {steps: [{goto: "${target}/page"}]}
            """
                .formatted(id, location)));
    return ConfigSources.of(files);
  }

  @Test
  void whenAConfigurationBringsTheFirstBrowserCheck_thenTheAgentLooksForChromiumThenAndNotBefore(
      @TempDir Path bin) throws Exception {
    // A "Chromium" that leaves a mark when started and then fails its start at once: it names a
    // DevTools port nobody listens on (port 1), so the trial fails on the refused connection. (A
    // "Chromium" that only exits is seen as failed at the trial's 30 s deadline, since the
    // watchdog shell around it lives on; the agent's stop waits for the trial, and this test's
    // stop would race that deadline.)
    Path started = bin.resolve("started");
    Path chromium = bin.resolve("chromium");
    java.nio.file.Files.writeString(
        chromium,
        "#!/bin/sh\ntouch '"
            + started
            + "'\nfor a in \"$@\"; do case \"$a\" in --user-data-dir=*) d=\"${a#--user-data-dir=}\";;"
            + " esac; done\nprintf '1\\n/devtools/browser/none\\n' > \"$d/DevToolsActivePort\"\nexit 1\n");
    assertThat(chromium.toFile().setExecutable(true)).isTrue();
    ConfigSources v1 = withBrowserCheck(config("1s", "home"), "elsewhere-browser", "us-east");
    ConfigSources v2 = withBrowserCheck(v1, "shop-browser", "eu-west");
    served.set(v1);
    answer.set(answer(1, v1, "home"));
    startAgent(load(v1), Map.of("NINES_CHROMIUM", chromium.toString(), "PATH", "/usr/bin:/bin"));
    int beats = heartbeats.get();
    await().atMost(WAIT).until(() -> heartbeats.get() >= beats + 2 && hits("home") > 0);
    assertThat(started)
        .as("no Chromium is tried while no browser check lists the agent's location")
        .doesNotExist();

    served.set(v2);
    answer.set(answer(2, v2, "home"));
    await().atMost(WAIT).until(() -> java.nio.file.Files.exists(started));
    assertThat(hashOfAgent()).isEqualTo(v2.hash());
  }
}
