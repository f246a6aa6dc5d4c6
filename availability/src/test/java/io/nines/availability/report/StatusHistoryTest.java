package io.nines.availability.report;

import static io.nines.availability.report.ReportFixtures.NOW;
import static io.nines.availability.report.ReportFixtures.fleet;
import static io.nines.availability.report.ReportFixtures.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.nines.availability.State;
import io.nines.config.Tier;
import java.time.Duration;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class StatusHistoryTest {
  /** Three UTC days up to {@link ReportFixtures#NOW}: the 13th, the 14th and today until noon. */
  static final int DAYS = 3;

  static ReportFixtures checkout() {
    return fleet()
        .service("checkout", "Checkout", Tier.CRITICAL)
        .upExcept(
            "checkout",
            StatusHistory.span(NOW, DAYS),
            range("2026-04-14T06:00:00Z", "2026-04-14T07:00:00Z"))
        .maintenance(
            "db-upgrade", "checkout", range("2026-04-13T02:00:00Z", "2026-04-13T03:00:00Z"));
  }

  @Test
  void whenAskedForThreeDays_thenTheSpanStartsAtMidnightTwoDaysAgoAndEndsNow() {
    assertThat(StatusHistory.span(NOW, DAYS))
        .isEqualTo(range("2026-04-13T00:00:00Z", "2026-04-15T12:00:00Z"));
  }

  @Test
  void whenAServiceWasDownAnHourYesterday_thenYesterdaysBarSaysSoAndTheOthersAreWhole() {
    ReportFixtures f = checkout();

    StatusHistory h = StatusHistory.of(f.build(), NOW, DAYS, f.fetched(), Lives.NONE);

    StatusHistory.ServiceStatus s = h.services().get(0);
    assertThat(s.name()).isEqualTo("Checkout");
    assertThat(s.state()).isEqualTo(State.UP);
    assertThat(s.days())
        .extracting(StatusHistory.Day::date)
        .containsExactly(
            LocalDate.parse("2026-04-13"),
            LocalDate.parse("2026-04-14"),
            LocalDate.parse("2026-04-15"));
    assertThat(s.days().get(1).report().availability()).isCloseTo(23.0 / 24, within(1e-12));
    assertThat(s.days().get(2).report().total()).isEqualTo(Duration.ofHours(12));
    assertThat(s.days().get(2).report().availability()).isEqualTo(1.0);
    assertThat(s.whole().down()).isEqualTo(Duration.ofHours(2));
  }

  @Test
  void whenADayHadPlannedMaintenance_thenOnlyThatDayIsMarked() {
    ReportFixtures f = checkout();

    StatusHistory h = StatusHistory.of(f.build(), NOW, DAYS, f.fetched(), Lives.NONE);

    assertThat(h.services().get(0).days())
        .extracting(StatusHistory.Day::maintenance)
        .containsExactly(true, false, false);
    assertThat(h.services().get(0).days().get(0).report().availabilityExcludingMaintenance())
        .hasValue(1.0);
  }

  @Test
  void whenEveryServiceIsUpAndNoneInMaintenance_thenAllAreOperational() {
    ReportFixtures f = checkout();

    StatusHistory h = StatusHistory.of(f.build(), NOW, DAYS, f.fetched(), Lives.NONE);

    assertThat(h.at()).isEqualTo(NOW);
    assertThat(h.services().get(0).inMaintenance()).isFalse();
    assertThat(h.allOperational()).isTrue();
  }

  @Test
  void whenAServiceIsInMaintenanceNow_thenNotAllAreOperational() {
    ReportFixtures f =
        checkout()
            .maintenance("now", "checkout", range("2026-04-15T11:30:00Z", "2026-04-15T13:00:00Z"));

    StatusHistory h = StatusHistory.of(f.build(), NOW, DAYS, f.fetched(), Lives.NONE);

    assertThat(h.services().get(0).inMaintenance()).isTrue();
    assertThat(h.allOperational()).isFalse();
  }

  @Test
  void whenAServiceHasNoData_thenItIsUnknownAndNotAllAreOperational() {
    ReportFixtures f = checkout().service("search", "Search", Tier.IMPORTANT);

    StatusHistory h = StatusHistory.of(f.build(), NOW, DAYS, f.fetched(), Lives.NONE);

    StatusHistory.ServiceStatus search = h.services().get(1);
    assertThat(search.state()).isEqualTo(State.UNKNOWN);
    assertThat(search.whole().hasData()).isFalse();
    assertThat(search.days()).allMatch(d -> !d.report().hasData());
    assertThat(h.allOperational()).isFalse();
  }
}
