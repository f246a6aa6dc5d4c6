package io.nines.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.common.TimeSource;
import io.nines.common.testing.TestPeers;
import io.nines.demo.Fault;
import io.nines.demo.ShopServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example fleet's browser journey, {@code storefront-browser}, run by the packaged {@code nines
 * check run} (as the README says, with the probe password in the environment) against the demo
 * shop: it passes, and with {@code broken-ui} it fails at its {@code order-confirmed} step with the
 * message and a screenshot file that shows the page.
 */
class StorefrontBrowserCheckIT {
  private static Vertx vertx;
  private static ShopServer shop;
  private static int shopPort;

  @TempDir Path shots;

  @BeforeAll
  static void start() throws Exception {
    TestPeers.binary("chromium", List.of("chromium", "chromium-browser"), "chromium");
    vertx = Vertx.vertx();
    shop = new ShopServer(vertx, TimeSource.SYSTEM, new Random(1));
    shopPort =
        shop.start("127.0.0.1", 0)
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (shop != null) {
      shop.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** {@code nines check run config/examples/shopsmart --check storefront-browser --json}. */
  private JsonObject checkRun() throws Exception {
    Path jar = Path.of("target", "nines-cli.jar").toAbsolutePath();
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                jar + ":" + jar.getParent().resolve("lib") + "/*",
                Main.class.getName(),
                "check",
                "run",
                Path.of("..", "config", "examples", "shopsmart").toString(),
                "--check",
                "storefront-browser",
                "--json",
                "--screenshots",
                shots.toString(),
                "--var",
                "shop=http://127.0.0.1:" + shopPort));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(false);
    pb.environment().put("SHOP_PROBE_PASSWORD", ShopServer.PROBE_PASSWORD);
    Process p = pb.start();
    p.getOutputStream().close();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("nines check run did not finish in 120 s");
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(out).as("stdout (stderr: %s)", err).isNotEmpty();
    JsonObject line = new JsonObject(out.lines().reduce((a, b) -> b).orElseThrow());
    line.put("exitCode", p.exitValue());
    return line;
  }

  @Test
  void whenTheStorefrontWorks_thenTheJourneyPassesAndBrokenUiFailsItAtTheConfirmation()
      throws Exception {
    JsonObject passing = checkRun();

    assertThat(passing.getBoolean("ok")).as(passing.encodePrettily()).isTrue();
    assertThat(passing.getInteger("exitCode")).isZero();

    shop.setFault("checkout", new Fault(Fault.Mode.BROKEN_UI, 1.0, 0, null));
    try {
      JsonObject failing = checkRun();

      assertThat(failing.getInteger("exitCode")).isEqualTo(1);
      JsonObject failure = failing.getJsonObject("failure");
      assertThat(failure.getString("kind")).as(failing.encodePrettily()).isEqualTo("ASSERTION");
      assertThat(failure.getString("step")).isEqualTo("order-confirmed");
      assertThat(failure.getString("message")).contains("Order confirmed");
      Path png = Path.of(failing.getString("screenshot"));
      assertThat(png).startsWith(shots).exists();
      BufferedImage image = ImageIO.read(png.toFile());
      assertThat(image.getWidth()).isEqualTo(1280);
      // The secret typed into the password field never reaches the output.
      assertThat(failing.encode()).doesNotContain(ShopServer.PROBE_PASSWORD);
    } finally {
      shop.clearFault("checkout");
    }
  }
}
