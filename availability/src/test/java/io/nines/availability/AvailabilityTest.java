package io.nines.availability;

import static io.nines.availability.State.DEGRADED;
import static io.nines.availability.State.DOWN;
import static io.nines.availability.State.UP;
import static io.nines.availability.TimelineTest.iv;
import static io.nines.availability.TimelineTest.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.nines.common.TimeRange;
import io.nines.config.MaintenanceWindow;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class AvailabilityTest {
  static final Instant APRIL = Instant.parse("2026-04-01T00:00:00Z");
  static final Instant MAY = Instant.parse("2026-05-01T00:00:00Z");

  /** A Monday, so the week holds exactly one Sunday. */
  static final Instant WEEK = Instant.parse("2026-04-06T00:00:00Z");

  static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  @Test
  void whenOutagesOf37And15MinutesInA30DayApril_thenAvailabilityIs99_8796Percent() {
    TimeRange april = new TimeRange(APRIL, MAY);
    Instant first = Instant.parse("2026-04-09T14:00:00Z");
    Instant second = Instant.parse("2026-04-21T03:30:00Z");
    Timeline t =
        Timeline.of(
            april,
            List.of(
                new Interval(APRIL, first, UP),
                new Interval(first, first.plus(Duration.ofMinutes(37)), DOWN),
                new Interval(first.plus(Duration.ofMinutes(37)), second, UP),
                new Interval(second, second.plus(Duration.ofMinutes(15)), DOWN),
                new Interval(second.plus(Duration.ofMinutes(15)), MAY, UP)));

    AvailabilityReport r = Availability.report(t, april, List.of());

    assertThat(r.total()).isEqualTo(Duration.ofDays(30));
    assertThat(r.down()).isEqualTo(Duration.ofMinutes(52));
    assertThat(r.percent()).isCloseTo(99.8796, within(0.00005));
    assertThat(r.nines()).isEqualTo(2.92);
    assertThat(r.outages())
        .containsExactly(
            new TimeRange(first, first.plus(Duration.ofMinutes(37))),
            new TimeRange(second, second.plus(Duration.ofMinutes(15))));
    assertThat(r.maintenance()).isZero();
  }

  @Test
  void whenAWeeklyTwoHourMaintenanceWindow_thenAWeekIs98_81PercentAnd100PercentExcludingIt() {
    TimeRange week = new TimeRange(WEEK, WEEK.plus(Duration.ofDays(7)));
    MaintenanceWindow.Schedule sunday =
        new MaintenanceWindow.Weekly(
            DayOfWeek.SUNDAY, LocalTime.of(2, 0), Duration.ofHours(2), ZoneOffset.UTC);
    List<TimeRange> occurrences = sunday.occurrences(week.start(), week.end());

    AvailabilityReport r = Availability.report(Timeline.constant(week, UP), week, occurrences);

    assertThat(round2(r.percent())).isEqualTo(98.81);
    assertThat(r.maintenance()).isEqualTo(Duration.ofHours(2));
    assertThat(r.down()).isEqualTo(Duration.ofHours(2));
    assertThat(r.outages()).isEmpty();
    assertThat(r.availabilityExcludingMaintenance()).hasValue(1.0);
    assertThat(r.maintenanceWindows())
        .containsExactly(
            new TimeRange(
                Instant.parse("2026-04-12T02:00:00Z"), Instant.parse("2026-04-12T04:00:00Z")));
  }

  @Test
  void whenTwelveHoursDownInA168HourWeek_thenAvailabilityIs92_86Percent() {
    TimeRange week = new TimeRange(WEEK, WEEK.plus(Duration.ofHours(168)));
    Instant down = WEEK.plus(Duration.ofHours(50));
    Timeline t =
        Timeline.of(week, List.of(new Interval(down, down.plus(Duration.ofHours(12)), DOWN)))
            .overlay(
                TimeRanges.subtract(
                    List.of(week), List.of(new TimeRange(down, down.plus(Duration.ofHours(12))))),
                UP);

    AvailabilityReport r = Availability.report(t, week, List.of());

    assertThat(round2(r.percent())).isEqualTo(92.86);
    assertThat(r.down()).isEqualTo(Duration.ofHours(12));
    assertThat(r.availabilityExcludingMaintenance().getAsDouble()).isEqualTo(r.availability());
  }

  @Test
  void whenMaintenanceWindowsOverlap_thenTheirTimeIsCountedOnce() {
    Timeline t = Timeline.constant(range(0, 100), UP);

    AvailabilityReport r =
        Availability.report(t, range(0, 100), List.of(range(10, 30), range(20, 40), range(25, 26)));

    assertThat(r.maintenance()).isEqualTo(Duration.ofMinutes(30));
    assertThat(r.down()).isEqualTo(Duration.ofMinutes(30));
    assertThat(r.availability()).isCloseTo(0.70, within(1e-12));
    assertThat(r.maintenanceWindows()).containsExactly(range(10, 40));
  }

  @Test
  void whenProbesFailDuringMaintenance_thenThatTimeIsMaintenanceAndTheOutageIsCutAroundIt() {
    // DOWN 20-60, maintenance 30-40: outages 20-30 and 40-60, down = 10 maintenance + 30 outage.
    Timeline t =
        Timeline.of(range(0, 100), List.of(iv(0, 20, UP), iv(20, 60, DOWN), iv(60, 100, UP)));

    AvailabilityReport r = Availability.report(t, range(0, 100), List.of(range(30, 40)));

    assertThat(r.maintenance()).isEqualTo(Duration.ofMinutes(10));
    assertThat(r.down()).isEqualTo(Duration.ofMinutes(40));
    assertThat(r.outages()).containsExactly(range(20, 30), range(40, 60));
    assertThat(r.availability()).isCloseTo(0.60, within(1e-12));
    assertThat(r.availabilityExcludingMaintenance().getAsDouble())
        .isCloseTo(60.0 / 90.0, within(1e-12));
  }

  @Test
  void whenDataIsMissing_thenUnknownCountsAsUpAndIsReported() {
    Timeline t =
        Timeline.of(range(0, 100), List.of(iv(0, 40, UP), iv(50, 60, DOWN), iv(70, 100, UP)));

    AvailabilityReport r = Availability.report(t, range(0, 100), List.of());

    assertThat(r.unknown()).isEqualTo(Duration.ofMinutes(20));
    assertThat(r.down()).isEqualTo(Duration.ofMinutes(10));
    assertThat(r.availability()).isCloseTo(0.90, within(1e-12));
  }

  @Test
  void whenDegraded_thenItIsNotDownButIsReported() {
    Timeline t = Timeline.of(range(0, 100), List.of(iv(0, 50, UP), iv(50, 100, DEGRADED)));

    AvailabilityReport r = Availability.report(t, range(0, 100), List.of());

    assertThat(r.availability()).isEqualTo(1.0);
    assertThat(r.degraded()).isEqualTo(Duration.ofMinutes(50));
    assertThat(r.nines()).isEqualTo(Nines.MAX);
  }

  @Test
  void whenTheWindowCutsIntervalsAndReachesPastTheTimeline_thenOnlyTheWindowCounts() {
    Timeline t = Timeline.of(range(0, 60), List.of(iv(0, 30, DOWN), iv(30, 60, UP)));

    AvailabilityReport r = Availability.report(t, range(20, 80), List.of(range(50, 200)));

    assertThat(r.total()).isEqualTo(Duration.ofMinutes(60));
    assertThat(r.outages()).containsExactly(range(20, 30));
    assertThat(r.maintenance()).isEqualTo(Duration.ofMinutes(30));
    assertThat(r.down()).isEqualTo(Duration.ofMinutes(40));
    assertThat(r.unknown()).isZero();
  }

  @Test
  void whenTheWholeWindowIsMaintenance_thenThereIsNoFigureExcludingIt() {
    AvailabilityReport r =
        Availability.report(
            Timeline.constant(range(0, 10), UP), range(0, 10), List.of(range(0, 10)));

    assertThat(r.availability()).isZero();
    assertThat(r.availabilityExcludingMaintenance()).isEmpty();
    assertThat(r.nines()).isZero();
  }

  @Test
  void whenTheWindowIsEmpty_thenTheReportIsRefused() {
    assertThatThrownBy(
            () -> Availability.report(Timeline.constant(range(0, 10), UP), range(5, 5), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("non-empty window");
  }

  @Test
  void whenAvailabilityIsGiven_thenNinesAreMinusLog10OfTheRestCappedAtSixAndRounded() {
    assertThat(Nines.of(0.9)).isEqualTo(1.0);
    assertThat(Nines.of(0.99)).isEqualTo(2.0);
    assertThat(Nines.of(0.999)).isEqualTo(3.0);
    assertThat(Nines.of(0.9995)).isEqualTo(3.3);
    assertThat(Nines.of(0.0)).isEqualTo(0.0);
    assertThat(Nines.of(1.0)).isEqualTo(6.0);
    assertThat(Nines.of(0.99999999)).isEqualTo(6.0);
    assertThatThrownBy(() -> Nines.of(1.5)).hasMessageContaining("1.5");
  }
}
