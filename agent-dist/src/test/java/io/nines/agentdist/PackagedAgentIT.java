package io.nines.agentdist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.common.TimeSource;
import io.nines.common.testing.TestCertificates;
import io.nines.config.ConfigDirectory;
import io.nines.config.FleetLoader;
import io.nines.coordinator.Coordinator;
import io.nines.coordinator.CoordinatorOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each agent tarball, unpacked and started by its {@code bin/nines-agent}, probes a local HTTP
 * server and an HTTPS server (an elliptic-curve certificate, the agent trusting its CA through the
 * check's {@code ca-file}) and ships the results to a real coordinator in this JVM, which stores
 * them. The tarball with its own runtime does so with no {@code java} on the {@code PATH} and no
 * {@code JAVA_HOME}: its launcher runs {@code runtime/bin/java}.
 */
class PackagedAgentIT {
  private static final String TOKEN = "packaged-agent-token-0123456789";

  @TempDir Path dir;
  private Vertx vertx;
  private int coordinatorPort;
  private Process agent;
  private Path agentLog;

  private static <T> T join(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    int http =
        join(vertx
                .createHttpServer()
                .requestHandler(r -> r.response().end("plain ok"))
                .listen(0, "127.0.0.1"))
            .actualPort();
    Instant now = Instant.now();
    TestCertificates.Issued ca = TestCertificates.ca("Packaged Agent Test CA");
    TestCertificates.Issued leaf =
        TestCertificates.leaf(
            ca,
            "localhost",
            List.of("localhost", "127.0.0.1"),
            now.minus(Duration.ofHours(1)),
            now.plus(Duration.ofDays(30)));
    Path caFile = ca.writePem(dir, "ca.pem");
    int https =
        join(vertx
                .createHttpServer(
                    new HttpServerOptions().setSsl(true).setKeyCertOptions(leaf.serverOptions()))
                .requestHandler(r -> r.response().end("secure ok"))
                .listen(0, "127.0.0.1"))
            .actualPort();
    Path config = Files.createDirectories(dir.resolve("fleet"));
    Files.writeString(
        config.resolve("fleet.yaml"),
        """
        locations: [eu]
        teams: { web: { email: [web@example.com] } }
        services: { web: { tier: important, owners: [web] } }
        checks:
          - id: plain
            service: web
            every: 2s
            timeout: 1500ms
            http:
              get: "http://127.0.0.1:%d/"
              expect: ['status == 200', 'body contains "plain ok"']
          - id: secure
            service: web
            every: 2s
            timeout: 1500ms
            options: { ca-file: "%s" }
            http:
              get: "https://127.0.0.1:%d/"
              expect: ['status == 200', 'body contains "secure ok"']
        """
            .formatted(http, caFile, https));
    ConfigDirectory configDir =
        ConfigDirectory.open(config, new FleetLoader(TimeSource.SYSTEM, Map.of()));
    Coordinator coordinator =
        new Coordinator(
            CoordinatorOptions.builder()
                .port(0)
                .agentTokens(Set.of(TOKEN))
                .config(configDir)
                .timeSource(TimeSource.SYSTEM)
                .meterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                .build());
    coordinatorPort = join(coordinator.start(vertx));
  }

  @AfterEach
  void stop() throws Exception {
    if (agent != null && agent.isAlive()) {
      agent.destroy();
      if (!agent.waitFor(20, TimeUnit.SECONDS)) {
        agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    join(vertx.close());
  }

  @Test
  void whenTheAgentTarballRunsOnTheHostsJava_thenItProbesAndShipsToTheCoordinator()
      throws Exception {
    Path home =
        Distributions.unpack(Distributions.Kind.PLAIN, Files.createDirectories(dir.resolve("d")));
    Map<String, String> env = Map.of("JAVA_HOME", System.getProperty("java.home"));

    startAgent(home, env, System.getenv("PATH"));

    awaitOkResults();
    assertThat(agent.info().command().orElse(""))
        .as("the JVM of the host")
        .startsWith(System.getProperty("java.home"));
  }

  @Test
  void whenTheRuntimeTarballRunsWithNoJavaOnThePath_thenItUsesItsOwnAndProbesAndShips()
      throws Exception {
    Path home =
        Distributions.unpack(
            Distributions.Kind.WITH_RUNTIME, Files.createDirectories(dir.resolve("r")));
    // A PATH with only what the launcher calls besides sh's builtins (the last four for its
    // class-data archive): no java anywhere on it.
    Path bin = Files.createDirectories(dir.resolve("path-bin"));
    for (String tool : List.of("dirname", "readlink", "ls", "cksum", "mkdir", "rm")) {
      Path real = Path.of("/usr/bin", tool);
      Files.createSymbolicLink(
          bin.resolve(tool), Files.exists(real) ? real : Path.of("/bin", tool));
    }
    ProcessBuilder probe = new ProcessBuilder("/bin/sh", "-c", "command -v java || exit 3");
    probe.environment().clear();
    probe.environment().put("PATH", bin.toString());
    Process none = probe.start();
    assertThat(none.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(none.exitValue()).as("no java on the PATH given to the agent").isEqualTo(3);

    startAgent(home, Map.of(), bin.toString());

    awaitOkResults();
    assertThat(agent.info().command().orElse(""))
        .as("the distribution's own runtime")
        .isEqualTo(home.resolve("runtime/bin/java").toRealPath().toString());
  }

  private void startAgent(Path home, Map<String, String> extraEnv, String path) throws Exception {
    agentLog = dir.resolve("agent.log");
    ProcessBuilder pb =
        new ProcessBuilder(
                "/bin/sh",
                home.resolve("bin/nines-agent").toString(),
                "--location",
                "eu",
                "--id",
                "eu-packaged",
                "--coordinators",
                "http://127.0.0.1:" + coordinatorPort,
                "--http-port",
                "0",
                "--spool-dir",
                dir.resolve("spool").toString())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(agentLog.toFile());
    Map<String, String> env = pb.environment();
    env.clear();
    env.put("PATH", path);
    env.put("NINES_TOKEN", TOKEN);
    env.putAll(extraEnv);
    agent = pb.start();
  }

  private void awaitOkResults() throws Exception {
    try {
      // A read of the coordinator's API that times out on a loaded machine is polled again, not
      // a failure: the bound is atMost.
      await("both checks have a successful result at the coordinator")
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(300))
          .ignoreException(SocketTimeoutException.class)
          .untilAsserted(
              () -> {
                assertThat(agent.isAlive()).as("agent alive").isTrue();
                for (String check : List.of("plain", "secure")) {
                  JsonArray items = results(check);
                  assertThat(items).as("results of %s", check).isNotEmpty();
                  JsonObject newest = items.getJsonObject(0);
                  assertThat(newest.getBoolean("ok")).as("%s: %s", check, newest).isTrue();
                }
              });
    } catch (ConditionTimeoutException | AssertionError e) {
      throw new AssertionError(
          e.getMessage() + "\n--- agent log\n" + Files.readString(agentLog), e);
    }
  }

  private JsonArray results(String check) throws IOException {
    URI uri =
        URI.create(
            "http://127.0.0.1:" + coordinatorPort + "/api/v1/checks/" + check + "/results?limit=1");
    HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
    c.setConnectTimeout(5000);
    c.setReadTimeout(5000);
    try {
      int status = c.getResponseCode();
      InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
      String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(status).as("GET %s: %s", uri, body).isEqualTo(200);
      return new JsonObject(body).getJsonArray("items");
    } finally {
      c.disconnect();
    }
  }
}
