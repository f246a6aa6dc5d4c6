package io.nines.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.agent.TestChecks;
import io.nines.common.Failure;
import io.nines.common.FailureKind;
import io.nines.common.ProbeResult;
import io.nines.common.testing.ManualTimeSource;
import io.nines.config.Check;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The meters {@link CheckRunner} keeps per check are cheap: a page with many checks must not carry
 * a latency histogram per check (with 10,000 checks that was about a million series, and the scrape
 * took seconds); the distribution is one histogram per check type and outcome.
 */
class CheckRunnerMetersTest {
  private final ManualTimeSource time = new ManualTimeSource(Instant.parse("2026-12-07T00:00:00Z"));
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  /** A probe that takes 12 ms on the manual clock and passes. */
  private final Probe passes12Millis =
      (check, ctx) -> {
        time.advance(Duration.ofMillis(12));
        return Future.succeededFuture(new ProbeOutcome(null, 12, Map.of(), null));
      };

  private final CheckRunner runner =
      new CheckRunner(
          new ProbeContext(null, time, null, Map.of(), ref -> ""),
          Map.of("http", passes12Millis),
          "agent-1",
          "eu-west",
          registry);

  private void runAll(List<Check> checks) throws Exception {
    for (Check c : checks) {
      ProbeResult r =
          runner.run(c).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      assertThat(r.ok()).isTrue();
    }
  }

  private static List<Check> checks(int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> TestChecks.http("c" + i, "http://127.0.0.1:1/", Duration.ofSeconds(30)))
        .toList();
  }

  private static long lines(String page, String prefix) {
    return page.lines().filter(l -> l.startsWith(prefix)).count();
  }

  @Test
  void whenChecksArePrepared_thenTheirOkSeriesExistAtZeroAndTheirFirstResultsCountOnce()
      throws Exception {
    List<Check> checks = checks(3);
    runner.prepare(checks);

    for (Check c : checks) {
      Timer t =
          registry.find("nines.probe.duration").tags("check", c.id(), "outcome", "ok").timer();
      assertThat(t).as("prepared timer of %s", c.id()).isNotNull();
      assertThat(t.count()).isZero();
    }
    assertThat(registry.get("nines.probe.results").tags("outcome", "ok").counter().count())
        .isZero();

    runAll(checks);
    runner.prepare(checks); // again, e.g. on a configuration change: nothing is reset

    for (Check c : checks) {
      assertThat(
              registry.get("nines.probe.duration").tags("check", c.id(), "outcome", "ok").timers())
          .singleElement()
          .satisfies(t -> assertThat(t.count()).isEqualTo(1));
    }
    assertThat(registry.get("nines.probe.results").tags("outcome", "ok").counter().count())
        .isEqualTo(3);
  }

  @Test
  void whenACheckIsNoLongerAssigned_thenItsSeriesLeaveThePageAndTheOthersKeepTheirCounts()
      throws Exception {
    List<Check> checks = checks(3);
    runner.prepare(checks);
    runAll(checks);

    runner.prepare(checks.subList(0, 2)); // c2 removed from the configuration, or moved away

    String page = registry.scrape();
    assertThat(page).doesNotContain("check=\"c2\"");
    assertThat(registry.find("nines.probe.duration").tags("check", "c2").timers()).isEmpty();
    for (String id : List.of("c0", "c1")) {
      assertThat(registry.get("nines.probe.duration").tags("check", id).timer().count())
          .as("count of %s, kept", id)
          .isEqualTo(1);
    }
    // The per-type meters are shared by every check: they keep all three results.
    assertThat(registry.get("nines.probe.type.duration").tags("type", "http").timer().count())
        .isEqualTo(3);
    assertThat(registry.get("nines.probe.results").tags("type", "http").counter().count())
        .isEqualTo(3);

    runner.prepare(List.of()); // the agent runs no check
    assertThat(registry.find("nines.probe.duration").timers()).isEmpty();
  }

  @Test
  void whenManyChecksRun_thenNoCheckCarriesAHistogramAndTheBucketsDoNotGrowWithTheChecks()
      throws Exception {
    runAll(checks(1));
    long bucketsWithOneCheck = lines(registry.scrape(), "nines_probe_type_duration_seconds_bucket");

    runAll(checks(200));
    String page = registry.scrape();

    assertThat(page.lines().filter(l -> l.contains("_bucket{") && l.contains("check=\"")))
        .as("histogram buckets per check")
        .isEmpty();
    assertThat(bucketsWithOneCheck).isGreaterThan(10);
    assertThat(lines(page, "nines_probe_type_duration_seconds_bucket"))
        .isEqualTo(bucketsWithOneCheck);
    // Per check: a count, a sum and a max.
    assertThat(lines(page, "nines_probe_duration_seconds_count{")).isEqualTo(200);
    assertThat(lines(page, "nines_probe_duration_seconds_sum{")).isEqualTo(200);
    assertThat(lines(page, "nines_probe_duration_seconds_max{")).isEqualTo(200);
  }

  @Test
  void whenAProbeRuns_thenItsDurationIsCountedPerCheckAndInItsTypesHistogram() throws Exception {
    runAll(checks(3));

    Timer perCheck =
        registry.get("nines.probe.duration").tags("check", "c1", "outcome", "ok").timer();
    Timer perType =
        registry.get("nines.probe.type.duration").tags("type", "http", "outcome", "ok").timer();
    assertThat(perCheck.count()).isEqualTo(1);
    assertThat(perCheck.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(12);
    assertThat(perType.count()).isEqualTo(3);
    assertThat(perType.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(36);
    assertThat(perType.takeSnapshot().histogramCounts()).isNotEmpty();
    assertThat(registry.get("nines.probe.results").tags("type", "http").counter().count())
        .isEqualTo(3);
  }

  @Test
  void whenAChecksOutcomeChanges_thenEachOutcomeCountsInItsOwnSeriesAcrossRepeatedResults()
      throws Exception {
    boolean[] fail = new boolean[1];
    Probe flips =
        (check, ctx) -> {
          time.advance(Duration.ofMillis(5));
          return Future.succeededFuture(
              fail[0]
                  ? new ProbeOutcome(
                      new Failure(FailureKind.HTTP_STATUS, "", "503"), 5, Map.of(), null)
                  : new ProbeOutcome(null, 5, Map.of(), null));
        };
    CheckRunner flipping =
        new CheckRunner(
            new ProbeContext(null, time, null, Map.of(), ref -> ""),
            Map.of("http", flips),
            "agent-1",
            "eu-west",
            registry);
    Check c = TestChecks.http("c0", "http://127.0.0.1:1/", Duration.ofSeconds(30));
    Check d = TestChecks.http("d0", "http://127.0.0.1:1/", Duration.ofSeconds(30));
    for (int i = 0; i < 7; i++) {
      fail[0] = i % 3 == 2; // ok, ok, failure, ok, ok, failure, ok
      for (Check check : List.of(c, d)) {
        flipping.run(check).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      }
    }

    for (String id : List.of("c0", "d0")) {
      assertThat(registry.get("nines.probe.duration").tags("check", id, "outcome", "ok").timers())
          .singleElement()
          .satisfies(t -> assertThat(t.count()).isEqualTo(5));
      assertThat(
              registry
                  .get("nines.probe.duration")
                  .tags("check", id, "outcome", "http_status")
                  .timers())
          .singleElement()
          .satisfies(t -> assertThat(t.count()).isEqualTo(2));
    }
    assertThat(registry.get("nines.probe.results").tags("type", "http", "outcome", "ok").counter())
        .satisfies(k -> assertThat(k.count()).isEqualTo(10));
    assertThat(
            registry
                .get("nines.probe.results")
                .tags("type", "http", "outcome", "http_status")
                .counter())
        .satisfies(k -> assertThat(k.count()).isEqualTo(4));
  }
}
