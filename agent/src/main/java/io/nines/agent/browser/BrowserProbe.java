package io.nines.agent.browser;

import io.nines.agent.probe.Probe;
import io.nines.agent.probe.ProbeContext;
import io.nines.agent.probe.ProbeOutcome;
import io.nines.agent.probe.SlotSkipped;
import io.nines.common.Checks;
import io.nines.common.Failure;
import io.nines.common.FailureKind;
import io.nines.common.TimeSource;
import io.nines.config.BrowserStep;
import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs {@code browser} checks: each run in a fresh headless Chromium (a new process with a new,
 * temporary profile), driven over the DevTools protocol ({@link CdpClient}, on Vert.x's WebSocket
 * client), by a {@link BrowserRun}.
 *
 * <p>Browsers are expensive, so at most {@code maxConcurrent} runs have a Chromium at once (the
 * pool; 2 by default); a run that waits for a slot past its check's timeout is skipped ({@link
 * io.nines.agent.probe.SlotSkipped}: no result, counted as {@code
 * nines.scheduler.skipped{reason="browser-pool"}}), since the target did nothing wrong. Every
 * Chromium is reaped, its whole process tree killed and its profile deleted, when its run ends,
 * passes its timeout (plus {@link #GRACE} for the failure's screenshot) or its browser crashes, and
 * when the agent stops ({@link #close}) or the JVM exits (a shutdown hook).
 *
 * <p>Threads: {@link #run} is called on a Vert.x context and completes on it; it never blocks
 * (starting and killing processes run on worker threads). The pool is shared by every probe loop
 * and is thread-safe.
 */
public final class BrowserProbe implements Probe {
  /** The default number of browser runs at once. */
  public static final int DEFAULT_MAX_CONCURRENT = 2;

  /** Time past a check's timeout for the failure's screenshot and metrics. */
  static final Duration GRACE = Duration.ofSeconds(5);

  private final Path executable;
  private final int maxConcurrent;
  private final ProcessRegistry registry = new ProcessRegistry();
  private final ArrayDeque<Promise<Void>> waiting = new ArrayDeque<>();
  private int inUse;

  /**
   * @param executable the Chromium to start
   * @param maxConcurrent how many runs may have a browser at once, at least 1
   */
  public BrowserProbe(Path executable, int maxConcurrent) {
    Checks.checkPositive(maxConcurrent, "maxConcurrent");
    this.executable = executable;
    this.maxConcurrent = maxConcurrent;
    registry.installShutdownHook();
  }

  /**
   * Whether a Chromium can start here: finds one ({@code configured}, else on {@code PATH} or in
   * {@code /usr/bin}), starts it with a fresh profile, connects and stops it.
   *
   * @return the probe when it started, empty otherwise (with why, for the log, in {@code whyNot});
   *     never fails
   */
  public static Future<Optional<BrowserProbe>> detect(
      Vertx vertx,
      TimeSource time,
      String configured,
      Map<String, String> env,
      int maxConcurrent,
      StringBuilder whyNot) {
    Optional<Path> found = Chromium.locate(configured, env);
    if (found.isEmpty()) {
      whyNot.append(
          "no Chromium found (looked for "
              + String.join(", ", Chromium.NAMES)
              + " on PATH and in /usr/bin; set --chromium or NINES_CHROMIUM)");
      return Future.succeededFuture(Optional.empty());
    }
    ProcessRegistry trial = new ProcessRegistry();
    return Chromium.launch(vertx, time, found.get(), 800, 600, Duration.ofSeconds(30), trial)
        .compose(c -> c.cdp().send("Browser.getVersion", null).eventually(() -> c.close(trial)))
        .map(v -> Optional.of(new BrowserProbe(found.get(), maxConcurrent)))
        .recover(
            e -> {
              whyNot.append(found.get() + " did not start: " + e.getMessage());
              return Future.succeededFuture(Optional.empty());
            });
  }

  /**
   * The Chromium {@code options} name, else the first of {@code chromium}, {@code chromium-browser}
   * and {@code google-chrome} on {@code PATH} or in {@code /usr/bin}; empty when browser checks are
   * off or none is found. Does not start it.
   */
  public static Optional<Path> locate(BrowserOptions options, Map<String, String> env) {
    return options.enabled() ? Chromium.locate(options.chromium(), env) : Optional.empty();
  }

  /** The Chromium this probe starts. */
  public Path executable() {
    return executable;
  }

  /** How many runs may have a browser at once. */
  public int maxConcurrent() {
    return maxConcurrent;
  }

  /** The process ids of the Chromium browsers running now (their trees' roots). */
  public List<Long> livePids() {
    return registry.live().stream().map(Chromium::pid).toList();
  }

  @Override
  public Future<ProbeOutcome> run(Check check, ProbeContext context) {
    if (!(check.spec() instanceof CheckSpec.Browser spec)) {
      return Future.succeededFuture(
          new ProbeOutcome(
              new Failure(
                  FailureKind.INTERNAL, "", "BrowserProbe can't run a " + check.type() + " check"),
              0,
              Map.of(),
              null));
    }
    TimeSource time = context.time();
    long start = time.monotonicNanos();
    long deadline = start + check.timeout().toNanos();
    Promise<ProbeOutcome> result = Promise.promise();
    long hardTimer =
        context
            .vertx()
            .setTimer(
                check.timeout().plus(GRACE).toMillis(),
                t ->
                    result.tryComplete(
                        failed(
                            FailureKind.TIMEOUT,
                            "the run did not finish within the check's timeout ("
                                + check.timeout().toSeconds()
                                + "s)",
                            time,
                            start)));
    acquire(context.vertx(), check.timeout())
        .onFailure(
            e -> {
              context.vertx().cancelTimer(hardTimer);
              // The agent's capacity, not the target: no result (a skipped slot), never DOWN.
              result.tryFail(
                  new SlotSkipped(
                      "browser-pool",
                      "waited "
                          + check.timeout().toSeconds()
                          + "s for a browser: all "
                          + maxConcurrent
                          + " of this agent's browser slots were busy"));
            })
        .onSuccess(
            slot ->
                runIn(spec, context, start, deadline, result)
                    .onComplete(
                        done -> {
                          release();
                          context.vertx().cancelTimer(hardTimer);
                        }));
    return result.future();
  }

  /** Starts a browser, runs the steps, and always closes the browser; completes when it is gone. */
  private Future<Void> runIn(
      CheckSpec.Browser spec,
      ProbeContext context,
      long start,
      long deadline,
      Promise<ProbeOutcome> result) {
    TimeSource time = context.time();
    return context
        .readSecrets(BrowserStep.templatesOf(spec.steps()))
        .transform(
            secrets -> {
              if (secrets.failed()) {
                result.tryComplete(
                    failed(FailureKind.INTERNAL, secrets.cause().getMessage(), time, start));
                return Future.succeededFuture();
              }
              long left = Math.max(1, deadline - time.monotonicNanos());
              return Chromium.launch(
                      context.vertx(),
                      time,
                      executable,
                      spec.viewportWidth(),
                      spec.viewportHeight(),
                      Duration.ofNanos(left),
                      registry)
                  .transform(
                      launched -> {
                        if (launched.failed()) {
                          result.tryComplete(
                              failed(
                                  FailureKind.INTERNAL,
                                  "Chromium did not start: " + launched.cause().getMessage(),
                                  time,
                                  start));
                          return Future.succeededFuture();
                        }
                        Chromium chromium = launched.result();
                        // A crash closes the socket: every command in flight fails and the run
                        // ends with the step it was in.
                        return new BrowserRun(
                                spec, context, chromium.cdp(), secrets.result(), start, deadline)
                            .run()
                            .onSuccess(result::tryComplete)
                            .transform(v -> chromium.close(registry));
                      });
            });
  }

  private static ProbeOutcome failed(
      FailureKind kind, String message, TimeSource time, long start) {
    return new ProbeOutcome(
        new Failure(kind, "", message),
        (time.monotonicNanos() - start) / 1_000_000,
        Map.of(),
        null);
  }

  private synchronized Future<Void> acquire(Vertx vertx, Duration wait) {
    if (inUse < maxConcurrent) {
      inUse++;
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    waiting.add(p);
    vertx.setTimer(
        Math.max(1, wait.toMillis()),
        t -> {
          synchronized (this) {
            if (waiting.remove(p)) {
              p.tryFail("no browser slot");
            }
          }
        });
    return p.future();
  }

  private synchronized void release() {
    Promise<Void> next = waiting.poll();
    if (next != null) {
      next.tryComplete(); // the slot passes on; inUse stays
    } else {
      inUse--;
    }
  }

  /**
   * Reaps every Chromium still running (process trees killed, profiles deleted) and removes the
   * shutdown hook; runs in flight end with the browser's failure. Completes on the caller's context
   * when done.
   */
  public Future<Void> close(Vertx vertx) {
    return vertx
        .executeBlocking(
            () -> {
              registry.reapAll();
              registry.removeShutdownHook();
              return null;
            },
            false)
        .mapEmpty();
  }
}
