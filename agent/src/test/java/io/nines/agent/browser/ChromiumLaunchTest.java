package io.nines.agent.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nines.common.testing.ManualTimeSource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A browser that cannot start must be reported as soon as it has exited, not at the start's
 * deadline: the agent's first browser check, and its stop, would otherwise wait the whole 30 s. The
 * clock here never moves, so only the browser's exit can end the start.
 */
class ChromiumLaunchTest {
  @TempDir Path dir;

  private Vertx vertx;

  @BeforeEach
  void setUp() {
    assumeTrue(
        Files.isExecutable(Path.of("/bin/sh")) && Files.isExecutable(Path.of("/usr/bin/setsid")),
        "the watchdog shell needs /bin/sh and setsid");
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void whenTheBrowserExitsAsItStarts_thenTheStartFailsWithItsStatusAndOutputBeforeTheDeadline()
      throws Exception {
    Path browser = script("echo 'cannot open display: none' >&2; exit 3");
    ProcessRegistry registry = new ProcessRegistry();

    Throwable failure = startFailure(browser, registry);

    assertThat(failure.getMessage())
        .contains("Chromium exited with status 3 as it started")
        .contains("cannot open display: none");
    assertThat(noProfileLeft()).isTrue();
  }

  @Test
  void whenTheBrowserExitsWithoutAStatus_thenTheStartFailsToo() throws Exception {
    // Killed by a signal as it starts (out of memory, a sandbox that refuses it).
    Path browser = script("kill -9 $$");

    Throwable failure = startFailure(browser, new ProcessRegistry());

    assertThat(failure.getMessage()).contains("Chromium exited with status");
  }

  private Throwable startFailure(Path browser, ProcessRegistry registry) throws Exception {
    ManualTimeSource frozen = new ManualTimeSource(Instant.parse("2026-12-07T00:00:00Z"));
    Future<Chromium> start =
        Chromium.launch(vertx, frozen, browser, 800, 600, Duration.ofSeconds(30), registry);
    try {
      start.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("a browser that exits at once started");
  }

  private Path script(String body) throws Exception {
    Path file = dir.resolve("fake-chromium");
    Files.writeString(file, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return file;
  }

  private static boolean noProfileLeft() throws Exception {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    // Other tests' profiles may exist for a moment; ours is deleted before the failure is reported.
    try (var s = Files.list(tmp)) {
      return s.filter(p -> p.getFileName().toString().startsWith("nines-chromium-"))
          .noneMatch(p -> Files.exists(p.resolve("chromium.log")) && isOurs(p));
    }
  }

  private static boolean isOurs(Path profile) {
    try {
      return Files.readString(profile.resolve("chromium.log")).contains("cannot open display");
    } catch (Exception e) {
      return false;
    }
  }
}
