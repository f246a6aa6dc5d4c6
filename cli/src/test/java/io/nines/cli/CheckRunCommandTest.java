package io.nines.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.common.TimeSource;
import io.nines.demo.Fault;
import io.nines.demo.ShopServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nines check run} against real endpoints on loopback. */
class CheckRunCommandTest {
  private static Vertx vertx;
  private static int port;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.get("/up").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get("/down").handler(ctx -> ctx.response().setStatusCode(503).end("maintenance"));
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(router)
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    port = server.actualPort();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private Path fleet() throws Exception {
    Files.writeString(
        dir.resolve("fleet.yaml"),
        """
        locations: [local]
        vars:
          base: "http://127.0.0.1:%d"
        teams:
          web: { email: [web@example.com] }
        services:
          site: { tier: important, owners: [web] }
        checks:
          - id: site-up
            service: site
            every: 30s
            http: { get: "${base}/up", expect: [ "status == 200", "body.$.status == 'UP'" ] }
          - id: site-down
            service: site
            every: 30s
            http: { get: "${base}/down", expect: [ "status == 200" ] }
        """
            .formatted(port));
    return dir;
  }

  @Test
  void whenChecksRunWithJson_thenEachPrintsOneObjectAndAFailureExitsOne() throws Exception {
    Cli cli = Cli.run("check", "run", fleet().toString(), "--json");
    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(1);
    List<JsonObject> lines = cli.out().lines().map(JsonObject::new).toList();
    assertThat(lines).hasSize(2);
    JsonObject up =
        lines.stream()
            .filter(l -> l.getString("check").equals("site-up"))
            .findFirst()
            .orElseThrow();
    assertThat(up.getBoolean("ok")).isTrue();
    assertThat(up.getLong("durationMillis")).isNotNegative();
    assertThat(up.containsKey("failure")).isFalse();
    JsonObject down =
        lines.stream()
            .filter(l -> l.getString("check").equals("site-down"))
            .findFirst()
            .orElseThrow();
    assertThat(down.getBoolean("ok")).isFalse();
    assertThat(down.getJsonObject("failure").getString("kind")).isEqualTo("HTTP_STATUS");
    assertThat(down.getJsonObject("failure").getString("step")).isEqualTo("request");
    assertThat(down.getJsonObject("failure").getString("message")).contains("503");
  }

  @Test
  void whenOnlyAPassingCheckIsRun_thenItExitsZero() throws Exception {
    Cli cli = Cli.run("check", "run", fleet().toString(), "--check", "site-up");
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out()).contains("PASS").contains("site-up").contains("1 passed, 0 failed");
  }

  /** The example fleet, with timeouts a cold JVM on a busy machine can meet. */
  private Path example() throws Exception {
    Path example = Path.of("..", "config", "examples", "shopsmart");
    try (var files = Files.list(example)) {
      for (Path f : files.toList()) {
        Files.writeString(
            dir.resolve(f.getFileName()),
            Files.readString(f).replaceAll("timeout: \\d+(ms|s)\\b", "timeout: 10s"));
      }
    }
    return dir;
  }

  @Test
  void whenTheExamplesGrpcAndWebSocketChecksRunAgainstTheDemoShop_thenTheyPassAndAFaultFailsThem()
      throws Exception {
    ShopServer shop = new ShopServer(vertx, TimeSource.SYSTEM, new Random(1));
    int shopPort =
        shop.start("127.0.0.1", 0)
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    try {
      Path config = example();
      String[] args = {
        "check",
        "run",
        config.toString(),
        "--json",
        "--check",
        "orders-grpc",
        "--check",
        "orders-live",
        "--var",
        "shop-address=127.0.0.1:" + shopPort
      };
      Cli passing = Cli.run(args);
      assertThat(passing.exitCode()).as(passing.out() + passing.err()).isZero();
      assertThat(passing.out().lines().map(JsonObject::new))
          .hasSize(2)
          .allMatch(l -> l.getBoolean("ok"));

      shop.setFault("orders", new Fault(Fault.Mode.OUTAGE, 1.0, 0, null));
      Cli failing = Cli.run(args);
      assertThat(failing.exitCode()).isEqualTo(1);
      assertThat(
              failing
                  .out()
                  .lines()
                  .map(JsonObject::new)
                  .map(
                      l ->
                          l.getString("check")
                              + " "
                              + l.getJsonObject("failure").getString("kind")))
          .containsExactlyInAnyOrder("orders-grpc NOT_SERVING", "orders-live HANDSHAKE");
    } finally {
      shop.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void whenAnUnknownCheckIsNamed_thenTheErrorListsTheChecks() throws Exception {
    Cli cli = Cli.run("check", "run", fleet().toString(), "--check", "nope");
    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("no check 'nope'").contains("site-up, site-down");
  }

  @Test
  void whenEveryCommandIsAskedForHelp_thenItAnswers() {
    for (String[] args :
        List.of(
            new String[] {"--help"},
            new String[] {"up", "--help"},
            new String[] {"agent", "--help"},
            new String[] {"coordinator", "--help"},
            new String[] {"config", "validate", "--help"},
            new String[] {"config", "diff", "--help"},
            new String[] {"check", "run", "--help"},
            new String[] {"demo", "fault", "--help"},
            new String[] {"token", "create", "--help"},
            new String[] {"incident", "ack", "--help"})) {
      Cli cli = Cli.run(args);
      assertThat(cli.exitCode()).as(String.join(" ", args)).isZero();
      assertThat(cli.out()).contains("Usage:");
    }
  }
}
