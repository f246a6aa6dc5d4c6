package io.nines.coordinator.store;

import static io.nines.coordinator.testing.TestFleets.fail;
import static io.nines.coordinator.testing.TestFleets.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.nines.common.ProbeResult;
import io.nines.config.DownWhen;
import io.nines.config.Fleet;
import io.nines.coordinator.testing.TestFleets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link ResultStore} must do; one subclass per implementation. */
abstract class ResultStoreContract {
  static final Instant NOW = Instant.parse("2026-04-10T12:00:00Z");

  final Fleet fleet =
      TestFleets.fleet()
          .check("home", "shop", Duration.ofSeconds(30), List.of("eu", "us"), new DownWhen(2))
          .retentionRaw(Duration.ofDays(7))
          .build();

  ResultStore store;

  abstract ResultStore newStore();

  @BeforeEach
  void setUp() {
    store = newStore();
  }

  static Instant at(long secondsBeforeNow) {
    return NOW.minusSeconds(secondsBeforeNow);
  }

  @Test
  void whenABatchIsPostedTwice_thenTheSecondTimeEveryResultIsADuplicate() {
    List<ProbeResult> batch =
        List.of(ok("a", 1, "home", "eu", at(60)), fail("a", 2, "home", "eu", at(30)));

    AppendOutcome first = store.append(batch, fleet, NOW);
    AppendOutcome second = store.append(batch, fleet, NOW);

    assertThat(first).isEqualTo(new AppendOutcome(2, 0, List.of()));
    assertThat(second).isEqualTo(new AppendOutcome(0, 2, List.of()));
    assertThat(store.size()).isEqualTo(2);
  }

  @Test
  void whenSequencesArriveOutOfOrder_thenEachIsAppliedOnceAndReplaysAreDuplicates() {
    store.append(List.of(ok("a", 5, "home", "eu", at(10))), fleet, NOW);
    store.append(List.of(ok("a", 2, "home", "eu", at(40))), fleet, NOW);

    AppendOutcome replay =
        store.append(
            List.of(
                ok("a", 1, "home", "eu", at(50)),
                ok("a", 2, "home", "eu", at(40)),
                ok("a", 3, "home", "eu", at(30)),
                ok("a", 5, "home", "eu", at(10)),
                ok("b", 5, "home", "us", at(10))),
            fleet,
            NOW);

    assertThat(replay.accepted()).isEqualTo(3);
    assertThat(replay.duplicates()).isEqualTo(2);
    assertThat(store.size()).isEqualTo(5);
  }

  @Test
  void whenACheckIsUnknown_thenOnlyThatResultIsRejectedWithTheReason() {
    AppendOutcome outcome =
        store.append(
            List.of(ok("a", 1, "home", "eu", at(20)), ok("a", 2, "nope", "eu", at(10))),
            fleet,
            NOW);

    assertThat(outcome.accepted()).isEqualTo(1);
    assertThat(outcome.rejected()).containsExactly(new Rejection("a/2", "unknown check 'nope'"));
    assertThat(store.append(List.of(ok("a", 2, "nope", "eu", at(10))), fleet, NOW).duplicates())
        .as("a rejected result is consumed")
        .isEqualTo(1);
  }

  @Test
  void whenAResultIsOlderThanTheRawRetention_thenItIsRejected() {
    AppendOutcome outcome =
        store.append(List.of(ok("a", 1, "home", "eu", NOW.minus(Duration.ofDays(8)))), fleet, NOW);

    assertThat(outcome.rejected()).hasSize(1);
    assertThat(outcome.rejected().get(0).reason()).contains("older than the raw retention");
  }

  @Test
  void whenAResultClaimsToHaveRunInTheFuture_thenItIsRejectedNamingTheClock() {
    AppendOutcome outcome =
        store.append(
            List.of(
                ok("a", 1, "home", "eu", NOW.plus(Duration.ofMinutes(1))),
                ok("a", 2, "home", "eu", NOW.plus(Duration.ofMinutes(10)))),
            fleet,
            NOW);

    assertThat(outcome.accepted()).isEqualTo(1);
    assertThat(outcome.rejected().get(0).reason()).contains("check the agent's clock");
  }

  @Test
  void whenTimePassesTheRetention_thenOldResultsAreDropped() {
    store.append(List.of(ok("a", 1, "home", "eu", at(60))), fleet, NOW);
    Instant later = NOW.plus(Duration.ofDays(7));

    store.append(List.of(ok("a", 2, "home", "eu", later.minusSeconds(5))), fleet, later);

    assertThat(store.size()).isEqualTo(1);
    assertThat(store.recent("home", 10)).extracting(ProbeResult::sequence).containsExactly(2L);
  }

  @Test
  void whenResultsArriveLate_thenTheyAreKeptInTheOrderTheyRan() {
    store.append(
        List.of(ok("a", 3, "home", "eu", at(10)), ok("b", 7, "home", "us", at(15))), fleet, NOW);
    store.append(List.of(fail("a", 2, "home", "eu", at(20))), fleet, NOW);
    store.append(List.of(ok("a", 1, "home", "eu", at(30))), fleet, NOW);

    Map<String, List<ProbeResult>> all = store.resultsByLocation("home", at(100), NOW);
    Map<String, List<ProbeResult>> some = store.resultsByLocation("home", at(20), at(10));

    assertThat(all.get("eu")).extracting(ProbeResult::sequence).containsExactly(1L, 2L, 3L);
    assertThat(all.get("us")).extracting(ProbeResult::sequence).containsExactly(7L);
    assertThat(some).containsOnlyKeys("eu", "us");
    assertThat(some.get("eu")).extracting(ProbeResult::sequence).containsExactly(2L);
    assertThat(store.resultsByLocation("other", at(100), NOW)).isEmpty();
  }

  @Test
  void whenRecentResultsAreAsked_thenTheNewestComeFirstAcrossLocations() {
    store.append(
        List.of(
            ok("a", 1, "home", "eu", at(40)),
            ok("a", 2, "home", "eu", at(20)),
            fail("b", 1, "home", "us", at(30)),
            fail("b", 2, "home", "us", at(10))),
        fleet,
        NOW);

    assertThat(store.recent("home", 3))
        .extracting(ProbeResult::id)
        .containsExactly("b/2", "a/2", "b/1");
    assertThat(store.recent("home", 0)).isEmpty();
    assertThat(store.recent("unknown", 5)).isEmpty();
  }
}
