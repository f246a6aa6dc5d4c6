package io.nines.availability;

import static org.assertj.core.api.Assertions.assertThat;

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
}
