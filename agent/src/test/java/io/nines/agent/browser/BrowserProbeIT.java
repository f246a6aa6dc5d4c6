package io.nines.agent.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.agent.probe.HttpClients;
import io.nines.agent.probe.ProbeContext;
import io.nines.agent.probe.ProbeOutcome;
import io.nines.common.FailureKind;
import io.nines.common.TimeSource;
import io.nines.common.testing.ManualTimeSource;
import io.nines.common.testing.TestPeers;
import io.nines.config.Check;
import io.nines.config.FleetLoader;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The browser probe with a real headless Chromium against a small shop served on port 0: a page
 * with a login form and a JavaScript button, a broken copy of it, a 500 page and a page that logs a
 * console error.
 */
class BrowserProbeIT {
  static Path chromium;
  static Vertx vertx;
  static HttpServer server;
  static String base;
  static HttpClients clients;
  static BrowserProbe probe;

  static final String SHOP =
      """
      <!doctype html><html><head><title>ShopSmart</title></head><body>
      <h1>ShopSmart</h1>
      <form id="login" onsubmit="event.preventDefault();
          document.getElementById('greeting').textContent = 'Welcome, ' +
          document.getElementById('user').value;">
        <label for="user">User</label><input id="user" name="user">
        <label for="password">Password</label><input id="password" type="password">
        <button type="submit">Log in</button>
      </form>
      <p id="greeting"></p>
      <select id="size"><option value="S">Small</option><option value="M">Medium</option></select>
      <p id="order" data-id="A-42">Order A-42</p>
      <button id="checkout" %s>Checkout</button>
      <p id="status"></p>
      <script>%s</script>
      </body></html>
      """;

  static final String WORKING =
      "document.getElementById('checkout').addEventListener('click', () => {"
          + " document.getElementById('status').textContent = 'Thank you for your order'; });";
  static final String BROKEN =
      "document.getElementById('checkout').addEventListener('click', () => {"
          + " throw new Error('checkout is broken'); });";

  @BeforeAll
  static void start() throws Exception {
    chromium = TestPeers.binary("chromium", List.of("chromium", "chromium-browser"), "chromium");
    vertx = Vertx.vertx();
    server =
        vertx
            .createHttpServer()
            .requestHandler(
                req -> {
                  String html;
                  int status = 200;
                  switch (req.path()) {
                    case "/shop" -> html = SHOP.formatted("", WORKING);
                    case "/broken" -> html = SHOP.formatted("", BROKEN);
                    case "/fail" -> {
                      status = 500;
                      html = "<html><body><h1>Internal error</h1></body></html>";
                    }
                    case "/secret" ->
                        html =
                            "<html><head><title>login</title></head><body>"
                                + "<input id=password type=password><button id=go>Go</button>"
                                + "<p id=out></p><script>"
                                + "const pw = document.getElementById('password'); let seen = false;"
                                + "setInterval(() => { if (pw.value) seen = true;"
                                + " else if (seen) document.title = 'masked'; }, 2);"
                                + "document.getElementById('go').onclick = () => {"
                                + " document.getElementById('out').textContent = 'len=' +"
                                + " pw.value.length; };"
                                + "</script></body></html>";
                    case "/console" ->
                        html =
                            "<html><body><p>hi</p><script>console.error('payment widget"
                                + " failed to load');</script></body></html>";
                    default -> {
                      status = 404;
                      html = "<html><body>not found</body></html>";
                    }
                  }
                  req.response()
                      .setStatusCode(status)
                      .putHeader("Content-Type", "text/html; charset=utf-8")
                      .end(html);
                })
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + server.actualPort();
    clients = new HttpClients(vertx, 4);
    probe = new BrowserProbe(chromium, 2);
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      await(probe.close(vertx));
      clients.close();
      await(vertx.close());
    }
  }

  @TempDir Path dir;

  private Check check(String yaml) throws Exception {
    Files.writeString(
        dir.resolve("fleet.yaml"),
        """
        locations: [eu-west]
        vars: {shop: "%s"}
        teams: {web: {email: [web@shop.example]}}
        services: {shop: {tier: important, owners: [web]}}
        checks:
          - id: shop-browser
            service: shop
        """
                .formatted(base)
            + yaml.indent(4));
    return new FleetLoader(
            new ManualTimeSource(Instant.parse("2026-04-01T00:00:00Z")),
            Map.of(),
            Map.of("SHOP_PASSWORD", "hunter2-secret"))
        .load(dir)
        .checks()
        .get(0);
  }

  private ProbeOutcome run(Check check) throws Exception {
    ProbeContext context =
        new ProbeContext(
            vertx,
            TimeSource.SYSTEM,
            clients,
            Map.of("shop", base),
            ref -> ref.resolve(Map.of("SHOP_PASSWORD", "hunter2-secret")));
    Promise<ProbeOutcome> p = Promise.promise();
    vertx.runOnContext(v -> probe.run(check, context).onComplete(p));
    return await(p.future());
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
  }

  private static final String JOURNEY =
      """
      browser:
        steps:
          - goto: "${shop}/%s"
          - fill: { selector: "#user", value: probe }
          - fill: { selector: "#password", value: "${env:SHOP_PASSWORD}" }
          - click: 'role=button[name="Log in"]'
          - wait-for: { text: "Welcome, probe", in: "#greeting" }
          - select: { selector: "#size", value: Medium }
          - extract: { into: order, from: "#order", attribute: data-id }
          - expect: { text: "Order ${order}" }
          - name: checkout
            click: text="Checkout"
          - name: confirmed
            expect: { text: "Thank you", in: "#status" }
            timeout: 3s
        expect: [ "console.errors == 0", "requests.failed == 0", "latency < 30s" ]
      """;

  @Test
  void whenTheShopWorks_thenTheJourneyPassesWithTimingsAndVitals() throws Exception {
    ProbeOutcome o = run(check(JOURNEY.formatted("shop")));

    assertThat(o.failure()).as("failure").isNull();
    JsonObject d = o.diagnostics();
    assertThat(d.getJsonArray("steps")).hasSize(10);
    assertThat(d.getJsonArray("steps").getJsonObject(0).getString("name")).isEqualTo("1-goto");
    assertThat(d.getJsonArray("steps").getJsonObject(0).getDouble("millis")).isPositive();
    assertThat(d.getString("url")).isEqualTo(base + "/shop");
    assertThat(d.getString("title")).isEqualTo("ShopSmart");
    assertThat(o.phasesMillis()).containsKeys("firstByte", "domContentLoaded", "load", "total");
    assertThat(d.getJsonObject("vitals").getDouble("fcp")).isPositive();
    assertThat(d.getInteger("consoleErrorCount")).isZero();
    assertThat(d.encode()).doesNotContain("hunter2-secret");
    assertThat(d.containsKey("screenshot")).isFalse();
  }

  @Test
  void whenTheCheckoutButtonIsBroken_thenTheRunFailsAtTheExpectWithAScreenshot() throws Exception {
    ProbeOutcome o = run(check(JOURNEY.formatted("broken")));

    assertThat(o.failure().kind()).isEqualTo(FailureKind.ASSERTION);
    assertThat(o.failure().step()).isEqualTo("confirmed");
    assertThat(o.failure().message())
        .isEqualTo("expected text 'Thank you' in '#status' within 3s, but it shows: ''");
    JsonObject d = o.diagnostics();
    assertThat(d.getJsonObject("failedStep").getInteger("index")).isEqualTo(10);
    assertThat(d.getJsonObject("failedStep").getString("selector")).isEqualTo("#status");
    assertThat(d.getJsonArray("consoleErrors").getString(0))
        .contains("Uncaught Error: checkout is broken");
    JsonObject shot = d.getJsonObject("screenshot");
    byte[] png = Base64.getDecoder().decode(shot.getString("base64"));
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(image.getWidth()).isEqualTo(1280);
    assertThat(image.getHeight()).isEqualTo(720);
    assertThat(shot.getInteger("bytes")).isEqualTo(png.length);
    assertThat(d.encode()).doesNotContain("hunter2-secret");
  }

  @Test
  void whenAWaitNeverHolds_thenTheStepTimesOut() throws Exception {
    ProbeOutcome o =
        run(
            check(
                """
                browser:
                  steps:
                    - goto: "${shop}/shop"
                    - wait-for: { text: "Sold out" }
                      timeout: 1s
                """));

    assertThat(o.failure().kind()).isEqualTo(FailureKind.STEP_TIMEOUT);
    assertThat(o.failure().step()).isEqualTo("2-wait-for");
    assertThat(o.failure().message())
        .startsWith(
            "waited 1s for text 'Sold out' on the page, but the page shows: 'ShopSmart User Password Log in");
  }

  @Test
  void whenASelectorMatchesNothing_thenTheStepSaysSo() throws Exception {
    ProbeOutcome o =
        run(
            check(
                """
                browser:
                  step-timeout: 1s
                  steps:
                    - goto: "${shop}/shop"
                    - click: "#pay-now"
                """));

    assertThat(o.failure().kind()).isEqualTo(FailureKind.SELECTOR_NOT_FOUND);
    assertThat(o.failure().message()).isEqualTo("no element matches '#pay-now' after 1s");
    assertThat(o.diagnostics().getJsonObject("failedStep").getString("selector"))
        .isEqualTo("#pay-now");
    assertThat(o.diagnostics().getJsonObject("screenshot").getString("base64")).isNotEmpty();
  }

  @Test
  void whenAPageAnswers500_thenTheNavigationFails() throws Exception {
    ProbeOutcome o = run(check("browser: {steps: [{goto: \"${shop}/fail\"}]}"));

    assertThat(o.failure().kind()).isEqualTo(FailureKind.NAVIGATION_FAILED);
    assertThat(o.failure().message())
        .isEqualTo("goto " + base + "/fail answered 500 Internal Server Error");
  }

  @Test
  void whenThePageLogsAConsoleError_thenTheConsoleAssertionFailsWithIt() throws Exception {
    ProbeOutcome o =
        run(
            check(
                "browser: {steps: [{goto: \"${shop}/console\"}], expect: [\"console.errors =="
                    + " 0\"]}"));

    assertThat(o.failure().kind()).isEqualTo(FailureKind.CONSOLE_ERROR);
    assertThat(o.failure().message())
        .isEqualTo(
            "console.errors == 0: expected == 0, got 1; the first: payment widget failed to load");
  }

  @Test
  void whenTheProbeIsClosedMidJourney_thenNoChromiumProcessIsLeft() throws Exception {
    Check slow =
        check(
            """
            timeout: 50s
            browser:
              steps:
                - goto: "${shop}/shop"
                - wait-for: { text: "never shown" }
                  timeout: 40s
            """);
    ProbeContext context =
        new ProbeContext(vertx, TimeSource.SYSTEM, clients, Map.of("shop", base), ref -> "");
    BrowserProbe own = new BrowserProbe(chromium, 1);
    Promise<ProbeOutcome> p = Promise.promise();
    vertx.runOnContext(v -> own.run(slow, context).onComplete(p));
    // Mid-journey: the browser has started its helper processes and the page is loaded.
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !own.livePids().isEmpty() && tree(own.livePids().get(0)).size() > 2);
    List<ProcessHandle> tree = tree(own.livePids().get(0));
    assertThat(tree.size()).as("the browser and its helpers").isGreaterThan(1);

    await(own.close(vertx));

    // Killed processes leave the process table when their parent (or init) reaps them.
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(tree)
                    .allSatisfy(h -> assertThat(h.isAlive()).as("pid " + h.pid()).isFalse()));
    assertThat(own.livePids()).isEmpty();
    ProbeOutcome o = await(p.future());
    assertThat(o.ok()).isFalse();
  }

  private static List<ProcessHandle> tree(long pid) {
    List<ProcessHandle> all = new java.util.ArrayList<>();
    ProcessHandle.of(pid)
        .ifPresent(
            h -> {
              all.add(h);
              all.addAll(h.descendants().toList());
            });
    return all;
  }

  @Test
  void whenTheAgentIsKilledMidJourney_thenNoChromiumProcessIsLeft() throws Exception {
    check(
        """
        timeout: 50s
        browser:
          steps:
            - goto: "${shop}/shop"
            - wait-for: { text: "never shown" }
              timeout: 40s
        """);
    Process agent =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                BrowserKillMain.class.getName(),
                chromium.toString(),
                dir.toString(),
                base)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      java.io.BufferedReader out =
          new java.io.BufferedReader(new java.io.InputStreamReader(agent.getInputStream()));
      String line = out.readLine();
      assertThat(line).as("the stand-in agent's first line").startsWith("LIVE ");
      long pid = Long.parseLong(line.substring(5).trim());
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> tree(pid).size() > 2);
      List<ProcessHandle> browser = tree(pid);

      Path profile =
          Path.of(
              ProcessHandle.of(pid).orElseThrow().info().arguments().stream()
                  .flatMap(java.util.Arrays::stream)
                  .flatMap(a -> java.util.Arrays.stream(a.split(" ")))
                  .filter(a -> a.startsWith("--user-data-dir="))
                  .findFirst()
                  .orElseThrow()
                  .substring("--user-data-dir=".length()));
      assertThat(profile).exists();

      agent.destroyForcibly(); // SIGKILL: no shutdown hook runs
      agent.waitFor(10, TimeUnit.SECONDS);

      Awaitility.await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () ->
                  assertThat(browser)
                      .allSatisfy(h -> assertThat(h.isAlive()).as("pid " + h.pid()).isFalse()));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(profile));
    } finally {
      agent.destroyForcibly();
    }
  }

  @Test
  void whenAScreenshotIsTaken_thenSecretFieldsAreBlankedForItAndRestoredAfter() throws Exception {
    ProbeOutcome o =
        run(
            check(
                """
                browser:
                  steps:
                    - goto: "${shop}/secret"
                    - fill: { selector: "#password", value: "${env:SHOP_PASSWORD}" }
                    - screenshot: filled
                    - expect: { title: masked }
                    - click: "#go"
                    - expect: { text: "len=14", in: "#out" }
                """));

    assertThat(o.failure()).as("failure").isNull();
    JsonObject shot = o.diagnostics().getJsonArray("screenshots").getJsonObject(0);
    assertThat(shot.getString("label")).isEqualTo("filled");
    assertThat(Base64.getDecoder().decode(shot.getString("base64"))).isNotEmpty();
    assertThat(o.diagnostics().encode()).doesNotContain("hunter2-secret");
  }
}
