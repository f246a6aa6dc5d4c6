package io.nines.cli;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nines.agent.probe.CheckRunner;
import io.nines.agent.probe.HttpClients;
import io.nines.agent.probe.ProbeContext;
import io.nines.common.ProbeResult;
import io.nines.common.TimeSource;
import io.nines.config.Check;
import io.nines.config.Fleet;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nines check run}. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = "Try checks from this machine before committing them.",
    subcommands = {CheckCommand.Run.class})
final class CheckCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description = {
        "Runs the checks of the configuration in DIR once, from this machine, and prints each"
            + " result. Exits 0 when every check passed, 1 when any failed, 2 on a bad"
            + " configuration.",
        "With --json, prints one JSON object a line: {\"check\", \"ok\", \"durationMillis\","
            + " \"failure\": {\"kind\", \"step\", \"message\"}} (failure absent when ok);"
            + " a browser check adds \"steps\" (name, action, millis), \"url\" and, when it took"
            + " one, \"screenshot\": the path of the PNG written.",
        "Browser checks run in a local headless Chromium (NINES_CHROMIUM names it, else"
            + " chromium on PATH or in /usr/bin); their screenshots are written under"
            + " --screenshots, by default a new directory in the system's temporary directory."
      })
  static final class Run implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "the configuration directory")
    Path dir;

    @Option(names = "--check", paramLabel = "ID", description = "run only this check (repeatable)")
    List<String> checkIds = new ArrayList<>();

    @Option(names = "--json", description = "one JSON object a line")
    boolean json;

    @Option(
        names = "--screenshots",
        paramLabel = "DIR",
        description =
            "where browser checks' screenshots are written (default: a new nines-screenshots-*"
                + " directory in the system's temporary directory)")
    Path screenshotDir;

    @Option(
        names = "--var",
        paramLabel = "NAME=VALUE",
        description = "override a variable from the configuration's vars (repeatable)")
    Map<String, String> vars = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Fleet fleet;
      try {
        fleet = Fleets.load(dir, vars, err);
      } catch (Fleets.Invalid e) {
        return 2;
      }
      List<Check> checks = new ArrayList<>();
      for (String id : checkIds) {
        if (fleet.check(id).isEmpty()) {
          err.println(
              "error: no check '"
                  + id
                  + "' in "
                  + dir
                  + "; it has "
                  + String.join(", ", fleet.checks().stream().map(Check::id).toList()));
          return 2;
        }
      }
      for (Check c : fleet.checks()) {
        if (checkIds.isEmpty() || checkIds.contains(c.id())) {
          if (HeartbeatHelp.isHeartbeat(c)) {
            // Passive: say so (on stderr with --json, so stdout stays one result a line).
            HeartbeatHelp.explain(c, json ? err : out);
          } else {
            checks.add(c);
          }
        }
      }
      List<ProbeResult> results = runAll(fleet, checks);
      boolean allOk = true;
      for (ProbeResult r : results) {
        allOk &= r.ok();
        List<Path> shots = BrowserResults.writeScreenshots(r, this::screenshots);
        out.println(
            json
                ? BrowserResults.addTo(toJson(r), r, shots).encode()
                : toText(r) + BrowserResults.text(r, shots));
      }
      if (!json) {
        long failed = results.stream().filter(r -> !r.ok()).count();
        out.printf("%d passed, %d failed%n", results.size() - failed, failed);
      }
      return allOk ? 0 : 1;
    }

    private Path screenshots() throws java.io.IOException {
      if (screenshotDir == null) {
        screenshotDir = java.nio.file.Files.createTempDirectory("nines-screenshots-");
      }
      java.nio.file.Files.createDirectories(screenshotDir);
      return screenshotDir;
    }

    static List<ProbeResult> runAll(Fleet fleet, List<Check> checks) throws Exception {
      Vertx vertx = Vertx.vertx();
      HttpClients clients = new HttpClients(vertx, 64);
      io.nines.agent.browser.BrowserProbe browser = null;
      try {
        ProbeContext context =
            new ProbeContext(
                vertx,
                TimeSource.SYSTEM,
                clients,
                fleet.vars(),
                ref -> ref.resolve(System.getenv()));
        CheckRunner all =
            new CheckRunner(
                context, CheckRunner.defaultProbes(), "cli", "local", new SimpleMeterRegistry());
        if (checks.stream().anyMatch(c -> c.type().equals("browser"))) {
          browser = BrowserResults.probe(System.getenv());
          if (browser != null) {
            all = all.withProbe("browser", browser);
          }
        }
        CheckRunner runner = all;
        List<Future<ProbeResult>> futures = new ArrayList<>();
        io.vertx.core.Context ctx = vertx.getOrCreateContext();
        for (Check c : checks) {
          io.vertx.core.Promise<ProbeResult> p = io.vertx.core.Promise.promise();
          ctx.runOnContext(v -> runner.run(c).onComplete(p));
          futures.add(p.future());
        }
        long maxMillis =
            checks.stream()
                    .mapToLong(
                        c -> c.timeout().toMillis() * (c.retries() + 1) + 1000L * c.retries())
                    .max()
                    .orElse(0)
                + 10_000;
        Future.join(futures)
            .toCompletionStage()
            .toCompletableFuture()
            .get(maxMillis, TimeUnit.MILLISECONDS);
        List<ProbeResult> out = new ArrayList<>();
        for (int i = 0; i < checks.size(); i++) {
          Future<ProbeResult> f = futures.get(i);
          // A run the local agent had no browser slot for has no result; say so as a failure of
          // this run, since a one-shot run has no later slot to wait for.
          out.add(
              f.succeeded()
                  ? f.result()
                  : new ProbeResult(
                      "nines-check-run",
                      i + 1L,
                      checks.get(i).id(),
                      "local",
                      TimeSource.SYSTEM.now(),
                      0,
                      false,
                      new io.nines.common.Failure(
                          io.nines.common.FailureKind.INTERNAL,
                          "",
                          "not run: " + f.cause().getMessage()),
                      1,
                      Map.of(),
                      null));
        }
        return out;
      } finally {
        if (browser != null) {
          browser.close(vertx).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        clients.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }

    static JsonObject toJson(ProbeResult r) {
      JsonObject json =
          new JsonObject()
              .put("check", r.checkId())
              .put("ok", r.ok())
              .put("durationMillis", r.durationMillis());
      if (r.attempts() > 1) {
        json.put("attempts", r.attempts());
      }
      if (r.failure() != null) {
        json.put("failure", r.failure().toJson());
      }
      return json;
    }

    static String toText(ProbeResult r) {
      if (r.ok()) {
        return String.format("PASS  %-28s %6d ms", r.checkId(), r.durationMillis());
      }
      String step = r.failure().step().isEmpty() ? "" : " at step '" + r.failure().step() + "'";
      return String.format(
          "FAIL  %-28s %6d ms  %s%s: %s",
          r.checkId(), r.durationMillis(), r.failure().kind(), step, r.failure().message());
    }
  }
}
