package io.nines.agent.probe;

import io.nines.config.Check;
import io.vertx.core.Future;

/**
 * The one interface every check type implements.
 *
 * <p>Contract: {@link #run} is called on a Vert.x context and never blocks it; the returned future
 * always succeeds (a failure of the target is a {@link ProbeOutcome} with a failure kind, never a
 * failed future), and completes within the check's timeout plus a small margin. It holds no
 * resource (connection, timer) after it completes. The one exception: a probe that could not run at
 * all because of the agent's own limits fails the future with {@link SlotSkipped}, and the run has
 * no result.
 */
public interface Probe {

  /** Runs one attempt of {@code check}. */
  Future<ProbeOutcome> run(Check check, ProbeContext context);
}
