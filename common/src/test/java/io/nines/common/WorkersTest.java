package io.nines.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkersTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void whenATaskIsGivenOnAnEventLoop_thenItRunsOnAWorkerThread() throws Exception {
    CompletableFuture<String> ranOn = new CompletableFuture<>();

    vertx.runOnContext(
        v ->
            Workers.of(vertx)
                .execute(
                    () ->
                        ranOn.complete(
                            (Context.isOnWorkerThread() ? "worker " : "event loop ")
                                + Thread.currentThread().getName())));

    assertThat(ranOn.get(10, TimeUnit.SECONDS)).startsWith("worker vert.x-worker-thread");
  }
}
