package io.nines.availability;

import static io.nines.availability.State.DEGRADED;
import static io.nines.availability.State.DOWN;
import static io.nines.availability.State.UNKNOWN;
import static io.nines.availability.State.UP;
import static io.nines.availability.TimelineTest.iv;
import static io.nines.availability.TimelineTest.m;
import static io.nines.availability.TimelineTest.range;
import static io.nines.availability.testing.TestResults.fail;
import static io.nines.availability.testing.TestResults.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.nines.availability.testing.TestResults.Run;
import io.nines.common.TimeRange;
import io.nines.config.DownWhen;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimelinesTest {
  /** Checks here run every minute, so a result is stale two minutes after it ran. */
  static final Duration STALE = Duration.ofMinutes(2);

  static final DownWhen TWO_OF_THREE = new DownWhen(2);

  static Timeline location(long fromMin, long toMin, State s) {
    return Timeline.of(range(0, 60), List.of(iv(fromMin, toMin, s)));
  }

  @Test
  void whenResultsArriveEveryInterval_thenEachStateHoldsUntilTheNextResult() {
    List<Run> results =
        List.of(
            ok("a", 1, "c", "eu", m(0)),
            ok("a", 2, "c", "eu", m(1)),
            fail("a", 3, "c", "eu", m(2)),
            ok("a", 4, "c", "eu", m(3)));

    Timeline t = Timelines.forLocation(results, STALE, range(0, 4));

    assertThat(t.intervals()).containsExactly(iv(0, 2, UP), iv(2, 3, DOWN), iv(3, 4, UP));
  }

  @Test
  void whenNoResultComesForTwoIntervals_thenTheLocationIsUnknownUntilTheNextOne() {
    List<Run> results = List.of(fail("a", 1, "c", "eu", m(0)), ok("a", 2, "c", "eu", m(10)));

    Timeline t = Timelines.forLocation(results, STALE, range(0, 20));

    assertThat(t.intervals())
        .containsExactly(iv(0, 2, DOWN), iv(2, 10, UNKNOWN), iv(10, 12, UP), iv(12, 20, UNKNOWN));
  }

  @Test
  void whenTheSpanEndsAtNow_thenTheLastResultHoldsOnlyUntilNow() {
    Timeline t = Timelines.forLocation(List.of(ok("a", 1, "c", "eu", m(9))), STALE, range(0, 10));

    assertThat(t.intervals()).containsExactly(iv(0, 9, UNKNOWN), iv(9, 10, UP));
  }

  @Test
  void whenAResultRanBeforeTheSpan_thenItStillHoldsIntoTheSpan() {
    Timeline t = Timelines.forLocation(List.of(fail("a", 1, "c", "eu", m(-1))), STALE, range(0, 5));

    assertThat(t.intervals()).containsExactly(iv(0, 1, DOWN), iv(1, 5, UNKNOWN));
  }

  @Test
  void whenALateResultArrives_thenItIsPlacedWhenItRanAndItsNeighboursAreRecomputed() {
    List<Run> onTime =
        new ArrayList<>(List.of(ok("a", 1, "c", "eu", m(0)), ok("a", 3, "c", "eu", m(2))));
    Timeline before = Timelines.forLocation(onTime, STALE, range(0, 4));
    assertThat(before.intervals()).containsExactly(iv(0, 4, UP));

    onTime.add(fail("a", 2, "c", "eu", m(1)));
    Timeline after = Timelines.forLocation(onTime, STALE, range(0, 4));

    assertThat(after.intervals()).containsExactly(iv(0, 1, UP), iv(1, 2, DOWN), iv(2, 4, UP));
  }

  @Test
  void whenResultsArriveInAnyOrder_thenTheTimelineIsTheSame() {
    List<Run> results = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      results.add(i % 7 == 3 ? fail("a", i + 1, "c", "eu", m(i)) : ok("a", i + 1, "c", "eu", m(i)));
    }
    Timeline expected = Timelines.forLocation(results, STALE, range(0, 40));

    Collections.shuffle(results, new Random(42));

    assertThat(Timelines.forLocation(results, STALE, range(0, 40))).isEqualTo(expected);
  }

  @Test
  void whenTwoResultsRanAtTheSameInstant_thenTheFailureWins() {
    List<Run> results = List.of(fail("b", 1, "c", "eu", m(0)), ok("a", 1, "c", "eu", m(0)));

    assertThat(Timelines.forLocation(results, STALE, range(0, 1)).intervals())
        .containsExactly(iv(0, 1, DOWN));
  }

  @Test
  void whenTwoOfThreeLocationsFail_thenTheCheckIsDown() {
    Timeline check =
        Timelines.forCheck(
            List.of(location(0, 60, DOWN), location(0, 60, DOWN), location(0, 60, UP)),
            TWO_OF_THREE,
            range(0, 60));

    assertThat(check.intervals()).containsExactly(iv(0, 60, DOWN));
  }

  @Test
  void whenOneOfThreeLocationsFails_thenTheCheckIsDegraded() {
    Timeline check =
        Timelines.forCheck(
            List.of(location(0, 60, DOWN), location(0, 60, UP), location(0, 60, UP)),
            TWO_OF_THREE,
            range(0, 60));

    assertThat(check.intervals()).containsExactly(iv(0, 60, DEGRADED));
  }

  @Test
  void whenEveryLocationIsStale_thenTheCheckIsUnknown() {
    // Each location reported once at minute 0; with a 1-minute interval it is stale from minute 2.
    TimeRange span = range(0, 60);
    List<Timeline> locations =
        List.of(
            Timelines.forLocation(List.of(ok("a", 1, "c", "eu", m(0))), STALE, span),
            Timelines.forLocation(List.of(ok("b", 1, "c", "us", m(0))), STALE, span),
            Timelines.forLocation(List.of(fail("c", 1, "c", "ap", m(0))), STALE, span));

    Timeline check = Timelines.forCheck(locations, TWO_OF_THREE, span);

    assertThat(check.intervals()).containsExactly(iv(0, 2, DEGRADED), iv(2, 60, UNKNOWN));
  }

  @Test
  void whenLocationsChangeAtDifferentTimes_thenTheCheckFollowsEachChange() {
    // eu fails 10-30, us fails 20-40, ap is up all along; 2 of 3 must fail for DOWN.
    Timeline eu =
        Timeline.of(range(0, 60), List.of(iv(0, 10, UP), iv(10, 30, DOWN), iv(30, 60, UP)));
    Timeline us =
        Timeline.of(range(0, 60), List.of(iv(0, 20, UP), iv(20, 40, DOWN), iv(40, 60, UP)));
    Timeline ap = location(0, 60, UP);

    Timeline check = Timelines.forCheck(List.of(eu, us, ap), TWO_OF_THREE, range(0, 60));

    assertThat(check.intervals())
        .containsExactly(
            iv(0, 10, UP),
            iv(10, 20, DEGRADED),
            iv(20, 30, DOWN),
            iv(30, 40, DEGRADED),
            iv(40, 60, UP));
  }

  @Test
  void whenAMajorityRuleAndStaleLocations_thenTheThresholdCountsOnlyReportingLocations() {
    // Only two locations report, one fails: a majority of 2 is 2, so DEGRADED, not DOWN.
    List<Timeline> two =
        List.of(
            location(0, 60, DOWN), location(0, 60, UP), Timeline.constant(range(0, 60), UNKNOWN));
    assertThat(Timelines.forCheck(two, DownWhen.MAJORITY, range(0, 60)).lastState())
        .isEqualTo(DEGRADED);

    // Only one location reports and fails: a majority of 1 is 1, so DOWN.
    List<Timeline> one = List.of(location(0, 60, DOWN), Timeline.constant(range(0, 60), UNKNOWN));
    assertThat(Timelines.forCheck(one, DownWhen.MAJORITY, range(0, 60)).lastState())
        .isEqualTo(DOWN);
  }

  @Test
  void whenChecksDiffer_thenTheServiceTakesTheWorstState() {
    TimeRange span = range(0, 60);
    assertThat(service(span, DOWN, UP, DEGRADED)).isEqualTo(DOWN);
    assertThat(service(span, DEGRADED, UNKNOWN, UP)).isEqualTo(DEGRADED);
    assertThat(service(span, UNKNOWN, UP)).isEqualTo(UNKNOWN);
    assertThat(service(span, UP, UP)).isEqualTo(UP);
    assertThat(Timelines.forService(List.of(), span).intervals())
        .containsExactly(iv(0, 60, UNKNOWN));
  }

  @Test
  void whenTheServiceSaysAll_thenItIsDownOnlyWhileEveryReportingCheckIsDown() {
    TimeRange span = range(0, 60);
    assertThat(service(span, DownWhen.ALL, DOWN, DOWN)).isEqualTo(DOWN);
    assertThat(service(span, DownWhen.ALL, DOWN, UP)).isEqualTo(DEGRADED);
    assertThat(service(span, DownWhen.ALL, DOWN, UNKNOWN))
        .as("the only reporting check is down")
        .isEqualTo(DOWN);
    assertThat(service(span, DownWhen.ALL, UNKNOWN, UNKNOWN)).isEqualTo(UNKNOWN);
    assertThat(service(span, DownWhen.ALL, UP, UNKNOWN)).isEqualTo(UNKNOWN);
    assertThat(service(span, DownWhen.ALL, UP, UP)).isEqualTo(UP);
  }

  @Test
  void whenTheServiceSaysKChecksOrMajority_thenFewerDownChecksOnlyDegradeIt() {
    TimeRange span = range(0, 60);
    DownWhen two = new DownWhen(2);
    assertThat(service(span, two, DOWN, UP, UP)).isEqualTo(DEGRADED);
    assertThat(service(span, two, DOWN, DOWN, UP)).isEqualTo(DOWN);
    assertThat(service(span, two, DOWN, DEGRADED, UP)).isEqualTo(DEGRADED);
    assertThat(service(span, DownWhen.MAJORITY, DOWN, UP, UP)).isEqualTo(DEGRADED);
    assertThat(service(span, DownWhen.MAJORITY, DOWN, DOWN, UP)).isEqualTo(DOWN);
    assertThat(service(span, DownWhen.ANY, DOWN, UP, UP))
        .as("the default: the worst of the checks")
        .isEqualTo(DOWN);
  }

  @Test
  void whenChecksChangeOverTime_thenTheServiceMergesInstantByInstant() {
    TimeRange span = range(0, 60);
    Timeline page = Timeline.of(span, List.of(iv(0, 20, UP), iv(20, 40, DOWN), iv(40, 60, UP)));
    Timeline api = Timeline.of(span, List.of(iv(0, 30, UP), iv(30, 50, DOWN), iv(50, 60, UP)));

    assertThat(Timelines.forService(List.of(page, api), DownWhen.ALL, span).intervals())
        .containsExactly(
            iv(0, 20, UP),
            iv(20, 30, DEGRADED),
            iv(30, 40, DOWN),
            iv(40, 50, DEGRADED),
            iv(50, 60, UP));
  }

  private static State service(TimeRange span, DownWhen downWhen, State... checks) {
    List<Timeline> timelines = new ArrayList<>();
    for (State s : checks) {
      timelines.add(Timeline.constant(span, s));
    }
    return Timelines.forService(timelines, downWhen, span).lastState();
  }

  private static State service(TimeRange span, State... checks) {
    List<Timeline> timelines = new ArrayList<>();
    for (State s : checks) {
      timelines.add(Timeline.constant(span, s));
    }
    return Timelines.forService(timelines, span).lastState();
  }
}
