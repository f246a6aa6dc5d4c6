package io.nines.store.results;

import static io.nines.store.testing.TestFleets.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.nines.common.ProbeResult;
import io.nines.common.testing.ManualTimeSource;
import io.nines.config.DownWhen;
import io.nines.config.Fleet;
import io.nines.store.testing.TestFleets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InMemoryResultStoreTest extends ResultStoreContract {

  @Override
  ResultStore newStore() {
    return new InMemoryResultStore();
  }

  @Test
  void whenACheckLeavesTheConfigurationAndItsResultsAge_thenItIsForgotten() {
    append(List.of(ok("a", 1, "home", "eu", at(60))), NOW);
    var withoutHome =
        TestFleets.fleet()
            .check(
                "other",
                "shop",
                Duration.ofSeconds(30),
                List.of("eu"),
                io.nines.config.DownWhen.MAJORITY)
            .build();

    store
        .append(
            List.of(ok("a", 2, "other", "eu", NOW.plus(Duration.ofDays(8)))),
            withoutHome,
            NOW.plus(Duration.ofDays(8)))
        .await();

    assertThat(evaluation("home")).isEmpty();
    assertThat(size()).isEqualTo(1);
  }

  /** Two checks, so that one can stay idle while the other receives results. */
  final Fleet twoChecks =
      TestFleets.fleet()
          .check("home", "shop", Duration.ofSeconds(30), List.of("eu"), DownWhen.MAJORITY)
          .check("other", "shop", Duration.ofSeconds(30), List.of("eu"), DownWhen.MAJORITY)
          .retentionRaw(Duration.ofDays(7))
          .build();

  @Test
  void whenAnIdleChecksResultsLeaveTheRetention_thenTheNextDueSweepTrimsThem() {
    ManualTimeSource clock = new ManualTimeSource(NOW);
    store
        .append(List.of(ok("a", 1, "home", "eu", NOW.minusSeconds(10))), twoChecks, clock.now())
        .await();

    clock.advance(Duration.ofDays(7));
    store.append(List.of(ok("a", 2, "other", "eu", clock.now())), twoChecks, clock.now()).await();

    assertThat(recent("home", 10))
        .as("trimmed by the sweep, though home received nothing")
        .isEmpty();
    assertThat(recent("other", 10)).extracting(ProbeResult::sequence).containsExactly(2L);
  }

  @Test
  void whenASweepIsNotDueYet_thenAnAppendTrimsOnlyItsOwnCheck() {
    ManualTimeSource clock = new ManualTimeSource(NOW);
    Instant homeRan = NOW.minus(Duration.ofDays(7)).plusSeconds(20);
    store.append(List.of(ok("a", 1, "home", "eu", homeRan)), twoChecks, clock.now()).await();
    clock.advance(Duration.ofSeconds(30)); // home's result has now left the retention

    store.append(List.of(ok("a", 2, "other", "eu", clock.now())), twoChecks, clock.now()).await();
    assertThat(recent("home", 10)).as("no sweep within the interval").hasSize(1);

    clock.advance(InMemoryResultStore.SWEEP_INTERVAL);
    store.append(List.of(ok("a", 3, "other", "eu", clock.now())), twoChecks, clock.now()).await();
    assertThat(recent("home", 10)).as("the due sweep trims it").isEmpty();
  }

  @Test
  void whenManyThreadsAppendToDifferentChecksAtOnce_thenEveryResultIsKept() throws Exception {
    int threads = 4;
    int perThread = 200;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String check = t % 2 == 0 ? "home" : "other";
      String agent = "agent-" + t;
      done.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 1; i <= perThread; i++) {
                  Instant ran = NOW.minusSeconds(perThread).plusSeconds(i);
                  store.append(List.of(ok(agent, i, check, "eu", ran)), twoChecks, NOW).await();
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> f : done) {
      f.get(30, TimeUnit.SECONDS);
    }
    pool.shutdown();

    assertThat(size()).isEqualTo((long) threads * perThread);
  }
}
