package io.nines.agent.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nines.agent.TestChecks;
import io.nines.common.testing.ManualTimeSource;
import io.nines.config.Check;
import io.nines.config.ConfigSources;
import io.nines.config.FleetLoader;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SchedulerTest {
  private final ManualTimeSource time = new ManualTimeSource(Instant.parse("2026-04-01T00:00:00Z"));
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<String> started = new ArrayList<>();
  private final List<Promise<Void>> runs = new ArrayList<>();

  private Scheduler scheduler(int maxInFlight, int maxPerHost, boolean completeAtOnce) {
    return new Scheduler(
        time,
        check -> {
          started.add(check.id());
          if (completeAtOnce) {
            return Future.succeededFuture();
          }
          Promise<Void> p = Promise.promise();
          runs.add(p);
          return p.future();
        },
        check -> "shop.example",
        maxInFlight,
        maxPerHost,
        registry);
  }

  private static Check check(String id, Duration every) {
    return TestChecks.http(id, "http://shop.example/", every);
  }

  private double skipped(String reason) {
    return registry.get("nines.scheduler.skipped").tag("reason", reason).counter().count();
  }

  @Test
  void whenTheSameIdIsScheduled_thenTheOffsetIsTheSame() {
    assertThat(Scheduler.offsetMillis("checkout-journey", 30_000))
        .isEqualTo(Scheduler.offsetMillis("checkout-journey", 30_000))
        .isBetween(0L, 29_999L);
  }

  @Test
  void whenManyChecksShareAnInterval_thenTheirStartsSpreadEvenly() {
    int checks = 1000;
    long interval = 60_000;
    int[] buckets = new int[10];
    for (int i = 0; i < checks; i++) {
      long offset = Scheduler.offsetMillis("check-" + i, interval);
      buckets[(int) (offset * 10 / interval)]++;
    }
    // Each tenth of the interval holds about 100 checks; none holds twice that.
    assertThat(java.util.Arrays.stream(buckets).boxed().toList())
        .allSatisfy(n -> assertThat(n).isBetween(60, 140));
  }

  @Test
  void whenTimePassesOneInterval_thenEachCheckRunsOnceAtItsOffset() {
    Scheduler s = scheduler(100, 100, true);
    List<Check> checks =
        IntStream.range(0, 20).mapToObj(i -> check("c" + i, Duration.ofSeconds(10))).toList();
    s.setChecks(checks);
    long next = s.poll();
    assertThat(next).isBetween(0L, 10_000L);
    for (int ms = 0; ms < 10_000; ms += 100) {
      time.advance(Duration.ofMillis(100));
      s.poll();
    }
    assertThat(started).hasSize(20).doesNotHaveDuplicates();
    assertThat(
            registry
                .get("nines.scheduler.lag")
                .timer()
                .max(java.util.concurrent.TimeUnit.MILLISECONDS))
        .isLessThan(100);
  }

  @Test
  void whenARunIsStillGoingAtItsNextSlot_thenTheSlotIsSkippedNotStacked() {
    Scheduler s = scheduler(100, 100, false);
    s.setChecks(List.of(check("slow", Duration.ofSeconds(5))));
    time.advance(Duration.ofSeconds(5));
    s.poll();
    assertThat(started).containsExactly("slow");
    time.advance(Duration.ofSeconds(5));
    s.poll();
    time.advance(Duration.ofSeconds(5));
    s.poll();
    assertThat(started).containsExactly("slow");
    assertThat(skipped("still-running")).isEqualTo(2.0);
    runs.get(0).complete();
    time.advance(Duration.ofSeconds(5));
    s.poll();
    assertThat(started).containsExactly("slow", "slow");
  }

  @Test
  void whenTheAgentIsAtItsLimit_thenFurtherRunsAreSkippedAndCounted() {
    Scheduler s = scheduler(3, 100, false);
    s.setChecks(
        IntStream.range(0, 10).mapToObj(i -> check("c" + i, Duration.ofSeconds(10))).toList());
    time.advance(Duration.ofSeconds(10));
    s.poll();
    assertThat(started).hasSize(3);
    assertThat(s.inFlight()).isEqualTo(3);
    assertThat(skipped("agent-limit")).isEqualTo(7.0);
  }

  @Test
  void whenOneHostIsAtItsLimit_thenItsRunsAreSkipped() {
    Scheduler s = scheduler(100, 2, false);
    s.setChecks(
        IntStream.range(0, 5).mapToObj(i -> check("c" + i, Duration.ofSeconds(10))).toList());
    time.advance(Duration.ofSeconds(10));
    s.poll();
    assertThat(started).hasSize(2);
    assertThat(skipped("host-limit")).isEqualTo(3.0);
  }

  @Test
  void whenManyRunsOnOneHostEnd_thenTheHostLimitFreesUpEveryTimeAndNothingStaysCounted() {
    Scheduler s = scheduler(1000, 200, false);
    s.setChecks(
        IntStream.range(0, 300).mapToObj(i -> check("c" + i, Duration.ofSeconds(10))).toList());
    for (int round = 1; round <= 3; round++) {
      time.advance(Duration.ofSeconds(10));
      s.poll();
      assertThat(started).as("round %s", round).hasSize(200 * round);
      assertThat(s.inFlight()).isEqualTo(200);
      assertThat(skipped("host-limit")).isEqualTo(100.0 * round);
      List<Promise<Void>> ending = List.copyOf(runs);
      runs.clear();
      ending.forEach(Promise::complete);
      assertThat(s.inFlight()).isZero();
    }
    assertThat(skipped("still-running")).isZero();
  }

  @Test
  void whenRunsFailThrowOrEndAfterTheirCheckWasReplacedOrRemoved_thenEachReleasesItsHostOnce() {
    // A host limit of 2: a run that throws, one that fails, and ones whose check was replaced or
    // removed while they ran each give back exactly one place on the host, no more, no less.
    List<Promise<Void>> pending = new ArrayList<>();
    Scheduler s =
        new Scheduler(
            time,
            check -> {
              started.add(check.id());
              if (check.id().equals("throws")) {
                throw new IllegalStateException("boom");
              }
              Promise<Void> p = Promise.promise();
              pending.add(p);
              return p.future();
            },
            check -> "shop.example",
            100,
            2,
            registry);
    s.setChecks(List.of(check("throws", Duration.ofSeconds(10))));
    time.advance(Duration.ofSeconds(10));
    s.poll();
    assertThat(s.inFlight()).isZero();

    s.setChecks(List.of(check("a", Duration.ofSeconds(10)), check("b", Duration.ofSeconds(10))));
    time.advance(Duration.ofSeconds(10));
    s.poll();
    assertThat(s.inFlight()).isEqualTo(2);
    // a is replaced (a new interval), b is removed, c arrives: the host is full until they end.
    s.setChecks(List.of(check("a", Duration.ofSeconds(20)), check("c", Duration.ofSeconds(10))));
    time.advance(Duration.ofSeconds(20));
    s.poll();
    assertThat(started).containsExactly("throws", "a", "b");
    pending.get(0).fail("timeout");
    pending.get(1).complete();
    assertThat(s.inFlight()).isZero();

    // Both places are free again: a and c start together, and end; then again.
    for (int round = 0; round < 2; round++) {
      started.clear();
      pending.clear();
      time.advance(Duration.ofSeconds(20));
      s.poll();
      assertThat(started).containsExactlyInAnyOrder("a", "c");
      pending.forEach(Promise::complete);
      assertThat(s.inFlight()).isZero();
    }
  }

  @Test
  void whenTheAgentStallsForSeveralSlots_thenMissedSlotsAreSkippedNotBurst() {
    Scheduler s = scheduler(100, 100, true);
    s.setChecks(List.of(check("c", Duration.ofSeconds(1))));
    time.advance(Duration.ofSeconds(1));
    s.poll();
    time.advance(Duration.ofMillis(5_500));
    s.poll();
    assertThat(started).hasSize(2);
    assertThat(skipped("still-running")).isGreaterThanOrEqualTo(4.0);
  }

  @Test
  void whenACheckIsRemoved_thenItIsNotStartedAgain() {
    Scheduler s = scheduler(100, 100, true);
    s.setChecks(List.of(check("a", Duration.ofSeconds(1)), check("b", Duration.ofSeconds(1))));
    s.setChecks(List.of(check("a", Duration.ofSeconds(1))));
    time.advance(Duration.ofSeconds(3));
    s.poll();
    assertThat(started).containsOnly("a");
    assertThat(s.nextDueMillis("b")).isEqualTo(-1);
  }

  @Test
  void whenACheckIsRemovedAndAddedAgainWhileItRuns_thenItNeverRunsTwiceAtOnce() {
    Scheduler s = scheduler(100, 100, false);
    Check a = check("a", Duration.ofSeconds(1));
    s.setChecks(List.of(a));
    time.advance(Duration.ofSeconds(1));
    s.poll();
    assertThat(started).containsExactly("a");
    // Removed while its run is in flight, then back (a configuration reverted): the new entry
    // waits for the old run, and the old run's end frees exactly one run, not two.
    s.setChecks(List.of());
    s.setChecks(List.of(a));
    for (int i = 0; i < 3; i++) {
      time.advance(Duration.ofSeconds(1));
      s.poll();
    }
    assertThat(started).as("a second run while the first is in flight").containsExactly("a");
    runs.get(0).complete();
    time.advance(Duration.ofSeconds(1));
    s.poll();
    assertThat(started).containsExactly("a", "a");
    assertThat(s.inFlight()).isEqualTo(1);
    for (int i = 0; i < 3; i++) {
      time.advance(Duration.ofSeconds(1));
      s.poll();
    }
    assertThat(started).as("a third run while the second is in flight").hasSize(2);
    // Replaced twice while a run is in flight: still one at a time.
    s.setChecks(List.of(check("a", Duration.ofMillis(500))));
    s.setChecks(List.of(check("a", Duration.ofMillis(250))));
    for (int i = 0; i < 4; i++) {
      time.advance(Duration.ofMillis(250));
      s.poll();
    }
    assertThat(started).hasSize(2);
    runs.get(1).complete();
    time.advance(Duration.ofMillis(250));
    s.poll();
    assertThat(started).hasSize(3);
    assertThat(s.inFlight()).isEqualTo(1);
  }

  private static List<Check> loaded(String url) throws Exception {
    ConfigSources sources =
        ConfigSources.of(
            List.of(
                new ConfigSources.File(
                    "fleet.yaml",
                    """
                    locations: [eu-west]
                    services: {svc: {tier: important}}
                    checks:
                      - id: keep
                        service: svc
                        every: 10s
                        http: {get: "%s", expect: [status == 200]}
                    """
                        .formatted(url))));
    return new FleetLoader(new ManualTimeSource(Instant.now()), Map.of(), Map.of())
        .load(sources)
        .checks();
  }

  @Test
  void whenAReloadedConfigurationHasAnEqualCheck_thenItKeepsItsSlotAndItsRunInFlight()
      throws Exception {
    Scheduler s = scheduler(100, 100, false);
    s.setChecks(loaded("http://shop.example/"));
    long due = s.nextDueMillis("keep");
    time.advance(Duration.ofMillis(due - time.wallMillis()));
    s.poll();
    assertThat(started).containsExactly("keep");

    // Another load of the same files: other objects, equal checks.
    s.setChecks(loaded("http://shop.example/"));

    assertThat(s.nextDueMillis("keep")).isEqualTo(due + 10_000);
    time.advance(Duration.ofSeconds(10));
    s.poll();
    assertThat(started).as("the run in flight is not doubled").containsExactly("keep");
    assertThat(skipped("still-running")).isEqualTo(1.0);
  }

  @Test
  void whenACheckChangesWhileItRuns_thenTheNewDefinitionKeepsItsPhaseAndWaitsForTheRun()
      throws Exception {
    Scheduler s = scheduler(100, 100, false);
    s.setChecks(loaded("http://shop.example/"));
    long due = s.nextDueMillis("keep");
    time.advance(Duration.ofMillis(due - time.wallMillis()));
    s.poll();

    s.setChecks(loaded("http://shop.example/changed"));

    // Same phase (slots every 10 s from the same offset); the old run still counts as running.
    assertThat(Math.floorMod(s.nextDueMillis("keep") - due, 10_000L)).isZero();
    s.poll();
    time.advance(Duration.ofSeconds(10));
    s.poll();
    assertThat(started).containsExactly("keep");
    runs.get(0).complete();
    time.advance(Duration.ofSeconds(10));
    s.poll();
    assertThat(started).containsExactly("keep", "keep");
  }

  @Test
  void nextSlotIsStrictlyAfterAndAligned() {
    assertThat(Scheduler.nextSlot(0, 1000, 250)).isEqualTo(250);
    assertThat(Scheduler.nextSlot(250, 1000, 250)).isEqualTo(1250);
    assertThat(Scheduler.nextSlot(-1, 1000, 0)).isEqualTo(0);
  }
}
