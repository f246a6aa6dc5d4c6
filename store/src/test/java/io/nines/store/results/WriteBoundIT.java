package io.nines.store.results;

import static io.nines.store.testing.TestFleets.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.nines.common.ProbeResult;
import io.nines.config.DownWhen;
import io.nines.config.Fleet;
import io.nines.store.StoreUnavailableException;
import io.nines.store.testing.StoreCluster;
import io.nines.store.testing.TestFleets;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A write completes or fails within {@link HazelcastResultStore#SHARE_TIMEOUT}, also when the owner
 * never answers: two members in this JVM, and the owner's partition thread held, so that the
 * check's operation waits in its queue unanswered and unreported (Hazelcast's operation heartbeats
 * cover running operations only). Hazelcast itself gives up on such an invocation only after its
 * call timeout plus its heartbeat timeout (2 minutes); an executor task waiting on it keeps its
 * member's heartbeats going, so the sender never gives up. BatchPerOwnerIT saw such a write at
 * start-up: an operation retried while the member was receiving the partition table, never
 * answered, and the append neither completed nor failed for over 60 s.
 */
class WriteBoundIT {
  static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
  static final Duration BOUND = Duration.ofSeconds(2);

  static StoreCluster cluster;

  final Fleet fleet =
      TestFleets.fleet()
          .check("home", "shop", Duration.ofSeconds(30), List.of("eu"), new DownWhen(1))
          .check("cart", "shop", Duration.ofSeconds(30), List.of("eu"), new DownWhen(1))
          .build();

  private CountDownLatch stall;

  @BeforeAll
  static void startCluster() {
    cluster = StoreCluster.start(2);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @AfterEach
  void release() {
    if (stall != null) {
      stall.countDown();
    }
  }

  @Test
  void whenTheOwnerOfAnotherMembersShareNeverAnswers_thenTheAppendFailsAsUnavailableWithinTheBound()
      throws Exception {
    StoreCluster.Member owner = cluster.ownerOf("home");
    StoreCluster.Member via = cluster.notOwnerOf("home");
    stall = StoreCluster.stall(owner, "home");

    Throwable failure = failureWithin(store(via).append(batch("home", 1), fleet, NOW));

    assertThat(failure)
        .as("an append whose owner never answered")
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("within " + BOUND.toMillis() + " ms")
        .hasMessageContaining("'home'");
  }

  @Test
  void whenTheOwnerItselfNeverAnswers_thenTheAppendFailsAsUnavailableWithinTheBound()
      throws Exception {
    StoreCluster.Member owner = cluster.ownerOf("cart");
    stall = StoreCluster.stall(owner, "cart");

    Throwable failure = failureWithin(store(owner).append(batch("cart", 1), fleet, NOW));

    assertThat(failure)
        .as("an append applied on this member, whose partition thread never answered")
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("on this member");

    // Once the owner answers, the batch sent again is acknowledged, once.
    stall.countDown();
    AppendOutcome again =
        store(owner)
            .append(batch("cart", 1), fleet, NOW)
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    assertThat(again.accepted() + again.duplicates()).isEqualTo(1);
    assertThat(store(owner).recent("cart", 10).await(30, TimeUnit.SECONDS)).hasSize(1);
  }

  private static HazelcastResultStore store(StoreCluster.Member member) {
    return new HazelcastResultStore(member.hazelcast(), member.vertx(), BOUND);
  }

  private static List<ProbeResult> batch(String checkId, long seq) {
    return List.of(ok("a", seq, checkId, "eu", NOW.minusSeconds(10)));
  }

  /**
   * The failure of {@code append}, which must come well within the stall (60 s) and Hazelcast's own
   * bound (2 minutes): 15 s.
   */
  private static Throwable failureWithin(Future<AppendOutcome> append) throws Exception {
    try {
      AppendOutcome outcome =
          append.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
      throw new AssertionError("the append was acknowledged: " + outcome);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError("the append neither completed nor failed within 15 s", e);
    }
  }
}
