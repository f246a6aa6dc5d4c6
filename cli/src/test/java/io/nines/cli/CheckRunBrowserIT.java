package io.nines.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.common.testing.TestPeers;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nines check run --check ID --json} runs a browser check in a local Chromium. */
class CheckRunBrowserIT {
  private static Vertx vertx;
  private static int port;

  @TempDir Path dir;
  @TempDir Path shots;

  @BeforeAll
  static void start() throws Exception {
    TestPeers.binary("chromium", List.of("chromium", "chromium-browser"), "chromium");
    vertx = Vertx.vertx();
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(
                req ->
                    req.response()
                        .putHeader("Content-Type", "text/html")
                        .end(
                            "<html><head><title>Shop</title></head><body><h1>Shop</h1>"
                                + "<button id=buy>Buy</button><p id=status></p></body></html>"))
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    port = server.actualPort();
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void whenABrowserCheckFails_thenTheJsonNamesTheStepAndTheScreenshotFile() throws Exception {
    Files.writeString(
        dir.resolve("fleet.yaml"),
        """
        locations: [local]
        vars: {base: "http://127.0.0.1:%d"}
        teams: {web: {email: [web@example.com]}}
        services: {site: {tier: important, owners: [web]}}
        checks:
          - id: shop-browser
            service: site
            browser:
              steps:
                - goto: "${base}/"
                - click: "#buy"
                - name: bought
                  expect: { text: "Thanks", in: "#status" }
                  timeout: 1s
        """
            .formatted(port));

    Cli cli =
        Cli.run(
            "check",
            "run",
            dir.toString(),
            "--check",
            "shop-browser",
            "--json",
            "--screenshots",
            shots.toString());

    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(1);
    JsonObject line = new JsonObject(cli.out().strip());
    assertThat(line.getJsonObject("failure").getString("kind")).isEqualTo("ASSERTION");
    assertThat(line.getJsonObject("failure").getString("step")).isEqualTo("bought");
    assertThat(line.getJsonObject("failure").getString("message"))
        .isEqualTo("expected text 'Thanks' in '#status' within 1s, but it shows: ''");
    assertThat(line.getJsonArray("steps")).hasSize(3);
    Path png = Path.of(line.getString("screenshot"));
    assertThat(png).startsWith(shots).exists();
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(1280);
  }
}
