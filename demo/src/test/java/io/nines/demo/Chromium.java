package io.nines.demo;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its own chromedriver, for the storefront's browser
 * test: the same setup as the dashboard's ({@code cli}'s {@code Browser}), plus the console log.
 *
 * <p>Nothing is downloaded: Selenium is pointed at {@code /usr/bin/chromium} and {@code
 * /usr/bin/chromedriver}, which {@code scripts/peer-chromium} installs. When they are missing the
 * test is skipped with the reason, except under {@code CI=true}, where it fails.
 */
final class Chromium implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  final ChromeDriver driver;
  private final Path profile;
  private final ChromeDriverService service;

  private Chromium(ChromeDriver driver, ChromeDriverService service, Path profile) {
    this.driver = driver;
    this.service = service;
    this.profile = profile;
  }

  /** Starts a browser with a fresh profile, or skips (fails under CI=true) without Chromium. */
  static Chromium startOrSkip() throws IOException {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      String reason =
          "SKIPPED browser test: "
              + CHROMIUM
              + " or "
              + CHROMEDRIVER
              + " is missing; run scripts/peer-chromium (as root) to install Debian's chromium and"
              + " chromium-driver";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        Assertions.fail(reason + " (CI=true: a missing peer is a failure)");
      }
      System.err.println("*** " + reason);
      Assumptions.abort(reason);
    }
    // Selenium Manager would try to download a driver; there is one already.
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    Path profile = Files.createTempDirectory("nines-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--user-data-dir=" + profile);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().window().setSize(new Dimension(1200, 900));
    return new Chromium(driver, service, profile);
  }

  WebDriverWait waitUpTo(Duration d) {
    WebDriverWait wait = new WebDriverWait(driver, d);
    wait.pollingEvery(Duration.ofMillis(100));
    return wait;
  }

  /** The console's errors since the last call (uncaught exceptions, failed loads). */
  List<String> consoleErrors() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .toList();
  }

  /** Writes a PNG of the page to {@code target/screenshots/<name>.png}. */
  Path screenshot(String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    File png = driver.getScreenshotAs(OutputType.FILE);
    Path to = SCREENSHOTS.resolve(name + ".png");
    Files.copy(png.toPath(), to, StandardCopyOption.REPLACE_EXISTING);
    return to;
  }

  @Override
  public void close() throws IOException {
    try {
      driver.quit();
    } finally {
      service.close();
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
