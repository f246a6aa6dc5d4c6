package io.nines.agent.browser;

import io.nines.agent.probe.HttpClients;
import io.nines.agent.probe.ProbeContext;
import io.nines.common.TimeSource;
import io.nines.common.testing.ManualTimeSource;
import io.nines.config.Check;
import io.nines.config.FleetLoader;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * A stand-in agent for {@link BrowserProbeIT}: runs one slow browser journey and prints {@code LIVE
 * <pid>} (the browser's process) once the browser runs, then waits to be killed.
 *
 * <p>Arguments: the Chromium executable, a configuration directory with one browser check, and the
 * shop's base URL.
 */
public final class BrowserKillMain {
  private BrowserKillMain() {}

  public static void main(String[] args) throws Exception {
    Check check =
        new FleetLoader(
                new ManualTimeSource(Instant.parse("2026-04-01T00:00:00Z")), Map.of(), Map.of())
            .load(Path.of(args[1]))
            .checks()
            .get(0);
    Vertx vertx = Vertx.vertx();
    BrowserProbe probe = new BrowserProbe(Path.of(args[0]), 1);
    ProbeContext context =
        new ProbeContext(
            vertx,
            TimeSource.SYSTEM,
            new HttpClients(vertx, 1),
            Map.of("shop", args[2]),
            ref -> "");
    vertx.runOnContext(v -> probe.run(check, context));
    while (probe.livePids().isEmpty()) {
      Thread.sleep(50);
    }
    System.out.println("LIVE " + probe.livePids().get(0));
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
