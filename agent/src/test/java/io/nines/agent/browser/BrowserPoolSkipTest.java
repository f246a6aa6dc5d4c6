package io.nines.agent.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nines.agent.probe.CheckRunner;
import io.nines.agent.probe.HttpClients;
import io.nines.agent.probe.ProbeContext;
import io.nines.agent.probe.SlotSkipped;
import io.nines.common.ProbeResult;
import io.nines.common.TimeSource;
import io.nines.common.testing.ManualTimeSource;
import io.nines.config.Check;
import io.nines.config.FleetLoader;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A browser run that finds every slot of the agent's pool busy for its whole timeout is the agent's
 * lack of capacity, not a failure of the target: it has no result (never DOWN), and the slot is
 * counted as skipped. The stand-in "Chromium" is a script that never opens its DevTools port, so it
 * holds its slot until its own run times out.
 */
class BrowserPoolSkipTest {
  @TempDir Path dir;
  private Vertx vertx;
  private HttpClients clients;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    clients = new HttpClients(vertx, 4);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private List<Check> checks() throws Exception {
    Files.writeString(
        dir.resolve("fleet.yaml"),
        """
        locations: [eu-west]
        teams: {web: {email: [web@shop.example]}}
        services: {shop: {tier: important, owners: [web]}}
        checks:
          - id: slow-browser
            service: shop
            every: 1m
            timeout: 4s
            browser: {steps: [{goto: "http://127.0.0.1:1/"}]}
          - id: waiting-browser
            service: shop
            every: 1m
            timeout: 1s
            browser: {steps: [{goto: "http://127.0.0.1:1/"}]}
        """);
    return new FleetLoader(
            new ManualTimeSource(Instant.parse("2026-04-01T00:00:00Z")), Map.of(), Map.of())
        .load(dir)
        .checks();
  }

  @Test
  void whenEverySlotStaysBusyForTheRunsTimeout_thenTheRunIsSkippedWithNoResult() throws Exception {
    Path stand = dir.resolve("chromium-that-never-answers");
    Files.writeString(stand, "#!/bin/sh\nexec sleep 30\n");
    Files.setPosixFilePermissions(stand, PosixFilePermissions.fromString("rwx------"));
    BrowserProbe probe = new BrowserProbe(stand, 1);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ProbeContext context =
        new ProbeContext(vertx, TimeSource.SYSTEM, clients, Map.of(), ref -> "unused");
    CheckRunner runner =
        new CheckRunner(context, Map.of("browser", probe), "agent-1", "eu-west", registry);
    List<Check> checks = checks();

    Promise<ProbeResult> holding = Promise.promise();
    Promise<ProbeResult> waiting = Promise.promise();
    vertx.runOnContext(
        v -> {
          runner.run(checks.get(0)).onComplete(holding);
          runner.run(checks.get(1)).onComplete(waiting);
        });

    ExecutionException skipped =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecutionException.class, () -> await(waiting.future()));
    assertThat(skipped.getCause()).isInstanceOf(SlotSkipped.class);
    assertThat(skipped.getCause().getMessage())
        .isEqualTo("waited 1s for a browser: all 1 of this agent's browser slots were busy");
    assertThat(
            registry.get("nines.scheduler.skipped").tag("reason", "browser-pool").counter().count())
        .isEqualTo(1.0);
    // The run that held the slot is the target's own result: it fails (its browser never
    // answered), and it is the only result.
    ProbeResult held = await(holding.future());
    assertThat(held.ok()).isFalse();
    assertThat(held.checkId()).isEqualTo("slow-browser");
    assertThat(registry.find("nines.probe.results").counters())
        .allSatisfy(c -> assertThat(c.getId().getTag("type")).isEqualTo("browser"))
        .extracting(c -> c.count())
        .containsExactly(1.0);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
