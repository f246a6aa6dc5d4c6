package io.nines.common;

import io.vertx.core.Vertx;
import java.util.concurrent.Executor;

/**
 * Vert.x's worker pool as a plain {@link Executor}, for code that is kept free of Vert.x (such as
 * config's secret renderer) but must not block an event loop. Bridge what such code returns back to
 * the caller's context with {@code Future.fromCompletionStage(stage, context)}.
 */
public final class Workers {
  private Workers() {}

  /**
   * An executor that runs each task on {@code vertx}'s worker pool, unordered (tasks may run in
   * parallel). A task must handle its own failures: what it throws is not reported to the caller.
   */
  public static Executor of(Vertx vertx) {
    return task ->
        vertx.executeBlocking(
            () -> {
              task.run();
              return null;
            },
            false);
  }
}
