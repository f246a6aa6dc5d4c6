package io.nines.availability;

import static io.nines.availability.State.DOWN;
import static io.nines.availability.State.UNKNOWN;
import static io.nines.availability.State.UP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nines.common.TimeRange;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimelineTest {
  static final Instant T0 = Instant.parse("2026-04-01T00:00:00Z");

  static Instant m(long minutes) {
    return T0.plus(Duration.ofMinutes(minutes));
  }

  static Interval iv(long fromMin, long toMin, State s) {
    return new Interval(m(fromMin), m(toMin), s);
  }

  static TimeRange range(long fromMin, long toMin) {
    return new TimeRange(m(fromMin), m(toMin));
  }

  @Test
  void whenPartsLeaveGaps_thenGapsAreUnknownAndEqualNeighboursCoalesce() {
    Timeline t =
        Timeline.of(range(0, 60), List.of(iv(20, 30, UP), iv(10, 20, UP), iv(40, 50, DOWN)));

    assertThat(t.intervals())
        .containsExactly(
            iv(0, 10, UNKNOWN),
            iv(10, 30, UP),
            iv(30, 40, UNKNOWN),
            iv(40, 50, DOWN),
            iv(50, 60, UNKNOWN));
  }

  @Test
  void whenPartsOverlap_thenOfRefusesNamingBothInstants() {
    assertThatThrownBy(() -> Timeline.of(range(0, 60), List.of(iv(0, 20, UP), iv(10, 30, DOWN))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(m(10).toString())
        .hasMessageContaining(m(20).toString());
  }

  @Test
  void whenIntervalsDoNotTileTheSpan_thenTheConstructorRefuses() {
    assertThatThrownBy(() -> new Timeline(range(0, 60), List.of(iv(0, 30, UP))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("span's end");
    assertThatThrownBy(() -> new Timeline(range(0, 60), List.of(iv(0, 30, UP), iv(30, 60, UP))))
        .hasMessageContaining("coalesce");
  }

  @Test
  void whenAWindowCutsIntervals_thenTheEdgesAreCutAndTimeOutsideTheTimelineIsUnknown() {
    Timeline t = Timeline.of(range(0, 60), List.of(iv(0, 30, UP), iv(30, 60, DOWN)));

    Timeline clipped = t.clip(range(20, 80));

    assertThat(clipped.span()).isEqualTo(range(20, 80));
    assertThat(clipped.intervals())
        .containsExactly(iv(20, 30, UP), iv(30, 60, DOWN), iv(60, 80, UNKNOWN));
    assertThat(t.clip(range(35, 40)).intervals()).containsExactly(iv(35, 40, DOWN));
  }

  @Test
  void whenDurationsAreTaken_thenEveryStateHasOneAndTheySumToTheSpan() {
    Timeline t = Timeline.of(range(0, 60), List.of(iv(0, 30, UP), iv(40, 45, DOWN)));

    assertThat(t.durations())
        .containsEntry(UP, Duration.ofMinutes(30))
        .containsEntry(DOWN, Duration.ofMinutes(5))
        .containsEntry(UNKNOWN, Duration.ofMinutes(25))
        .containsEntry(State.DEGRADED, Duration.ZERO);
    assertThat(t.durations().values().stream().reduce(Duration.ZERO, Duration::plus))
        .isEqualTo(t.length());
  }

  @Test
  void whenMaintenanceWindowsOverlap_thenTheOverlapIsCountedOnce() {
    Timeline t = Timeline.of(range(0, 120), List.of(iv(0, 60, DOWN), iv(60, 120, UP)));
    List<TimeRange> windows = List.of(range(10, 40), range(30, 70), range(30, 35), range(200, 300));

    assertThat(t.overlap(windows)).isEqualTo(Duration.ofMinutes(60));
    assertThat(t.overlap(windows, DOWN)).isEqualTo(Duration.ofMinutes(50));
    assertThat(t.overlap(windows, UP)).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void whenOverlaid_thenTheRangesTakeTheNewStateAndTheRestIsKept() {
    Timeline t = Timeline.of(range(0, 60), List.of(iv(0, 30, UP), iv(30, 60, DOWN)));

    Timeline o = t.overlay(List.of(range(20, 40), range(-10, 5)), UNKNOWN);

    assertThat(o.intervals())
        .containsExactly(iv(0, 5, UNKNOWN), iv(5, 20, UP), iv(20, 40, UNKNOWN), iv(40, 60, DOWN));
  }

  @Test
  void whenAskedForStretches_thenContiguousRunsOfTheStateAreReturned() {
    Timeline t =
        Timeline.of(range(0, 60), List.of(iv(0, 10, DOWN), iv(10, 20, UP), iv(20, 30, DOWN)));

    assertThat(t.stretches(DOWN)).containsExactly(range(0, 10), range(20, 30));
    assertThat(t.stateAt(m(15))).isEqualTo(UP);
    assertThat(t.stateAt(m(90))).isEqualTo(UNKNOWN);
    assertThat(t.lastState()).isEqualTo(UNKNOWN);
  }

  @Test
  void whenTheSpanIsEmpty_thenTheTimelineHasNoIntervals() {
    Timeline t = Timeline.constant(range(5, 5), UP);

    assertThat(t.intervals()).isEmpty();
    assertThat(t.lastState()).isEqualTo(UNKNOWN);
  }

  @Test
  void whenUnionAndSubtract_thenTouchingRangesMergeAndHolesCut() {
    assertThat(TimeRanges.union(List.of(range(0, 10), range(10, 20), range(30, 40), range(35, 36))))
        .containsExactly(range(0, 20), range(30, 40));
    assertThat(TimeRanges.subtract(List.of(range(0, 100)), List.of(range(10, 20), range(90, 120))))
        .containsExactly(range(0, 10), range(20, 90));
    assertThat(TimeRanges.subtract(List.of(range(0, 10)), List.of(range(0, 10)))).isEmpty();
  }
}
