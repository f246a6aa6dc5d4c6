package io.nines.store.results;

import static io.nines.store.testing.TestFleets.fail;
import static io.nines.store.testing.TestFleets.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.nines.availability.State;
import io.nines.availability.Timeline;
import io.nines.availability.Timelines;
import io.nines.common.ProbeResult;
import io.nines.common.TimeRange;
import io.nines.config.DownWhen;
import io.nines.config.Fleet;
import io.nines.store.testing.TestFleets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

  /** A store holding nothing; called before every test. */
  abstract ResultStore newStore();

  @BeforeEach
  void setUp() {
    store = newStore();
  }

  AppendOutcome append(List<ProbeResult> results, Instant now) {
    return store.append(results, fleet, now).await();
  }

  long size() {
    return store.size().await();
  }

  List<ProbeResult> recent(String check, int limit) {
    return store.recent(check, limit).await();
  }

  Map<String, List<ProbeResult>> between(String check, Instant from, Instant to) {
    return store.resultsByLocation(check, from, to).await();
  }

  Optional<Evaluation> evaluation(String check) {
    return store.evaluation(check).await();
  }

  static Instant at(long secondsBeforeNow) {
    return NOW.minusSeconds(secondsBeforeNow);
  }

  Map<String, Timeline> timelines(String check, TimeRange span) {
    return store.locationTimelines(check, span).await();
  }

  @Test
  void whenResultsLeaveTheRawRetention_thenTheLocationTimelinesStillCoverTheirTime() {
    Instant start = NOW.minus(Duration.ofDays(10));
    List<ProbeResult> all = new ArrayList<>();
    long seq = 0;
    for (Instant t = start; t.isBefore(NOW); t = t.plus(Duration.ofHours(2))) {
      // Every 2 hours, 3 results at 30 s, the middle one failing at eu.
      all.add(ok("a", ++seq, "home", "eu", t));
      all.add(fail("a", ++seq, "home", "eu", t.plusSeconds(30)));
      all.add(ok("a", ++seq, "home", "eu", t.plusSeconds(60)));
      append(all.subList(all.size() - 3, all.size()), t.plusSeconds(60));
    }
    append(List.of(fail("a", 1000, "home", "eu", at(7200 + 45))), NOW);
    all.add(fail("a", 1000, "home", "eu", at(7200 + 45)));
    TimeRange span = new TimeRange(NOW.minus(Duration.ofDays(9)), NOW);

    Map<String, Timeline> timelines = timelines("home", span);

    assertThat(between("home", span.start(), NOW).get("eu"))
        .as("raw results older than 7 days are gone")
        .hasSizeLessThan(all.size() - 9);
    assertThat(timelines).containsOnlyKeys("eu");
    assertThat(timelines.get("eu"))
        .isEqualTo(Timelines.forLocation(all, Duration.ofSeconds(60), span));
    assertThat(timelines.get("eu").duration(State.DOWN))
        .isEqualTo(Duration.ofSeconds(30 * 109 + 15));
    assertThat(timelines("home", new TimeRange(NOW.minus(Duration.ofDays(20)), start)))
        .as("nothing before the first result")
        .isEmpty();
    assertThat(timelines("nothing", span)).isEmpty();
  }

  @Test
  void whenABatchIsPostedTwice_thenTheSecondTimeEveryResultIsADuplicate() {
    List<ProbeResult> batch =
        List.of(ok("a", 1, "home", "eu", at(60)), fail("a", 2, "home", "eu", at(30)));

    AppendOutcome first = append(batch, NOW);
    AppendOutcome second = append(batch, NOW);

    assertThat(first).isEqualTo(new AppendOutcome(2, 0, List.of()));
    assertThat(second).isEqualTo(new AppendOutcome(0, 2, List.of()));
    assertThat(size()).isEqualTo(2);
  }

  @Test
  void whenSequencesArriveOutOfOrder_thenEachIsAppliedOnceAndReplaysAreDuplicates() {
    append(List.of(ok("a", 5, "home", "eu", at(10))), NOW);
    append(List.of(ok("a", 2, "home", "eu", at(40))), NOW);

    AppendOutcome replay =
        append(
            List.of(
                ok("a", 1, "home", "eu", at(50)),
                ok("a", 2, "home", "eu", at(40)),
                ok("a", 3, "home", "eu", at(30)),
                ok("a", 5, "home", "eu", at(10)),
                ok("b", 5, "home", "us", at(10))),
            NOW);

    assertThat(replay.accepted()).isEqualTo(3);
    assertThat(replay.duplicates()).isEqualTo(2);
    assertThat(size()).isEqualTo(5);
  }

  @Test
  void whenACheckIsUnknown_thenOnlyThatResultIsRejectedWithTheReasonEachTime() {
    AppendOutcome outcome =
        append(List.of(ok("a", 1, "home", "eu", at(20)), ok("a", 2, "nope", "eu", at(10))), NOW);

    assertThat(outcome.accepted()).isEqualTo(1);
    assertThat(outcome.rejected()).containsExactly(new Rejection("a/2", "unknown check 'nope'"));
    assertThat(append(List.of(ok("a", 2, "nope", "eu", at(10))), NOW).rejected())
        .as("nothing is recorded for a check that does not exist")
        .containsExactly(new Rejection("a/2", "unknown check 'nope'"));
    assertThat(evaluation("nope")).isEmpty();
  }

  @Test
  void whenAResultRefusedForItsTimeIsSentAgain_thenItIsADuplicate() {
    List<ProbeResult> late = List.of(ok("a", 1, "home", "eu", NOW.minus(Duration.ofDays(8))));

    AppendOutcome first = append(late, NOW);
    AppendOutcome again = append(late, NOW);

    assertThat(first.rejected()).hasSize(1);
    assertThat(again).isEqualTo(new AppendOutcome(0, 1, List.of()));
    assertThat(evaluation("home")).as("nothing stored, nothing evaluated").isEmpty();
  }

  @Test
  void whenABatchStoresResults_thenTheCheckIsEvaluatedOnceAndAReplayDoesNotEvaluate() {
    List<ProbeResult> batch =
        List.of(ok("a", 1, "home", "eu", at(40)), ok("a", 2, "home", "eu", at(10)));

    append(batch, NOW);
    Evaluation first = evaluation("home").orElseThrow();
    append(batch, NOW);
    append(List.of(batch.get(0)), NOW.plusSeconds(5));

    assertThat(first.count()).isEqualTo(1);
    assertThat(first.state()).isEqualTo(State.UP);
    assertThat(first.at()).isEqualTo(NOW);
    assertThat(first.since()).isEqualTo(NOW);
    assertThat(first.member()).isNotBlank();
    assertThat(evaluation("home")).as("replays change nothing").contains(first);
  }

  @Test
  void whenTwoOfTwoLocationsFail_thenTheEvaluationIsDownSinceTheFirstDownBatch() {
    append(List.of(ok("a", 1, "home", "eu", at(60)), ok("b", 1, "home", "us", at(60))), at(59));
    append(List.of(fail("a", 2, "home", "eu", at(30))), at(29));
    Evaluation degraded = evaluation("home").orElseThrow();
    append(List.of(fail("b", 2, "home", "us", at(30))), at(28));
    append(List.of(fail("b", 3, "home", "us", at(20))), at(19));
    Evaluation down = evaluation("home").orElseThrow();

    assertThat(degraded.state()).isEqualTo(State.DEGRADED);
    assertThat(down.state()).isEqualTo(State.DOWN);
    assertThat(down.since()).isEqualTo(at(28));
    assertThat(down.at()).isEqualTo(at(19));
    assertThat(down.count()).isEqualTo(4);
  }

  @Test
  void whenTheOnlyResultsAreStale_thenTheEvaluationIsUnknown() {
    // "home" runs every 30 s: a result is fresh for 60 s.
    append(List.of(fail("a", 1, "home", "eu", at(600))), NOW);

    assertThat(evaluation("home").orElseThrow().state()).isEqualTo(State.UNKNOWN);
    assertThat(evaluation("other")).isEmpty();
  }

  @Test
  void whenAResultIsOlderThanTheRawRetention_thenItIsRejected() {
    AppendOutcome outcome =
        append(List.of(ok("a", 1, "home", "eu", NOW.minus(Duration.ofDays(8)))), NOW);

    assertThat(outcome.rejected()).hasSize(1);
    assertThat(outcome.rejected().get(0).reason()).contains("older than the raw retention");
  }

  @Test
  void whenAResultClaimsToHaveRunInTheFuture_thenItIsRejectedNamingTheClock() {
    AppendOutcome outcome =
        append(
            List.of(
                ok("a", 1, "home", "eu", NOW.plus(Duration.ofMinutes(1))),
                ok("a", 2, "home", "eu", NOW.plus(Duration.ofMinutes(10)))),
            NOW);

    assertThat(outcome.accepted()).isEqualTo(1);
    assertThat(outcome.rejected().get(0).reason()).contains("check the agent's clock");
  }

  @Test
  void whenTimePassesTheRetention_thenOldResultsAreDropped() {
    append(List.of(ok("a", 1, "home", "eu", at(60))), NOW);
    Instant later = NOW.plus(Duration.ofDays(7));

    append(List.of(ok("a", 2, "home", "eu", later.minusSeconds(5))), later);

    assertThat(size()).isEqualTo(1);
    assertThat(recent("home", 10)).extracting(ProbeResult::sequence).containsExactly(2L);
  }

  @Test
  void whenResultsArriveLate_thenTheyAreKeptInTheOrderTheyRan() {
    append(List.of(ok("a", 3, "home", "eu", at(10)), ok("b", 7, "home", "us", at(15))), NOW);
    append(List.of(fail("a", 2, "home", "eu", at(20))), NOW);
    append(List.of(ok("a", 1, "home", "eu", at(30))), NOW);

    Map<String, List<ProbeResult>> all = between("home", at(100), NOW);
    Map<String, List<ProbeResult>> some = between("home", at(20), at(10));

    assertThat(all.get("eu")).extracting(ProbeResult::sequence).containsExactly(1L, 2L, 3L);
    assertThat(all.get("us")).extracting(ProbeResult::sequence).containsExactly(7L);
    assertThat(some).containsOnlyKeys("eu", "us");
    assertThat(some.get("eu")).extracting(ProbeResult::sequence).containsExactly(2L);
    assertThat(between("other", at(100), NOW)).isEmpty();
  }

  @Test
  void whenRecentResultsAreAsked_thenTheNewestComeFirstAcrossLocations() {
    append(
        List.of(
            ok("a", 1, "home", "eu", at(40)),
            ok("a", 2, "home", "eu", at(20)),
            fail("b", 1, "home", "us", at(30)),
            fail("b", 2, "home", "us", at(10))),
        NOW);

    assertThat(recent("home", 3)).extracting(ProbeResult::id).containsExactly("b/2", "a/2", "b/1");
    assertThat(recent("home", 0)).isEmpty();
    assertThat(recent("unknown", 5)).isEmpty();
  }
}
