package io.nines.agent.probe;

import io.nines.common.Failure;
import io.nines.common.FailureKind;
import io.nines.config.Check;
import io.vertx.core.Future;
import java.util.Map;
import java.util.function.Function;

/**
 * The one way a probe takes a check: it runs checks whose spec is of its type, and answers any
 * other with an {@code INTERNAL} failure naming the probe and the check's type (a wiring error,
 * never a failed future). Thread-safe; the attempt is started on the caller's context.
 */
final class Dispatch {
  private Dispatch() {}

  /**
   * Starts {@code attempt} with the check's spec when it is a {@code type}; otherwise refuses it.
   */
  static <S> Future<ProbeOutcome> bySpec(
      Probe probe, Check check, Class<S> type, Function<S, Future<ProbeOutcome>> attempt) {
    if (type.isInstance(check.spec())) {
      return attempt.apply(type.cast(check.spec()));
    }
    return refuse(probe, check);
  }

  /** The outcome of a check that {@code probe} cannot run. */
  static Future<ProbeOutcome> refuse(Probe probe, Check check) {
    return Future.succeededFuture(
        new ProbeOutcome(
            new Failure(
                FailureKind.INTERNAL,
                "",
                probe.getClass().getSimpleName() + " can't run a " + check.type() + " check"),
            0,
            Map.of(),
            null));
  }
}
