package io.nines.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.common.TimeSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard in real headless Chromium against the whole quickstart in one JVM: the demo shop, a
 * coordinator and three agents with the ShopSmart example, intervals shortened to 2 s. Each step
 * leaves a screenshot under {@code target/screenshots/}.
 */
class DashboardBrowserIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private QuickStart stack;
  private Browser browser;

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

  /** The example, with every interval at 2 s and every timeout at 1500 ms. */
  private Path fastExample() throws Exception {
    Path example = Path.of("..", "config", "examples", "shopsmart");
    try (Stream<Path> files = Files.list(example)) {
      for (Path f : files.toList()) {
        String yaml =
            Files.readString(f)
                .replaceAll("every: \\d+[sm]\\b", "every: 2s")
                .replaceAll("timeout: \\d+(ms|s)\\b", "timeout: 1500ms");
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

  @Test
  void whenAFaultIsInjectedFromTheDemoPanel_thenCheckoutTurnsDownLiveAndTheStatusPageShowsIt()
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

    // The service page: the outage on the timeline, the failures with their step, dependencies.
    driver.executeScript(
        "document.querySelector(\"#services tr[data-service='checkout'] td a\").click();");
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#timeline .seg.DOWN")));
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#failures tr.failure")));
    assertThat(text("#failures tr.failure")).contains("checkout");
    assertThat(text("#dependencies")).contains("Payments API", "Catalog");
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#latency canvas")));
    browser.screenshot("03-service-checkout");

    // The risk matrix and the monthly report render from their endpoints.
    driver.executeScript("location.hash = '#/risk';");
    wait.until(
        ExpectedConditions.presenceOfElementLocated(
            By.cssSelector("#risk a[data-service='checkout']")));
    browser.screenshot("04-risk");
    driver.executeScript("location.hash = '#/report';");
    wait.until(
        ExpectedConditions.presenceOfElementLocated(
            By.cssSelector("#report tr[data-service='checkout']")));
    assertThat(attribute("#csv", "href")).contains("format=csv");
    browser.screenshot("05-report");

    // (c) The public status page shows the outage, and nothing internal.
    driver.get(stack.coordinatorUrl() + "/status");
    String section = "section[data-name='Checkout']";
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(section + " .bar")));
    assertThat(text(section + " .state")).contains("DOWN");
    assertThat(count(section + " .bar")).isEqualTo(90);
    assertThat(Double.parseDouble(attribute(section + " .bar:last-child", "data-availability")))
        .isLessThan(1.0);
    assertThat(text("#summary")).contains("problems");
    assertThat(driver.getPageSource()).doesNotContain("checkout-journey", "127.0.0.1:");
    browser.screenshot("06-status");
  }
}
