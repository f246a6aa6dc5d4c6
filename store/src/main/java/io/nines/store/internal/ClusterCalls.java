package io.nines.store.internal;

import io.nines.store.StoreUnavailableException;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A bound on how long the stores wait for a cluster call that has no asynchronous form (run on a
 * Vert.x worker). Hazelcast's own calls have none a caller can rely on: while a network partition
 * has not been seen yet (up to the heartbeat timeout) an operation on a partition owned across the
 * cut waits for that member, and is then retried.
 */
public final class ClusterCalls {
  /** How long a store waits for a cluster call by default. */
  public static final Duration TIMEOUT = Duration.ofSeconds(10);

  private static final Logger LOG = Logger.getLogger(ClusterCalls.class.getName());

  private ClusterCalls() {}

  /**
   * {@code call}, or, when it has not completed within {@code timeout}, a failure with a {@link
   * StoreUnavailableException} saying what took too long in which map, logged as a warning and
   * counted in {@code timeouts}. The call itself goes on (its worker thread stays busy until
   * Hazelcast gives up on it), and may still complete in the cluster.
   *
   * @param doing what the call does, for the message, e.g. {@code "recording a delivery"}
   */
  public static <T> Future<T> bounded(
      Future<T> call, Duration timeout, String map, String doing, LongAdder timeouts) {
    return call.timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .recover(
            e -> {
              if (!(e instanceof TimeoutException)) {
                return Future.failedFuture(e);
              }
              timeouts.increment();
              String message =
                  doing
                      + " in the cluster map '"
                      + map
                      + "' took longer than "
                      + timeout.toMillis()
                      + " ms (a member that owns it may be cut off, or the cluster split)";
              LOG.log(Level.WARNING, message);
              return Future.failedFuture(new StoreUnavailableException(message, e));
            });
  }
}
