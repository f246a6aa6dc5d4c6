package io.nines.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nines.cli.FleetProcesses.Stored;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delivery with real processes: a coordinator ({@code nines coordinator}, its results in H2 under
 * {@code --data-dir}) and an agent ({@code nines agent}) in JVMs of their own, probing a target in
 * this JVM every second. The coordinator is killed and restarted on the same port and database, and
 * the agent is killed with SIGKILL while it replays its spool; every result the agent produced must
 * be stored exactly once, and the outage must not show in the timeline.
 */
class DeliveryIT {
  /** The checks' interval is 1 s, so a stretch longer than this is a real hole in the timeline. */
  private static final Duration STALE = Duration.ofSeconds(2);

  @TempDir Path dir;
  private FleetProcesses fleet;

  @AfterEach
  void stop() throws Exception {
    if (fleet != null) {
      fleet.close();
    }
  }

  /** No result twice, and each run of the agent without a hole in its sequence. */
  private static void assertExactlyOnce(List<Stored> results, int expectedRuns) {
    Map<String, Long> byId =
        results.stream().collect(Collectors.groupingBy(Stored::id, Collectors.counting()));
    assertThat(byId.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey))
        .as("result ids stored more than once")
        .isEmpty();
    assertThat(results).extracting(Stored::agent).containsOnly(FleetProcesses.AGENT_ID);
    List<List<Long>> runs = FleetProcesses.runs(results);
    assertThat(runs).as("runs of the agent (sequence ranges)").hasSize(expectedRuns);
    for (List<Long> run : runs) {
      long first = run.get(0);
      long last = run.get(run.size() - 1);
      assertThat(run)
          .as("sequences %d..%d: every one the agent produced, once", first, last)
          .hasSize((int) (last - first + 1));
    }
  }

  /**
   * Waits until the store holds a result that ran after {@code after}, then reads what it holds.
   * The agent ships its spool in order, one batch at a time, so once such a result is stored,
   * everything the agent produced before it is stored too (a replay included); the agent keeps
   * probing meanwhile, so its spool is never quite empty, and this does not wait for that.
   *
   * <p>The checks are listed one after the other while results keep arriving, so a later listing
   * may hold newer sequences than an earlier one. The reading is therefore cut at the lowest of the
   * checks' newest sequences: below it, every listing was complete.
   */
  private List<Stored> awaitStoredAfter(Instant after) {
    await("the store holds a result that ran after " + after)
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(300))
        .until(() -> fleet.allResults().stream().anyMatch(r -> r.startedAt().isAfter(after)));
    try {
      double acknowledged = fleet.agentMetrics().get("nines_shipper_shipped_total");
      List<Stored> results = fleet.allResults();
      assertThat(results.stream().map(Stored::id).distinct().count())
          .as(
              () ->
                  "results stored vs. acknowledged to the agent before the listing (an"
                      + " acknowledged result is stored, and survives a kill of the"
                      + " coordinator)\n"
                      + fleet.logs())
          .isGreaterThanOrEqualTo((long) acknowledged);
      long cut =
          results.stream()
              .collect(
                  Collectors.groupingBy(Stored::check, Collectors.summarizingLong(Stored::seq)))
              .values()
              .stream()
              .mapToLong(LongSummaryStatistics::getMax)
              .min()
              .orElseThrow();
      return results.stream().filter(r -> r.seq() <= cut).toList();
    } catch (Exception e) {
      throw new AssertionError("reading the stored results failed", e);
    }
  }

  private static Instant first(List<Stored> results) {
    return results.stream().map(Stored::startedAt).min(Comparator.naturalOrder()).orElseThrow();
  }

  private static Instant last(List<Stored> results) {
    return results.stream().map(Stored::startedAt).max(Comparator.naturalOrder()).orElseThrow();
  }

  @Test
  void whenTheCoordinatorIsDownForAWhile_thenEveryResultArrivesOnceAndTheTimelineHasNoGap()
      throws Exception {
    fleet = new FleetProcesses(dir, 2);
    fleet.startCoordinator();
    fleet.startAgent(500);
    await("steady probing: results stored")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(300))
        .until(() -> fleet.allResults().size() >= 8);

    // A hard crash: what was acknowledged must be in H2 already.
    FleetProcesses.stop(fleet.coordinator, true);
    Instant down = Instant.now();
    await("the agent spools while the coordinator is down")
        .pollDelay(Duration.ofSeconds(8))
        .atMost(Duration.ofSeconds(12))
        .until(() -> fleet.agentMetrics().get("nines_spool_pending") >= 10);
    fleet.startCoordinator();
    Instant up = Instant.now();

    // The replay, then a little steady probing after it.
    List<Stored> results = awaitStoredAfter(up.plusSeconds(3));

    assertExactlyOnce(results, 1);
    assertThat(fleet.agentMetrics())
        .as("nothing dropped by the agent")
        .containsEntry("nines_shipper_dropped_total", 0.0)
        .containsEntry("nines_spool_dropped_total", 0.0);
    List<Stored> duringOutage =
        results.stream()
            .filter(r -> r.startedAt().isAfter(down) && r.startedAt().isBefore(up))
            .toList();
    assertThat(duringOutage.size())
        .as("results that ran while the coordinator was down, placed at the time they ran")
        .isGreaterThanOrEqualTo(2 * 6);
    // Skip the first interval: before the first result of each check the service is UNKNOWN.
    List<JsonObject> unknown = fleet.unknownStretches(first(results).plus(STALE), last(results));
    assertThat(unknown.stream().filter(iv -> FleetProcesses.length(iv).compareTo(STALE) > 0))
        .as("UNKNOWN stretches longer than 2 intervals (outage %s..%s)", down, up)
        .isEmpty();
    System.out.printf(
        "coordinator outage: %d results stored once each, %d of them ran during the %d ms"
            + " outage%n",
        results.size(), duringOutage.size(), Duration.between(down, up).toMillis());
  }

  @Test
  void whenTheAgentIsKilledMidReplay_thenItsRestartShipsEveryResultOnce() throws Exception {
    // Ten checks and batches of one: the replay of the outage is a hundred posts or more, long
    // enough to be killed in the middle of.
    fleet = new FleetProcesses(dir, 10);
    fleet.startCoordinator();
    fleet.startAgent(1);
    await("steady probing: results stored")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(300))
        .until(() -> fleet.allResults().size() >= 20);

    FleetProcesses.stop(fleet.coordinator, false);
    await("the agent spools while the coordinator is down")
        .pollDelay(Duration.ofSeconds(6))
        .atMost(Duration.ofSeconds(12))
        .until(() -> fleet.agentMetrics().get("nines_spool_pending") >= 50);
    double shippedBeforeOutage = fleet.agentMetrics().get("nines_shipper_shipped_total");
    fleet.startCoordinator();

    // Kill it once the replay has begun and before it has ended.
    AtomicReference<Map<String, Double>> atKill = new AtomicReference<>();
    await("the replay is under way")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(10))
        .until(
            () -> {
              Map<String, Double> m = fleet.agentMetrics();
              if (m.get("nines_shipper_shipped_total") > shippedBeforeOutage
                  && m.get("nines_spool_pending") >= 10) {
                fleet.agent.destroyForcibly();
                atKill.set(m);
                return true;
              }
              return false;
            });
    FleetProcesses.stop(fleet.agent, true);
    Instant killed = Instant.now();
    long shippedByKilledRun = atKill.get().get("nines_shipper_shipped_total").longValue();
    long spooledAtKill = atKill.get().get("nines_spool_pending").longValue();

    fleet.startAgent(1);
    // The rest of the killed run's spool, then a little of the new run's probing.
    List<Stored> results = awaitStoredAfter(Instant.now().plusSeconds(2));

    assertExactlyOnce(results, 2);
    List<List<Long>> runs = FleetProcesses.runs(results);
    assertThat(runs.get(0).size())
        .as("results of the killed run: acknowledged before the kill, and replayed after it")
        .isGreaterThanOrEqualTo((int) (shippedByKilledRun + spooledAtKill));
    assertThat(fleet.agentMetrics())
        .containsEntry("nines_shipper_dropped_total", 0.0)
        .containsEntry("nines_spool_dropped_total", 0.0);
    Instant restarted =
        results.stream()
            .filter(r -> r.seq() >= runs.get(1).get(0))
            .map(Stored::startedAt)
            .min(Comparator.naturalOrder())
            .orElseThrow();
    // The only hole is the agent's own absence (killed .. its first new result).
    List<JsonObject> unknown = fleet.unknownStretches(first(results).plus(STALE), last(results));
    assertThat(
            unknown.stream()
                .filter(iv -> FleetProcesses.length(iv).compareTo(STALE) > 0)
                .filter(
                    iv ->
                        Instant.parse(iv.getString("start")).isBefore(killed.minus(STALE))
                            || Instant.parse(iv.getString("end")).isAfter(restarted.plus(STALE))))
        .as("UNKNOWN stretches outside the agent's absence (%s..%s)", killed, restarted)
        .isEmpty();
    System.out.printf(
        "agent SIGKILL mid-replay: %d acknowledged and %d still spooled at the kill; the killed"
            + " run stored %d results, the new run %d, each once%n",
        shippedByKilledRun, spooledAtKill, runs.get(0).size(), runs.get(1).size());
  }
}
