package io.nines.coordinator.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.core.IndeterminateOperationStateException;
import io.vertx.core.Completable;
import io.vertx.core.spi.cluster.NodeInfo;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Vert.x's Hazelcast cluster manager, whose writes while a member starts (its node information in
 * {@code __vertx.nodeInfo}, its event-bus registrations in {@code __vertx.subs}) are tried again,
 * up to {@value #ATTEMPTS} times in all, when Hazelcast reports them indeterminate.
 *
 * <p>Why: the member's configuration sets {@code hazelcast.operation.fail.on.indeterminate.state}
 * (so that a result is never acknowledged while only its owner holds it; docs/cluster.md, "The
 * backup timeout"). The property is member-wide, so Vert.x's own puts fail too when their backup
 * does not acknowledge within the backup timeout (5 s), which a member just joining a loaded
 * cluster can meet while partitions migrate: {@code FullClusterRestartH2IT} once failed to start a
 * member with {@code IndeterminateOperationStateException} ("backup acks missed") on the {@code
 * __vertx.nodeInfo} put, and Vert.x then gives up starting. These writes are idempotent (a put of
 * the same key and value; a registration into a set), so writing again is safe; a longer backup
 * timeout instead would also make every result wait longer for a backup that is gone, before the
 * agent is told to send it again.
 */
final class RetryingClusterManager extends HazelcastClusterManager {
  private static final Logger LOG = Logger.getLogger(RetryingClusterManager.class.getName());

  /** Tries in all, the first included. */
  static final int ATTEMPTS = 3;

  RetryingClusterManager(Config config) {
    super(config);
  }

  @Override
  public void setNodeInfo(NodeInfo nodeInfo, Completable<Void> promise) {
    retried(p -> super.setNodeInfo(nodeInfo, p), promise, "the node information");
  }

  @Override
  public void addRegistration(
      String address, RegistrationInfo registrationInfo, Completable<Void> promise) {
    retried(
        p -> super.addRegistration(address, registrationInfo, p),
        promise,
        "the event-bus registration of '" + address + "'");
  }

  /**
   * Runs {@code call}, and runs it again (up to {@value #ATTEMPTS} times in all) while it fails
   * with an {@link IndeterminateOperationStateException}; completes {@code promise} with its last
   * outcome. Each retry is logged as a warning naming {@code what}.
   */
  static <T> void retried(Consumer<Completable<T>> call, Completable<T> promise, String what) {
    attempt(call, promise, what, 1);
  }

  private static <T> void attempt(
      Consumer<Completable<T>> call, Completable<T> promise, String what, int attempt) {
    call.accept(
        (result, failure) -> {
          if (failure != null && attempt < ATTEMPTS && indeterminate(failure)) {
            LOG.warning(
                "writing "
                    + what
                    + " to the cluster was indeterminate (attempt "
                    + attempt
                    + " of "
                    + ATTEMPTS
                    + ": "
                    + failure.getMessage()
                    + "); writing it again");
            attempt(call, promise, what, attempt + 1);
          } else {
            promise.complete(result, failure);
          }
        });
  }

  static boolean indeterminate(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof IndeterminateOperationStateException) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }
}
