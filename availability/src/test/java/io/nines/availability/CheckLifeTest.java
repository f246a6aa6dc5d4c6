package io.nines.availability;

import static io.nines.availability.State.DOWN;
import static io.nines.availability.State.UNKNOWN;
import static io.nines.availability.State.UP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.nines.common.TimeRange;
import io.nines.config.MaintenanceWindow;
import io.nines.config.Settings;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A check's life: time before it is neither up, down nor unknown. */
class CheckLifeTest {
  static final Instant NOW = Instant.parse("2026-04-30T00:00:00Z");
  static final TimeRange LAST_30_DAYS = new TimeRange(NOW.minus(Duration.ofDays(30)), NOW);

  @Test
  void
      whenAServiceWasObservedFor3DaysOfA30DayWindow_thenCoverageIsATenthAndTheFigureIsOverThose3Days() {
    Instant born = NOW.minus(Duration.ofDays(3));
    Instant outage = born.plus(Duration.ofDays(1));
    Timeline t =
        Timeline.of(
            LAST_30_DAYS,
            List.of(
                new Interval(born, outage, UP),
                new Interval(outage, outage.plus(Duration.ofHours(1)), DOWN),
                new Interval(outage.plus(Duration.ofHours(1)), NOW, UP)));

    AvailabilityReport r =
        Availability.report(t, LAST_30_DAYS, List.of(), born, Settings.Unknown.UP);

    assertThat(r.hasData()).isTrue();
    assertThat(r.coverage()).isCloseTo(0.1, within(1e-12));
    assertThat(r.observed()).isEqualTo(new TimeRange(born, NOW));
    assertThat(r.down()).isEqualTo(Duration.ofHours(1));
    assertThat(r.availability()).isCloseTo(1 - 1.0 / 72, within(1e-12));
    // Before the fix the 27 days before the service existed counted as up: 1 - 1/720.
    assertThat(r.unknown()).isZero();
  }

  @Test
  void whenNothingOfTheWindowIsInTheLife_thenThereIsNoFigureNot100Percent() {
    Timeline t = Timeline.constant(LAST_30_DAYS, UNKNOWN);

    AvailabilityReport before =
        Availability.report(t, LAST_30_DAYS, List.of(), NOW.plusSeconds(1), Settings.Unknown.UP);
    AvailabilityReport never =
        Availability.report(t, LAST_30_DAYS, List.of(), null, Settings.Unknown.UP);

    for (AvailabilityReport r : List.of(before, never)) {
      assertThat(r.hasData()).isFalse();
      assertThat(r.coverage()).isZero();
      assertThat(Double.isNaN(r.availability())).isTrue();
      assertThat(r.down()).isZero();
      assertThat(r.outages()).isEmpty();
    }
  }

  @Test
  void whenTheLifeHoldsOnlyStaleTime_thenThereIsNoFigure() {
    Instant born = NOW.minus(Duration.ofMinutes(1));

    AvailabilityReport r =
        Availability.report(
            Timeline.constant(LAST_30_DAYS, UNKNOWN),
            LAST_30_DAYS,
            List.of(),
            born,
            Settings.Unknown.UP);

    assertThat(r.hasData()).isFalse();
    assertThat(r.unknown()).isEqualTo(Duration.ofMinutes(1));
    assertThat(r.observed().length()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void whenTheLifeHoldsOnlyStaleTimeAndMaintenance_thenThereIsNoFigureNot100Percent() {
    // No agent reported all day (every result stale); a maintenance window fell in that day. Nobody
    // observed the service: no figure, as without the window, and above all not "100 % excluding
    // maintenance" (it was 100 %, and 95.8 % with it: 23 hours counted up that nobody saw).
    TimeRange day = new TimeRange(NOW.minus(Duration.ofDays(1)), NOW);
    TimeRange window =
        new TimeRange(NOW.minus(Duration.ofHours(3)), NOW.minus(Duration.ofHours(2)));

    for (Settings.Unknown unknown : Settings.Unknown.values()) {
      AvailabilityReport r =
          Availability.report(
              Timeline.constant(day, UNKNOWN), day, List.of(window), day.start(), unknown);

      assertThat(r.hasData()).as(unknown.name()).isFalse();
      assertThat(r.unknown()).as(unknown.name()).isEqualTo(Duration.ofHours(23));
      assertThat(r.maintenance()).as(unknown.name()).isEqualTo(Duration.ofHours(1));
      assertThat(r.maintenanceWindows()).as(unknown.name()).containsExactly(window);
      assertThat(r.availabilityExcludingMaintenance()).as(unknown.name()).isEmpty();
      assertThat(r.outages()).as(unknown.name()).isEmpty();
    }
  }

  @Test
  void whenAWeeklyMaintenanceWindowFellBeforeTheLife_thenItIsNotDowntime() {
    Instant born = Instant.parse("2026-04-27T00:00:00Z"); // a Monday; the last Sunday is before
    MaintenanceWindow.Weekly sunday =
        new MaintenanceWindow.Weekly(
            DayOfWeek.SUNDAY, LocalTime.of(2, 0), Duration.ofHours(2), ZoneOffset.UTC);
    Timeline t = Timeline.of(LAST_30_DAYS, List.of(new Interval(born, NOW, UP)));

    AvailabilityReport r =
        Availability.report(
            t,
            LAST_30_DAYS,
            sunday.occurrences(LAST_30_DAYS.start(), NOW),
            born,
            Settings.Unknown.UP);

    assertThat(r.maintenance()).isZero();
    assertThat(r.down()).isZero();
    assertThat(r.availability()).isEqualTo(1.0);
    assertThat(r.maintenanceWindows()).isEmpty();
  }

  @Test
  void whenStaleTimeIsInsideTheLife_thenTheUnknownSettingDecidesHowItCounts() {
    Instant born = NOW.minus(Duration.ofHours(10));
    Timeline t =
        Timeline.of(
            LAST_30_DAYS,
            List.of(
                new Interval(born, born.plus(Duration.ofHours(4)), UP),
                new Interval(born.plus(Duration.ofHours(5)), born.plus(Duration.ofHours(6)), DOWN),
                new Interval(born.plus(Duration.ofHours(6)), NOW, UP)));
    // 10 h of life: 1 h stale (hour 4 to 5), 1 h down, 8 h up.

    AvailabilityReport up =
        Availability.report(t, LAST_30_DAYS, List.of(), born, Settings.Unknown.UP);
    AvailabilityReport down =
        Availability.report(t, LAST_30_DAYS, List.of(), born, Settings.Unknown.DOWN);
    AvailabilityReport excluded =
        Availability.report(t, LAST_30_DAYS, List.of(), born, Settings.Unknown.EXCLUDED);

    assertThat(up.availability()).isCloseTo(0.9, within(1e-12));
    assertThat(down.availability()).isCloseTo(0.8, within(1e-12));
    assertThat(down.down()).isEqualTo(Duration.ofHours(2));
    assertThat(excluded.availability()).isCloseTo(8.0 / 9, within(1e-12));
    assertThat(List.of(up, down, excluded))
        .allSatisfy(r -> assertThat(r.unknown()).isEqualTo(Duration.ofHours(1)))
        .extracting(AvailabilityReport::unknownPolicy)
        .containsExactly(Settings.Unknown.UP, Settings.Unknown.DOWN, Settings.Unknown.EXCLUDED);
  }

  @Test
  void whenTheLifeStartsMidMonth_thenTheBudgetIsProRatedAndNothingBeforeIsSpent() {
    Instant now = Instant.parse("2026-04-21T00:00:00Z");
    Instant born = Instant.parse("2026-04-11T00:00:00Z"); // 20 of April's 30 days left
    TimeRange soFar = new TimeRange(Instant.parse("2026-04-01T00:00:00Z"), now);
    MaintenanceWindow.Weekly sunday =
        new MaintenanceWindow.Weekly(
            DayOfWeek.SUNDAY, LocalTime.of(2, 0), Duration.ofHours(2), ZoneOffset.UTC);
    Timeline t = Timeline.of(soFar, List.of(new Interval(born, now, UP)));
    // Sundays 5, 12 and 19 April: only the 12th and the 19th fall in the life.
    List<TimeRange> maintenance = sunday.occurrences(soFar.start(), now);

    DowntimeBudget b = DowntimeBudget.asOf(99.9, t, maintenance, now, born, Settings.Unknown.UP);

    assertThat(b.month()).isEqualTo(YearMonth.of(2026, 4));
    assertThat(b.period()).isEqualTo(new TimeRange(born, Instant.parse("2026-05-01T00:00:00Z")));
    assertThat(b.coverage()).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(b.allowed()).isEqualTo(Duration.ofMillis(1_728_000)); // 0.1% of 20 days
    assertThat(b.spent()).isEqualTo(Duration.ofHours(4));
  }

  @Test
  void whenTheLifeHasNotStarted_thenTheBudgetAllowsAndSpendsNothingAndNeverBurns() {
    Instant now = Instant.parse("2026-04-21T00:00:00Z");
    TimeRange soFar = new TimeRange(Instant.parse("2026-04-01T00:00:00Z"), now);

    DowntimeBudget b =
        DowntimeBudget.asOf(
            99.9, Timeline.constant(soFar, UNKNOWN), List.of(), now, null, Settings.Unknown.DOWN);

    assertThat(b.allowed()).isZero();
    assertThat(b.spent()).isZero();
    assertThat(b.period().isEmpty()).isTrue();
    assertThat(BurnRate.judge(99.9, 0, 0, 0, 0)).isEqualTo(BurnRate.Verdict.OK);
  }

  @Test
  void whenAProRatedBudgetIsSpent_thenTheBurnRateSaysSpentAgainstItNotTheWholeMonths() {
    double wholeMonth = BurnRate.budgetSeconds(99.9); // 2592 s
    double aTenth = wholeMonth / 10;

    assertThat(BurnRate.judge(99.9, 0, 0, aTenth, aTenth)).isEqualTo(BurnRate.Verdict.SPENT);
    assertThat(BurnRate.judge(99.9, 0, 0, aTenth / 2, aTenth)).isEqualTo(BurnRate.Verdict.OK);
    assertThat(BurnRate.judge(99.9, 0.02 * wholeMonth, 0, aTenth / 2, aTenth))
        .isEqualTo(BurnRate.Verdict.FAST_BURN);
  }

  @Test
  void whenRiskIsRatedOverAShortLife_thenOutagesArePerObservedTimeAndNoLifeHasNoRating() {
    assertThat(RiskMatrix.likelihood(1, Duration.ofDays(90))).contains(RiskMatrix.Likelihood.D);
    // Four outages in 45 days observed are 2.7 per 30 days (over 90 days they would read 1.3).
    assertThat(RiskMatrix.likelihood(4, Duration.ofDays(45))).contains(RiskMatrix.Likelihood.C);
    assertThat(RiskMatrix.likelihood(12, Duration.ofDays(45))).contains(RiskMatrix.Likelihood.A);
    // Less than 30 days counts as 30: one blip in the first hour is once a month, not 720 times.
    assertThat(RiskMatrix.likelihood(1, Duration.ofHours(1))).contains(RiskMatrix.Likelihood.C);
    assertThat(RiskMatrix.likelihood(0, Duration.ofMinutes(1))).contains(RiskMatrix.Likelihood.E);
    assertThat(RiskMatrix.likelihood(1, Duration.ZERO)).isEmpty();
  }
}
