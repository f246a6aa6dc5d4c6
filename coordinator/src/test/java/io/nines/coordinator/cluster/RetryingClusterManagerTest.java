package io.nines.coordinator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.IndeterminateOperationStateException;
import io.vertx.core.Completable;
import io.vertx.core.Promise;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class RetryingClusterManagerTest {

  /** A call that fails with {@code failure} its first {@code failures} times, then succeeds. */
  static Consumer<Completable<String>> failing(int failures, Throwable failure, AtomicInteger n) {
    return p -> {
      if (n.incrementAndGet() <= failures) {
        p.fail(failure);
      } else {
        p.succeed("written");
      }
    };
  }

  @Test
  void whenAStartWriteIsIndeterminateOnce_thenItIsWrittenAgainAndSucceeds() {
    AtomicInteger calls = new AtomicInteger();
    Promise<String> done = Promise.promise();

    RetryingClusterManager.retried(
        failing(1, new IndeterminateOperationStateException("backup acks missed"), calls),
        done,
        "the node information");

    assertThat(done.future().result()).isEqualTo("written");
    assertThat(calls).hasValue(2);
  }

  @Test
  void whenAStartWriteStaysIndeterminate_thenItFailsAfterTheLastAttempt() {
    AtomicInteger calls = new AtomicInteger();
    Promise<String> done = Promise.promise();

    RetryingClusterManager.retried(
        failing(99, new IndeterminateOperationStateException("backup acks missed"), calls),
        done,
        "the node information");

    assertThat(done.future().failed()).isTrue();
    assertThat(done.future().cause()).isInstanceOf(IndeterminateOperationStateException.class);
    assertThat(calls).hasValue(RetryingClusterManager.ATTEMPTS);
  }

  @Test
  void whenAStartWriteFailsOtherwise_thenItIsNotWrittenAgain() {
    AtomicInteger calls = new AtomicInteger();
    Promise<String> done = Promise.promise();

    RetryingClusterManager.retried(
        failing(1, new IllegalStateException("not active"), calls), done, "the node information");

    assertThat(done.future().cause()).isInstanceOf(IllegalStateException.class);
    assertThat(calls).hasValue(1);
  }

  @Test
  void whenTheIndeterminateStateIsWrapped_thenItIsStillRecognized() {
    assertThat(
            RetryingClusterManager.indeterminate(
                new RuntimeException(new IndeterminateOperationStateException("x"))))
        .isTrue();
    assertThat(RetryingClusterManager.indeterminate(new RuntimeException("x"))).isFalse();
  }
}
