package io.nines.store.results;

import static io.nines.store.testing.TestFleets.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.nines.common.ProbeResult;
import io.nines.config.DownWhen;
import io.nines.config.Fleet;
import io.nines.store.testing.StoreCluster;
import io.nines.store.testing.TestFleets;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * With {@link HazelcastResultStore#FAIL_ON_INDETERMINATE_STATE}, Hazelcast no longer runs an
 * operation again when its target left while it ran; a read, which is safe to run twice, is sent
 * again by the store, so that a member's crash does not fail the reads under way.
 */
class OwnerFailoverIT {
  static final Instant NOW = Instant.parse("2026-04-10T12:00:00Z");

  final Fleet fleet =
      TestFleets.fleet()
          .check("home", "shop", Duration.ofSeconds(30), List.of("eu"), new DownWhen(1))
          .build();

  StoreCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void whenTheOwnerDiesWhileAReadIsUnderWay_thenTheReadIsAnsweredByTheNewOwner() throws Exception {
    cluster = StoreCluster.start(2);
    StoreCluster.Member owner = cluster.ownerOf("home");
    StoreCluster.Member survivor = cluster.notOwnerOf("home");
    survivor
        .store()
        .append(List.of(ok("a", 1, "home", "eu", NOW)), fleet, NOW)
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    // The read reaches the owner and waits there, behind its held partition thread.
    CountDownLatch release = StoreCluster.stall(owner, "home");
    Future<List<ProbeResult>> read = survivor.store().recent("home", 10);

    try {
      owner.hazelcast().getLifecycleService().terminate();
    } finally {
      release.countDown();
    }

    List<ProbeResult> answered =
        read.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    assertThat(answered).extracting(ProbeResult::id).containsExactly("a/1");
  }
}
