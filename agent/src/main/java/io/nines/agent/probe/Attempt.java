package io.nines.agent.probe;

import io.nines.common.Failure;
import io.nines.common.FailureKind;
import io.nines.config.Check;
import io.nines.config.assertion.Assertion;
import io.nines.config.assertion.Evaluator;
import io.nines.config.assertion.Observation;
import io.nines.config.assertion.Verdict;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The frame of one probe attempt: one timer bounds it, it completes exactly once, and it releases
 * what it holds when it completes.
 *
 * <p>Not thread-safe: an attempt and every callback it registers run on the Vert.x context that
 * called {@link #start()}. Phases are milliseconds since the attempt started.
 */
abstract class Attempt {
  private static final Logger LOG = Logger.getLogger(Attempt.class.getName());

  protected final Check check;
  protected final ProbeContext ctx;
  private final Promise<ProbeOutcome> promise = Promise.promise();
  private final long startNanos;
  private final Map<String, Double> phases = new LinkedHashMap<>();
  private ProbeTimer timer;
  private boolean done;

  Attempt(Check check, ProbeContext ctx) {
    this.check = check;
    this.ctx = ctx;
    this.startNanos = ctx.time().monotonicNanos();
  }

  /** Arms the timer and calls {@link #begin()}; the future always succeeds. */
  final Future<ProbeOutcome> start() {
    timer =
        ProbeTimer.arm(
            ctx,
            check,
            () -> {
              if (!done) {
                guarded(this::onTimeout);
              }
            });
    guarded(this::begin);
    return promise.future();
  }

  /** Starts the work; called once, on the caller's context. */
  protected abstract void begin();

  /** The check's timeout fired before the attempt completed; must complete it. */
  protected abstract void onTimeout();

  /** Releases sockets and timers of the attempt; called once, when it completes. */
  protected abstract void release();

  /** Whether the attempt has completed; callbacks that arrive later must only release. */
  protected final boolean done() {
    return done;
  }

  /** Runs a callback body, turning an unexpected exception into an INTERNAL failure. */
  protected final void guarded(Runnable body) {
    try {
      body.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "probe " + check.id() + " failed unexpectedly", e);
      fail(FailureKind.INTERNAL, Failures.describe(e), new JsonObject());
    }
  }

  /** Records {@code name} as reached now. */
  protected final void mark(String name) {
    phases.put(name, round(elapsedNanos() / 1_000_000.0));
  }

  /** How long the attempt has run so far. */
  protected final Duration elapsed() {
    return Duration.ofNanos(elapsedNanos());
  }

  protected final void succeed() {
    if (finish()) {
      promise.complete(new ProbeOutcome(null, totalMillis(), phases, null));
    }
  }

  /**
   * Completes the attempt as failed.
   *
   * @param message a human sentence: what was expected and what was seen
   * @param diagnostics what an on-call engineer would want, secrets redacted
   */
  protected final void fail(FailureKind kind, String message, JsonObject diagnostics) {
    if (finish()) {
      promise.complete(
          new ProbeOutcome(new Failure(kind, "", message), totalMillis(), phases, diagnostics));
    }
  }

  private boolean finish() {
    if (done) {
      return false;
    }
    done = true;
    if (timer != null) {
      timer.cancel();
    }
    try {
      release();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "probe " + check.id() + " failed to release a resource", e);
    }
    mark("total");
    return true;
  }

  private long totalMillis() {
    return elapsedNanos() / 1_000_000;
  }

  private long elapsedNanos() {
    return ctx.time().monotonicNanos() - startNanos;
  }

  /**
   * The verdict of the first of {@code expect} that does not hold of {@code observation}, evaluated
   * in order and no further; null when all hold.
   */
  static Verdict firstFailing(List<Assertion> expect, Observation observation) {
    Evaluator.Failed failed = Evaluator.firstFailing(expect, observation);
    return failed == null ? null : failed.verdict();
  }

  /** {@code 5s} or {@code 300ms}. */
  static String format(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
  }

  static double round(double millis) {
    return Math.round(millis * 1000) / 1000.0;
  }
}
