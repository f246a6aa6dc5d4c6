package io.nines.agent.probe;

import io.nines.config.Check;
import io.vertx.core.ThreadingModel;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one timer that bounds a probe attempt (its check's timeout, at least 1 ms). On an event-loop
 * context, which is where probes run, it is a task scheduled on that context's Netty event loop and
 * run through the context, so that its action runs there as a Vert.x timer's would; it costs less
 * than a Vert.x timer, which also takes an id, a map entry and a close hook of the verticle, for a
 * timer that almost every probe cancels. Elsewhere (a worker context, or no context) it is a Vert.x
 * timer.
 *
 * <p>Armed and cancelled on the context that armed it. A timer that fires after {@link #cancel()}
 * does not run its action.
 */
final class ProbeTimer {
  private final ContextInternal context;
  private final Runnable onTimeout;
  private ScheduledFuture<?> scheduled;
  private long vertxTimerId = -1;
  private boolean cancelled;

  private ProbeTimer(ContextInternal context, Runnable onTimeout) {
    this.context = context;
    this.onTimeout = onTimeout;
  }

  /** Arms a timer for {@code check}'s timeout; {@code onTimeout} runs on the calling context. */
  static ProbeTimer arm(ProbeContext ctx, Check check, Runnable onTimeout) {
    VertxInternal vertx = (VertxInternal) ctx.vertx();
    ContextInternal context = vertx.getOrCreateContext();
    ProbeTimer timer = new ProbeTimer(context, onTimeout);
    long millis = Math.max(1, check.timeout().toMillis());
    if (context.threadingModel() == ThreadingModel.EVENT_LOOP
        && context.nettyEventLoop().inEventLoop()) {
      timer.scheduled =
          context.nettyEventLoop().schedule(timer::fire, millis, TimeUnit.MILLISECONDS);
    } else {
      timer.vertxTimerId = vertx.setTimer(millis, id -> timer.run());
    }
    return timer;
  }

  private void fire() {
    context.emit(null, v -> run());
  }

  private void run() {
    if (!cancelled) {
      cancelled = true;
      onTimeout.run();
    }
  }

  /** Cancels the timer; its action will not run. Idempotent. */
  void cancel() {
    if (cancelled) {
      return;
    }
    cancelled = true;
    if (scheduled != null) {
      scheduled.cancel(false);
    } else if (vertxTimerId >= 0) {
      context.owner().cancelTimer(vertxTimerId);
    }
  }
}
