package io.nines.availability;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.common.TimeRange;
import io.nines.config.PageAfter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BurnRateTest {
  @Test
  void budgetOfTheNinesTable() {
    assertThat(BurnRate.budgetSeconds(99.9))
        .isCloseTo(2592.0, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(BurnRate.budgetSeconds(99.99))
        .isCloseTo(259.2, org.assertj.core.data.Offset.offset(1e-6));
  }

  @Test
  void whenTwoPercentGoesInAnHour_thenFastBurn() {
    double b = BurnRate.budgetSeconds(99.9);
    assertThat(BurnRate.judge(99.9, 0.02 * b, 0.02 * b, 0.02 * b))
        .isEqualTo(BurnRate.Verdict.FAST_BURN);
    assertThat(BurnRate.judge(99.9, 0.019 * b, 0.019 * b, 0.5 * b)).isEqualTo(BurnRate.Verdict.OK);
  }

  @Test
  void whenFivePercentGoesInSixHours_thenFastBurn() {
    double b = BurnRate.budgetSeconds(99.9);
    assertThat(BurnRate.judge(99.9, 0, 0.05 * b, 0.05 * b)).isEqualTo(BurnRate.Verdict.FAST_BURN);
  }

  @Test
  void whenTheMonthsDowntimeReachesTheBudget_thenSpent() {
    double b = BurnRate.budgetSeconds(99.0);
    assertThat(BurnRate.judge(99.0, 0, 0, b)).isEqualTo(BurnRate.Verdict.SPENT);
  }

  static final Instant T = Instant.parse("2026-04-10T12:00:00Z");

  static TimeRange range(int fromSecond, int toSecond) {
    return new TimeRange(T.plusSeconds(fromSecond), T.plusSeconds(toSecond));
  }

  @Test
  void whenPageAfterCountsFailures_thenConfirmationIsOneIntervalLessThanTheRuns() {
    Duration every = Duration.ofSeconds(30);

    assertThat(BurnRate.confirmationTime(PageAfter.failures(3), every))
        .isEqualTo(Duration.ofSeconds(60));
    assertThat(BurnRate.confirmationTime(PageAfter.failures(1), every)).isZero();
    assertThat(BurnRate.confirmationTime(PageAfter.of(Duration.ofMinutes(2)), every))
        .isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void whenOutagesAreShorterThanTheConfirmation_thenOnlyTheirPartInsideTheWindowIsUnconfirmed() {
    TimeRange window = range(0, 3600);
    List<TimeRange> outages =
        List.of(
            range(-100, 30), // long, began before the window: confirmed
            range(100, 110), // a 10 s blip
            range(500, 700), // confirmed
            range(3590, 3620)); // 30 s so far, reaching past the window: not confirmed yet

    Duration unconfirmed = BurnRate.unconfirmed(outages, window, Duration.ofSeconds(60));

    assertThat(unconfirmed).isEqualTo(Duration.ofSeconds(10 + 10));
  }

  @Test
  void whenAnOutageLastsExactlyTheConfirmationTime_thenItIsARunShortOfConfirmed() {
    // page-after 3 failures every 5 s: two failed runs are DOWN 10 s, until the next good run.
    Duration confirm = BurnRate.confirmationTime(PageAfter.failures(3), Duration.ofSeconds(5));

    assertThat(BurnRate.unconfirmed(List.of(range(0, 10)), range(0, 60), confirm))
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(BurnRate.unconfirmed(List.of(range(0, 15)), range(0, 60), confirm)).isZero();
  }

  @Test
  void whenPageAfterIsImmediate_thenNothingIsUnconfirmed() {
    assertThat(BurnRate.unconfirmed(List.of(range(0, 1)), range(0, 60), Duration.ZERO)).isZero();
  }
}
