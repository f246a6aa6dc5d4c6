package io.nines.cli;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.common.TimeSource;
import io.nines.config.ConfigDirectory;
import io.nines.config.FleetLoader;
import io.nines.coordinator.Coordinator;
import io.nines.coordinator.CoordinatorOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard in real headless Chromium against the whole quickstart in one JVM: the demo shop, a
 * coordinator and three agents with the ShopSmart example, intervals shortened to 2 s and the
 * payments team's second escalation step to {@link #SECOND_PAGE_AFTER}. Each step leaves a
 * screenshot under {@code target/screenshots/}.
 */
class DashboardBrowserIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** When an unacknowledged payments incident pages again (10 minutes in the real example). */
  private static final Duration SECOND_PAGE_AFTER = Duration.ofSeconds(30);

  @TempDir Path dir;
  private QuickStart stack;
  private Browser browser;
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() throws Exception {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      if (stack != null) {
        stack.stop();
      }
    }
  }

  /**
   * The example, with every interval at 2 s, every timeout at 1500 ms, and the second escalation
   * step after {@link #SECOND_PAGE_AFTER}.
   */
  private Path fastExample() throws Exception {
    Path example = Path.of("..", "config", "examples", "shopsmart");
    try (Stream<Path> files = Files.list(example)) {
      for (Path f : files.toList()) {
        String yaml =
            Files.readString(f)
                .replaceAll("(?m)^(\\s+)every: \\d+[sm]\\b", "$1every: 2s")
                .replaceAll("timeout: \\d+(ms|s)\\b", "timeout: 1500ms")
                .replace("after: 10m", "after: " + SECOND_PAGE_AFTER.toSeconds() + "s");
        Files.writeString(dir.resolve(f.getFileName()), yaml);
      }
    }
    return dir;
  }

  private String rowState(String service) {
    return attribute("#services tr[data-service='" + service + "']", "data-state");
  }

  /**
   * The text of the first element matching {@code css}, or null: read in one script, since the live
   * page re-renders its rows and an element found a moment ago may be gone.
   */
  private String text(String css) {
    return (String)
        browser.driver.executeScript(
            "const e = document.querySelector(arguments[0]); return e ? e.innerText : null;", css);
  }

  private String attribute(String css, String name) {
    return (String)
        browser.driver.executeScript(
            "const e = document.querySelector(arguments[0]);"
                + " return e ? e.getAttribute(arguments[1]) : null;",
            css,
            name);
  }

  private long count(String css) {
    return (Long)
        browser.driver.executeScript("return document.querySelectorAll(arguments[0]).length;", css);
  }

  /** The incident as the API serves it, with its notification log. */
  private JsonObject incident(String id) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(stack.coordinatorUrl() + "/api/v1/incidents/" + id))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  /** How many pages (kind PAGE) the incident has caused so far, by its notification log. */
  private long pagesOf(String id) throws Exception {
    return incident(id).getJsonArray("notifications").stream()
        .map(JsonObject.class::cast)
        .filter(n -> n.getString("kind").equals("PAGE"))
        .count();
  }

  @Test
  void whenAFaultIsInjectedFromTheDemoPanel_thenCheckoutTurnsDownAnIncidentPagesAndAckStopsIt()
      throws Exception {
    browser = Browser.startOrSkip();
    stack =
        new QuickStart(
            new QuickStart.Options(fastExample(), "127.0.0.1", 0, 0), TimeSource.SYSTEM, Map.of());
    stack.start();
    var driver = browser.driver;
    var wait = browser.waitUpTo(WAIT);

    // (a) The overview lists the services, and they come up as agents report.
    driver.get(stack.coordinatorUrl() + "/");
    assertThat(driver.getCurrentUrl()).endsWith("/ui/");
    List<String> ids = List.copyOf(stack.fleet().services().keySet());
    wait.until(d -> count("#services tbody tr") == ids.size());
    for (String id : ids) {
      String name = stack.fleet().services().get(id).name();
      assertThat(text("#services tr[data-service='" + id + "'] td a")).isEqualTo(name);
    }
    wait.until(d -> "UP".equals(rowState("checkout")));
    assertThat(text("#services tr[data-service='checkout']")).contains("UP", "critical", "nines");
    // A fresh stack has observed its services for minutes: figures say so in words.
    assertThat(text("#services tr[data-service='checkout'] td[data-window='30d']"))
        .containsPattern("over the \\d+ (seconds?|minutes?) observed");
    wait.until(d -> count("#services tr[data-service='checkout'] .bar") == 90);
    assertThat(attribute("#services tr[data-service='checkout'] .bar:last-child", "title"))
        .contains("available", "outage");
    browser.screenshot("01-overview");

    // (b) The demo panel's Outage button breaks payments; checkout, which pays through it, turns
    // DOWN on this same page, pushed by the event stream with no reload.
    driver.executeScript("window.__sameDocument = 'yes';");
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("demo")));
    new Select(driver.findElement(By.id("demo-service"))).selectByValue("payments");
    driver.findElement(By.cssSelector("#demo button[data-mode='outage']")).click();
    wait.until(
        ExpectedConditions.textToBePresentInElementLocated(
            By.id("demo-result"), "payments outage"));
    wait.until(d -> "DOWN".equals(rowState("checkout")));
    assertThat(text("#services tr[data-service='checkout'] .state")).contains("DOWN");
    assertThat(driver.executeScript("return window.__sameDocument;")).isEqualTo("yes");
    browser.screenshot("02-checkout-down");

    // (c) An incident opens for payments, and its page reaches the payments team's inbox with the
    // failing step, the actual value and the runbook.
    driver.executeScript("location.hash = '#/incidents';");
    String openCard = "#open-incidents article[data-service='payments']";
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(openCard)));
    String id = attribute(openCard, "data-incident");
    wait.until(d -> count(openCard + " tr.notification[data-kind='PAGE']") >= 1);
    assertThat(text(openCard + " .state")).contains("OPEN");
    assertThat(text(openCard + " tr.notification[data-kind='PAGE']")).contains("payments");
    browser.screenshot("03-incident-open");

    driver.executeScript("location.hash = '#/inbox';");
    String page =
        "#inbox article[data-team='payments'][data-kind='PAGE'][data-incident='" + id + "']";
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(page)));
    assertThat(text(page)).contains("PAGE", "to payments", "Failing step", "Actual value");
    assertThat(attribute(page + " a.runbook", "href"))
        .isEqualTo("https://runbooks.shopsmart.example/payments");
    browser.screenshot("04-inbox-page");

    // (d) Ack on the incident page: it reads acknowledged without a reload, and the escalation's
    // second page, due SECOND_PAGE_AFTER into the incident, never comes.
    driver.executeScript("location.hash = '#/incidents';");
    wait.until(
        ExpectedConditions.elementToBeClickable(By.cssSelector("button[data-ack='" + id + "']")));
    driver.findElement(By.cssSelector("button[data-ack='" + id + "']")).click();
    String ackedCard = "article[data-incident='" + id + "'][data-state='acknowledged']";
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(ackedCard)));
    assertThat(text(ackedCard + " .state")).contains("ACKNOWLEDGED");
    assertThat(text(ackedCard)).contains("by dashboard");
    assertThat(count("button[data-ack='" + id + "']")).isZero();
    assertThat(driver.executeScript("return window.__sameDocument;")).isEqualTo("yes");
    JsonObject acked = incident(id);
    Instant start = Instant.parse(acked.getString("start"));
    Instant ackedAt = Instant.parse(acked.getString("acknowledgedAt"));
    assertThat(ackedAt)
        .as("acknowledged before the second escalation step was due")
        .isBefore(start.plus(SECOND_PAGE_AFTER));
    long pagesAtAck = pagesOf(id);
    assertThat(pagesAtAck).isEqualTo(1);
    browser.screenshot("05-incident-acknowledged");
    // Watch the log until the second step is well past due: no page may arrive.
    Instant watchUntil = start.plus(SECOND_PAGE_AFTER).plusSeconds(5);
    browser
        .waitUpTo(Duration.between(Instant.now(), watchUntil).plus(WAIT))
        .pollingEvery(Duration.ofSeconds(1))
        .until(
            d -> {
              try {
                assertThat(pagesOf(id)).as("pages of %s after the ack", id).isEqualTo(pagesAtAck);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
              return Instant.now().isAfter(watchUntil);
            });
    assertThat(count(ackedCard + " tr.notification[data-kind='PAGE']")).isEqualTo(pagesAtAck);

    // The agents page: three live agents, every location covered.
    driver.executeScript("location.hash = '#/agents';");
    wait.until(d -> count("#agents tr[data-state='live']") == 3);
    // These agents have no Chromium: eu-west, where the example's browser journey runs, is
    // covered for every other check and said to lack a browser agent, not to lack agents.
    assertThat(count("#locations tr[data-state='covered']")).isEqualTo(2);
    assertThat(text("#locations tr[data-location='eu-west']")).contains("NO BROWSER");
    assertThat(text("#agents tr[data-state='live']")).contains("LIVE");
    browser.screenshot("06-agents");

    // The service page: the outage on the timeline, the failures with their step, dependencies.
    driver.executeScript("location.hash = '#/';");
    wait.until(d -> "DOWN".equals(rowState("checkout")));
    driver.executeScript(
        "document.querySelector(\"#services tr[data-service='checkout'] td a\").click();");
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#timeline .seg.DOWN")));
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#failures tr.failure")));
    assertThat(text("#failures tr.failure")).contains("checkout");
    assertThat(text("#dependencies")).contains("Payments API", "Catalog");
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#latency canvas")));
    // The latency chart spans the selected window (24 h), not the few seconds of its points.
    wait.until(d -> attribute("#latency", "data-x-span-seconds") != null);
    assertThat(attribute("#latency", "data-x-span-seconds")).isEqualTo("86400");
    browser.screenshot("07-service-checkout");

    // The risk matrix and the monthly report render from their endpoints.
    driver.executeScript("location.hash = '#/risk';");
    wait.until(
        ExpectedConditions.presenceOfElementLocated(
            By.cssSelector("#risk a[data-service='checkout']")));
    browser.screenshot("08-risk");
    driver.executeScript("location.hash = '#/report';");
    wait.until(
        ExpectedConditions.presenceOfElementLocated(
            By.cssSelector("#report tr[data-service='checkout']")));
    assertThat(attribute("#csv", "href")).contains("format=csv");
    browser.screenshot("09-report");

    // (e) The public status page shows the outage, and nothing internal.
    driver.get(stack.coordinatorUrl() + "/status");
    String section = "section[data-name='Checkout']";
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(section + " .bar")));
    assertThat(text(section + " .state")).contains("DOWN");
    assertThat(text(section + " [data-figure='availability']"))
        .containsPattern("% over the \\d+ (seconds?|minutes?) observed")
        .doesNotContain("over 90 days");
    assertThat(count(section + " .bar")).isEqualTo(90);
    assertThat(Double.parseDouble(attribute(section + " .bar:last-child", "data-availability")))
        .isLessThan(1.0);
    assertThat(text("#summary")).contains("problems");
    assertThat(driver.getPageSource()).doesNotContain("checkout-journey", "127.0.0.1:");
    browser.screenshot("10-status");
  }

  @Test
  void whenTheCoordinatorWantsTokens_thenTheDashboardAsksForOneAndReadsWithIt() throws Exception {
    browser = Browser.startOrSkip();
    String read = "dashboard-read-token-0123456789";
    Vertx vertx = Vertx.vertx();
    try {
      ConfigDirectory config =
          ConfigDirectory.open(
              Path.of("..", "config", "examples", "shopsmart"),
              new FleetLoader(TimeSource.SYSTEM, Map.of()));
      Coordinator coordinator =
          new Coordinator(
              CoordinatorOptions.builder()
                  .host("127.0.0.1")
                  .port(0)
                  .agentTokens(Set.of("dashboard-agent-token-0123456789"))
                  .readTokens(Set.of(read))
                  .adminTokens(Set.of("dashboard-admin-token-0123456789"))
                  .config(config)
                  .timeSource(TimeSource.SYSTEM)
                  .meterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                  .build());
      int port =
          coordinator.start(vertx).toCompletionStage().toCompletableFuture().get(30, SECONDS);
      var driver = browser.driver;
      var wait = browser.waitUpTo(WAIT);

      // Without a token: asked for one, and nothing is listed.
      driver.get("http://127.0.0.1:" + port + "/ui/");
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("signin")));
      assertThat(text("#signin")).contains("asks for a read or admin token").doesNotContain("null");
      assertThat(count("#services tbody tr")).isZero();
      browser.screenshot("10-token-asked");

      // A wrong token is refused, and asked for again.
      driver.findElement(By.id("token-input")).sendKeys("not-the-token");
      driver.findElement(By.id("token-use")).click();
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("signin")));
      assertThat(count("#services tbody tr")).isZero();

      // The read token lists the services, and stays for the tab: a reload needs no new one.
      driver.findElement(By.id("token-input")).sendKeys(read);
      driver.findElement(By.id("token-use")).click();
      int services = config.fleet().services().size();
      wait.until(d -> count("#services tbody tr") == services);
      driver.navigate().refresh();
      wait.until(d -> count("#services tbody tr") == services);
      assertThat(count("#signin")).isZero();
      browser.screenshot("11-token-used");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, SECONDS);
    }
  }

  @Test
  void whenABrowserCheckFailsWithAScreenshot_thenTheServicePageShowsItAndTheStepTimings()
      throws Exception {
    browser = Browser.startOrSkip();
    String read = "dashboard-read-token-0123456789";
    String agentToken = "dashboard-agent-token-0123456789";
    Vertx vertx = Vertx.vertx();
    try {
      ConfigDirectory config =
          ConfigDirectory.open(
              Path.of("..", "config", "examples", "shopsmart"),
              new FleetLoader(TimeSource.SYSTEM, Map.of()));
      Coordinator coordinator =
          new Coordinator(
              CoordinatorOptions.builder()
                  .host("127.0.0.1")
                  .port(0)
                  .agentTokens(Set.of(agentToken))
                  .readTokens(Set.of(read))
                  .adminTokens(Set.of("dashboard-admin-token-0123456789"))
                  .config(config)
                  .timeSource(TimeSource.SYSTEM)
                  .meterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                  .build());
      int port =
          coordinator.start(vertx).toCompletionStage().toCompletableFuture().get(30, SECONDS);
      String base = "http://127.0.0.1:" + port;

      // A browser failure, posted as an agent posts it: steps, navigation, vitals, the failing
      // step and a real PNG of 320x200.
      var check = config.fleet().checks().get(0);
      java.awt.image.BufferedImage image =
          new java.awt.image.BufferedImage(320, 200, java.awt.image.BufferedImage.TYPE_INT_RGB);
      var g = image.createGraphics();
      g.setColor(java.awt.Color.ORANGE);
      g.fillRect(0, 0, 320, 200);
      g.dispose();
      var png = new java.io.ByteArrayOutputStream();
      javax.imageio.ImageIO.write(image, "png", png);
      io.vertx.core.json.JsonArray steps =
          new io.vertx.core.json.JsonArray()
              .add(step("open home", "goto", 412.5, true))
              .add(step("log in", "fill", 88.0, true))
              .add(step("checkout", "click", 5003.1, false));
      JsonObject diagnostics =
          new JsonObject()
              .put("steps", steps)
              .put("url", "http://shop.test/cart")
              .put("title", "Your cart")
              .put(
                  "navigation",
                  new JsonObject().put("dns", 1.2).put("firstByte", 35.0).put("load", 240.0))
              .put("vitals", new JsonObject().put("lcp", 812.0).put("cls", 0.02))
              .put(
                  "failedStep",
                  new JsonObject()
                      .put("index", 3)
                      .put("name", "checkout")
                      .put("action", "click")
                      .put("selector", "#checkout")
                      .put("found", new JsonObject().put("count", 1).put("visible", false)))
              .put(
                  "screenshot",
                  new JsonObject()
                      .put("mediaType", "image/png")
                      .put(
                          "base64",
                          java.util.Base64.getEncoder().encodeToString(png.toByteArray())));
      JsonObject result =
          new JsonObject()
              .put("agent", "browser-agent")
              .put("seq", 1)
              .put("check", check.id())
              .put("location", check.locations().get(0))
              .put("startedAt", Instant.now().minusSeconds(5).toString())
              .put("durationMillis", 5600)
              .put("ok", false)
              .put(
                  "failure",
                  new JsonObject()
                      .put("kind", "SELECTOR_NOT_FOUND")
                      .put("step", "checkout")
                      .put("message", "#checkout never became visible"))
              .put("attempts", 1)
              .put("diagnostics", diagnostics);
      HttpResponse<String> posted =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/api/v1/results"))
                  .header("Authorization", "Bearer " + agentToken)
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          new JsonObject()
                              .put("agent", "browser-agent")
                              .put("results", new io.vertx.core.json.JsonArray().add(result))
                              .encode()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
      assertThat(new JsonObject(posted.body()).getInteger("accepted")).isEqualTo(1);

      var driver = browser.driver;
      var wait = browser.waitUpTo(WAIT);
      driver.get(base + "/ui/");
      driver.executeScript("sessionStorage.setItem('nines.token', arguments[0]);", read);
      driver.get(base + "/ui/#/service/" + check.service());
      driver.navigate().refresh();

      // The failure, its failing step, the thumbnail (loaded with the read token) and the timings.
      wait.until(
          ExpectedConditions.presenceOfElementLocated(
              By.cssSelector("#failures tr.failure-detail table.steps")));
      assertThat(count("#failures table.steps tr.step")).isEqualTo(3);
      assertThat(text("#failures table.steps")).contains("open home", "412.5", "checkout");
      assertThat(count("#failures table.steps tr.failed")).isEqualTo(1);
      assertThat(text("#failures .failed-step")).contains("#3 checkout (click)", "#checkout");
      assertThat(text("#failures .navigation")).contains("firstByte 35 ms");
      assertThat(text("#failures .vitals")).contains("LCP 812 ms", "CLS 0.02");
      String thumb = "#failures a.shot img";
      wait.until(
          d ->
              (Boolean)
                  browser.driver.executeScript(
                      "const i = document.querySelector(arguments[0]);"
                          + " return !!i && i.complete && i.naturalWidth === 320;",
                      thumb));
      assertThat(count("#signin")).isZero();
      driver.executeScript("document.getElementById('failures').scrollIntoView();");
      browser.screenshot("12-browser-failure");

      // The thumbnail leads to the full view.
      driver.executeScript("document.querySelector(arguments[0]).click();", "#failures a.shot");
      wait.until(
          d ->
              (Boolean)
                  browser.driver.executeScript(
                      "const i = document.getElementById('screenshot-full');"
                          + " return !!i && i.complete && i.naturalHeight === 200;"));
      browser.screenshot("13-screenshot-full");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, SECONDS);
    }
  }

  private static JsonObject step(String name, String action, double millis, boolean ok) {
    return new JsonObject()
        .put("name", name)
        .put("action", action)
        .put("millis", millis)
        .put("ok", ok);
  }
}
