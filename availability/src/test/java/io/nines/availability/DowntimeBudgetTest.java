package io.nines.availability;

import static io.nines.availability.State.DOWN;
import static io.nines.availability.State.UP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nines.common.TimeRange;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import org.junit.jupiter.api.Test;

class DowntimeBudgetTest {

  @Test
  void whenTheNinesTableIsBuilt_thenMonthlyAllowancesAreTheCoursesFigures() {
    assertThat(DowntimeBudget.allowedPer30DayMonth(99.0)).isEqualTo(Duration.ofMinutes(432));
    assertThat(DowntimeBudget.allowedPer30DayMonth(99.9)).isEqualTo(Duration.ofMillis(2_592_000));
    assertThat(DowntimeBudget.allowedPer30DayMonth(99.9).toMillis() / 60_000.0).isEqualTo(43.2);
    assertThat(DowntimeBudget.allowedPer30DayMonth(99.99)).isEqualTo(Duration.ofMillis(259_200));
    assertThat(DowntimeBudget.allowedPer30DayMonth(99.99).toMillis() / 60_000.0).isEqualTo(4.32);
    assertThat(DowntimeBudget.allowedPer30DayMonth(99.999)).isEqualTo(Duration.ofMillis(25_920));
    assertThat(DowntimeBudget.allowedPer30DayMonth(99.9999)).isEqualTo(Duration.ofMillis(2_592));
  }

  @Test
  void whenTheStandardTableIsListed_thenEachRowHasItsNinesAndAllowances() {
    List<NinesTable.Row> rows = NinesTable.standard();

    assertThat(rows).extracting(NinesTable.Row::nines).containsExactly(2.0, 3.0, 4.0, 5.0, 6.0);
    NinesTable.Row three = rows.get(1);
    assertThat(three.per30DayMonth()).isEqualTo(Duration.ofMillis(2_592_000));
    assertThat(three.perDay()).isEqualTo(Duration.ofMillis(86_400));
    assertThat(three.perWeek()).isEqualTo(Duration.ofMillis(604_800));
    assertThat(three.perYear()).isEqualTo(Duration.ofMillis(31_536_000));
  }

  @Test
  void whenAMonthHas31Days_thenItsBudgetUsesItsRealLength() {
    DowntimeBudget march = DowntimeBudget.of(99.9, YearMonth.of(2026, 3), Duration.ZERO);

    assertThat(march.allowed()).isEqualTo(Duration.ofMillis(2_678_400));
  }

  @Test
  void whenMoreIsSpentThanAllowed_thenWhatIsLeftIsNegative() {
    DowntimeBudget april = DowntimeBudget.of(99.9, YearMonth.of(2026, 4), Duration.ofMinutes(52));

    assertThat(april.left()).isEqualTo(Duration.ofMillis(2_592_000 - 52 * 60_000));
    assertThat(april.left().isNegative()).isTrue();
  }

  @Test
  void whenTheBudgetIsTakenAsOfNow_thenDowntimeAndMaintenanceSinceTheMonthStartAreSpent() {
    Instant now = Instant.parse("2026-04-10T00:00:00Z");
    Instant monthStart = Instant.parse("2026-04-01T00:00:00Z");
    Instant downAt = Instant.parse("2026-04-05T00:00:00Z");
    // An outage of 10 minutes this month, another one in March that must not count.
    Timeline t =
        Timeline.of(
                new TimeRange(monthStart.minus(Duration.ofDays(1)), now),
                List.of(
                    new Interval(
                        monthStart.minus(Duration.ofHours(1)), monthStart.minusSeconds(1), DOWN),
                    new Interval(downAt, downAt.plus(Duration.ofMinutes(10)), DOWN)))
            .overlay(List.of(), UP);
    List<TimeRange> maintenance =
        List.of(new TimeRange(downAt.plus(Duration.ofHours(1)), downAt.plus(Duration.ofHours(2))));

    DowntimeBudget b = DowntimeBudget.asOf(99.0, t, maintenance, now);

    assertThat(b.month()).isEqualTo(YearMonth.of(2026, 4));
    assertThat(b.spent()).isEqualTo(Duration.ofMinutes(70));
    assertThat(b.allowed()).isEqualTo(Duration.ofMinutes(432));
    assertThat(b.left()).isEqualTo(Duration.ofMinutes(362));
  }

  @Test
  void whenTheTargetIsOutOfRange_thenTheMessageSaysWhatWouldBeRight() {
    assertThatThrownBy(() -> DowntimeBudget.allowedPer30DayMonth(0))
        .hasMessage("targetPercent: 0.0 (expected: above 0 and at most 100)");
    assertThat(DowntimeBudget.allowedPer30DayMonth(100)).isZero();
  }
}
