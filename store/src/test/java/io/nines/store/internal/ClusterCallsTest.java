package io.nines.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.store.StoreUnavailableException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClusterCallsTest {
  final Vertx vertx = Vertx.vertx();
  final LongAdder timeouts = new LongAdder();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void whenTheClusterDoesNotAnswerInTime_thenTheCallFailsAsUnavailableNamingTheMapAndIsCounted()
      throws Exception {
    Future<String> hanging =
        vertx.executeBlocking(() -> Promise.<String>promise().future()).compose(f -> f);

    Future<String> bounded =
        ClusterCalls.bounded(
            hanging, Duration.ofMillis(100), "nines.outbox", "recording a delivery", timeouts);

    Throwable failure = failureOf(bounded);
    assertThat(failure)
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessage(
            "recording a delivery in the cluster map 'nines.outbox' took longer than 100 ms (a"
                + " member that owns it may be cut off, or the cluster split)")
        .hasCauseInstanceOf(TimeoutException.class);
    assertThat(timeouts.sum()).isEqualTo(1);
  }

  @Test
  void whenTheCallFailsOrSucceedsInTime_thenThatIsTheOutcomeAndNothingIsCounted() throws Exception {
    IllegalStateException cause = new IllegalStateException("refused");
    Future<String> failed =
        vertx.executeBlocking(
            () -> {
              throw cause;
            });
    Future<String> ok = vertx.executeBlocking(() -> "ok");

    assertThat(failureOf(ClusterCalls.bounded(failed, Duration.ofSeconds(5), "m", "x", timeouts)))
        .isSameAs(cause);
    assertThat(
            ClusterCalls.bounded(ok, Duration.ofSeconds(5), "m", "x", timeouts)
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS))
        .isEqualTo("ok");
    assertThat(timeouts.sum()).isZero();
  }

  private static Throwable failureOf(Future<?> f) throws Exception {
    try {
      f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }
}
