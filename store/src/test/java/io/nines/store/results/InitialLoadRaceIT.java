package io.nines.store.results;

import static io.nines.store.testing.TestFleets.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.CompactSerializationConfig;
import com.hazelcast.config.MapStoreConfig;
import com.hazelcast.map.IMap;
import com.hazelcast.map.MapStore;
import io.nines.common.ProbeResult;
import io.nines.config.DownWhen;
import io.nines.config.Fleet;
import io.nines.store.checklog.AppliedSequences;
import io.nines.store.checklog.CheckLog;
import io.nines.store.testing.StoreCluster;
import io.nines.store.testing.TestFleets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A batch applied to a check while the checks map is loading its stored entries (the lazy initial
 * load after a cluster's start, or a load the key loader starts again on a member that took over
 * partitions it held no replica of, as the cut-off side of a split does) must survive that load.
 *
 * <p>Hazelcast's bulk load leaves out the keys a partition holds when its loader task starts, reads
 * the others from the store, and then puts what it read, replacing whatever the partition holds by
 * then ({@code putFromLoad}). Operations that check {@code RecordStore.checkIfLoaded} wait for it;
 * with the MapStore's operations offloaded (Hazelcast 5.3's default), the entry operations the
 * checks map is written with do not, so a batch applied between the loader's read and its put was
 * acknowledged and then replaced by the value read before it: gone from the members' memory while
 * in the database (the result lost in {@code NetworkPartitionIT}, cluster.md "What a partition can
 * still cost").
 */
class InitialLoadRaceIT {
  static final Instant NOW = Instant.parse("2026-04-10T12:00:00Z");

  final Fleet fleet =
      TestFleets.fleet()
          .check("home", "shop", Duration.ofSeconds(30), List.of("eu"), new DownWhen(1))
          .build();

  StoreCluster cluster;
  final GatedStore database = new GatedStore();

  @AfterEach
  void stop() {
    database.release.countDown();
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void whenABatchIsAppliedWhileTheMapLoadsTheCheck_thenTheLoadDoesNotReplaceIt() throws Exception {
    List<ProbeResult> stored =
        List.of(
            ok("a", 1, "home", "eu", NOW.minusSeconds(90)),
            ok("a", 2, "home", "eu", NOW.minusSeconds(60)),
            ok("a", 3, "home", "eu", NOW.minusSeconds(30)));
    database.logs.put(
        "home",
        CheckLog.restore("home", stored, Map.of("a", new AppliedSequences(3, new long[0])), null));
    cluster =
        StoreCluster.start(
            1,
            () -> null,
            // The checks map declared again, as a member with a database declares it.
            c -> {
              c.getSerializationConfig()
                  .setCompactSerializationConfig(new CompactSerializationConfig());
              HazelcastResultStore.configure(
                  c,
                  1,
                  new MapStoreConfig()
                      .setEnabled(true)
                      .setImplementation(database)
                      .setWriteDelaySeconds(1)
                      .setInitialLoadMode(MapStoreConfig.InitialLoadMode.LAZY));
            });
    StoreCluster.Member member = cluster.members().get(0);
    IMap<String, CheckLog> map = member.hazelcast().getMap(HazelcastResultStore.MAP_NAME);

    // The first use of the map starts the initial load; its read of the stored check waits.
    map.getAsync("another check");
    assertThat(database.bulkReadStarted.await(30, TimeUnit.SECONDS)).isTrue();

    ProbeResult sent = ok("a", 4, "home", "eu", NOW);
    CompletableFuture<AppendOutcome> append =
        member.store().append(List.of(sent), fleet, NOW).toCompletionStage().toCompletableFuture();
    // Let the batch complete if it does not wait for the load (it did, in milliseconds); a batch
    // that waits for the load completes once the load's read, made before it, has been put.
    try {
      append.get(2, TimeUnit.SECONDS);
    } catch (TimeoutException waitsForTheLoad) {
      // expected: it is applied after the load
    }
    database.release.countDown();
    assertThat(append.get(30, TimeUnit.SECONDS).accepted()).isEqualTo(1);
    assertThat(map.size()).isEqualTo(1); // waits for the load to finish

    List<ProbeResult> held =
        member
            .store()
            .recent("home", 10)
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    assertThat(held).extracting(ProbeResult::id).contains("a/4");
  }

  /**
   * A database of check logs whose first bulk read (the initial load's) returns what it read only
   * once released; every other read answers at once.
   */
  static final class GatedStore implements MapStore<String, CheckLog> {
    final Map<String, CheckLog> logs = new ConcurrentHashMap<>();
    final CountDownLatch bulkReadStarted = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    private final AtomicBoolean first = new AtomicBoolean(true);

    @Override
    public CheckLog load(String key) {
      CheckLog log = logs.get(key);
      return log == null ? null : log.copy();
    }

    @Override
    public Map<String, CheckLog> loadAll(Collection<String> keys) {
      Map<String, CheckLog> read = new HashMap<>();
      for (String k : keys) {
        CheckLog log = load(k);
        if (log != null) {
          read.put(k, log);
        }
      }
      if (first.compareAndSet(true, false)) {
        bulkReadStarted.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return read;
    }

    @Override
    public Iterable<String> loadAllKeys() {
      return List.copyOf(logs.keySet());
    }

    @Override
    public void store(String key, CheckLog value) {
      value.journal().drain();
    }

    @Override
    public void storeAll(Map<String, CheckLog> map) {
      map.values().forEach(v -> v.journal().drain());
    }

    @Override
    public void delete(String key) {}

    @Override
    public void deleteAll(Collection<String> keys) {}
  }
}
