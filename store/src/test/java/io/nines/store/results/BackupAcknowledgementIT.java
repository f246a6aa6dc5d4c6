package io.nines.store.results;

import static io.nines.store.testing.TestFleets.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.IndeterminateOperationStateException;
import io.nines.common.ProbeResult;
import io.nines.config.DownWhen;
import io.nines.config.Fleet;
import io.nines.store.StoreUnavailableException;
import io.nines.store.testing.StoreCluster;
import io.nines.store.testing.TestFleets;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * "Acknowledged" means on the owner and its synchronous backup, also when the backup does not
 * answer: two members in this JVM, and the backup's partition thread held (as a backup cut off by a
 * network partition, or frozen, holds it), so that the owner applies a batch but the backup never
 * acknowledges it within Hazelcast's backup timeout (shortened to 2 s here; 5 s by default).
 *
 * <p>Without {@code hazelcast.operation.fail.on.indeterminate.state}, Hazelcast completes such an
 * operation as if the backup had answered: the agent heard "accepted" for a result only the owner
 * held, which a crash of the owner, or the merge after a partition, could then lose
 * (NetworkPartitionIT saw one such loss in about 7 runs).
 */
class BackupAcknowledgementIT {
  static final Instant NOW = Instant.parse("2026-04-10T12:00:00Z");
  static final long BACKUP_TIMEOUT_MILLIS = 2000;

  static StoreCluster cluster;

  final Fleet fleet =
      TestFleets.fleet()
          .check("home", "shop", Duration.ofSeconds(30), List.of("eu"), new DownWhen(1))
          .check("cart", "shop", Duration.ofSeconds(30), List.of("eu"), new DownWhen(1))
          .build();

  private final List<CountDownLatch> stalls = new ArrayList<>();

  @BeforeAll
  static void startCluster() {
    cluster =
        StoreCluster.start(
            2,
            () -> null,
            Map.of(
                "hazelcast.operation.backup.timeout.millis", Long.toString(BACKUP_TIMEOUT_MILLIS)));
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @AfterEach
  void releaseStalls() {
    stalls.forEach(CountDownLatch::countDown);
  }

  @Test
  void whenTheBackupDoesNotAcknowledge_thenTheAppendFailsAsUnavailableInsteadOfBeingAcknowledged()
      throws Exception {
    StoreCluster.Member owner = ownerOf("home");
    stallBackupOf("home");

    Throwable failure =
        failureOf(owner.store().append(List.of(ok("a", 1, "home", "eu", NOW)), fleet, NOW));

    assertThat(failure)
        .as("an append whose backup never acknowledged")
        .isInstanceOf(StoreUnavailableException.class)
        .hasRootCauseInstanceOf(IndeterminateOperationStateException.class);
  }

  @Test
  void whenABatchIsSentAgainWhileTheBackupStillLacksIt_thenTheDuplicateIsNotAcknowledgedEither()
      throws Exception {
    StoreCluster.Member owner = ownerOf("cart");
    List<ProbeResult> batch = List.of(ok("a", 7, "cart", "eu", NOW));
    CountDownLatch stall = stallBackupOf("cart");
    assertThat(failureOf(owner.store().append(batch, fleet, NOW)))
        .isInstanceOf(StoreUnavailableException.class);

    // The agent sends the batch again: the owner holds it, the backup still does not.
    Throwable again = failureOf(owner.store().append(batch, fleet, NOW));

    assertThat(again)
        .as("a duplicate, acknowledged while the backup lacks the result")
        .isInstanceOf(StoreUnavailableException.class)
        .hasRootCauseInstanceOf(IndeterminateOperationStateException.class);

    // Once the backup answers, the batch is acknowledged (as a duplicate), and the backup holds it.
    stall.countDown();
    AppendOutcome outcome =
        owner
            .store()
            .append(batch, fleet, NOW)
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    assertThat(outcome.duplicates()).isEqualTo(1);
    StoreCluster.Member backup = backupOf("cart");
    assertThat(StoreCluster.replicaResults(backup, "cart"))
        .as("the results in the backup's replica of 'cart'")
        .containsExactly("a/7");
  }

  // --- helpers -------------------------------------------------------------------------------

  private StoreCluster.Member ownerOf(String checkId) {
    return cluster.ownerOf(checkId);
  }

  private StoreCluster.Member backupOf(String checkId) {
    return cluster.notOwnerOf(checkId);
  }

  /** Holds the backup's partition thread of {@code checkId} until the latch (or the test) ends. */
  private CountDownLatch stallBackupOf(String checkId) throws InterruptedException {
    CountDownLatch release = StoreCluster.stall(backupOf(checkId), checkId);
    stalls.add(release);
    return release;
  }

  /** The failure of {@code append}, which must come within 30 s; null when it succeeded. */
  private static Throwable failureOf(Future<AppendOutcome> append) throws Exception {
    try {
      append.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }
}
