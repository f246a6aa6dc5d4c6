package io.nines.availability.report;

import static io.nines.availability.report.ReportFixtures.NOW;
import static io.nines.availability.report.ReportFixtures.fleet;
import static io.nines.availability.report.ReportFixtures.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.nines.common.TimeRange;
import io.nines.config.Fleet;
import io.nines.config.Tier;
import java.time.Duration;
import java.time.YearMonth;
import java.util.List;
import org.junit.jupiter.api.Test;

class MonthlyReportTest {
  static final YearMonth APRIL = YearMonth.of(2026, 4);

  /** Checkout: up since April 1st but for one hour on the 10th. Search: no checks, no data. */
  static final ReportFixtures APRIL_FLEET =
      fleet()
          .service("checkout", "Checkout, EU", Tier.IMPORTANT)
          .upExcept(
              "checkout",
              range("2026-04-01T00:00:00Z", "2026-04-15T12:00:00Z"),
              range("2026-04-10T10:00:00Z", "2026-04-10T11:00:00Z"))
          .service("search", "=HYPERLINK(\"http://x\")", Tier.NON_CRITICAL);

  static MonthlyReport april() {
    Fleet f = APRIL_FLEET.build();
    TimeRange window = MonthlyReport.window(APRIL, NOW);
    return MonthlyReport.of(f, APRIL, window, APRIL_FLEET.fetched(), Lives.NONE);
  }

  @Test
  void whenTheMonthIsTheCurrentOne_thenTheReportRunsToNowAndIsIncomplete() {
    MonthlyReport r = april();

    assertThat(r.window()).isEqualTo(range("2026-04-01T00:00:00Z", "2026-04-15T12:00:00Z"));
    assertThat(r.complete()).isFalse();
    assertThat(MonthlyReport.window(YearMonth.of(2026, 3), NOW))
        .isEqualTo(range("2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z"));
  }

  @Test
  void whenTheMonthIsOver_thenTheReportCoversAllOfItAndIsComplete() {
    Fleet f = APRIL_FLEET.build();
    YearMonth march = YearMonth.of(2026, 3);

    MonthlyReport r =
        MonthlyReport.of(
            f, march, MonthlyReport.window(march, NOW), APRIL_FLEET.fetched(), Lives.NONE);

    assertThat(r.complete()).isTrue();
    // Checkout's life starts April 1st: March holds no data, so no verdict either way.
    assertThat(r.services().get(0).report().hasData()).isFalse();
    assertThat(r.services().get(0).met()).isEmpty();
  }

  @Test
  void whenTheMonthIsInTheFuture_thenTheErrorNamesTheMonthAndTheCurrentOne() {
    assertThatThrownBy(() -> MonthlyReport.window(YearMonth.of(2026, 5), NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "month was '2026-05' but it must not be after the current month 2026-04 (a report"
                + " needs measurements)");
  }

  @Test
  void whenAServiceWasDownAnHour_thenItsMonthMissesATargetThatAllowsLess() {
    MonthlyReport.ServiceMonth checkout = april().services().get(0);

    double observedSeconds = Duration.ofDays(14).plusHours(12).toSeconds();
    assertThat(checkout.targetPercent()).isEqualTo(99.9);
    assertThat(checkout.report().down()).isEqualTo(Duration.ofHours(1));
    assertThat(checkout.report().percent())
        .isCloseTo(100 * (1 - 3600 / observedSeconds), within(1e-9));
    assertThat(checkout.report().outages()).hasSize(1);
    // 99.71% < 99.9%: missed, with and without maintenance (there was none).
    assertThat(checkout.met()).contains(false);
    assertThat(checkout.metExcludingMaintenance()).contains(false);
  }

  @Test
  void whenAServiceHasNoData_thenMetIsUnknownRatherThanTrue() {
    MonthlyReport.ServiceMonth search = april().services().get(1);

    assertThat(search.report().hasData()).isFalse();
    assertThat(search.met()).isEmpty();
    assertThat(search.metExcludingMaintenance()).isEmpty();
  }

  @Test
  void whenRenderedAsCsv_thenOneRowPerServiceWithFiguresAndNoDataCellsEmpty() {
    String csv = MonthlyCsv.render(april());

    List<String> lines = List.of(csv.split("\r\n"));
    assertThat(csv).endsWith("\r\n");
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).isEqualTo(String.join(",", MonthlyCsv.COLUMNS));
    // A name with a comma is quoted; percent, downtime and the figure without maintenance follow.
    assertThat(lines.get(1))
        .startsWith("checkout,\"Checkout, EU\",important,99.9,99.712644,")
        .endsWith(",3600,0,99.712644,false,1,1");
    // No data: empty figures, "no data" for met, coverage 0.
    assertThat(lines.get(2)).endsWith(",,,0,0,,no data,0,0");
  }

  @Test
  void whenATextCellStartsLikeAFormula_thenItIsQuotedSoSpreadsheetsDoNotRunIt() {
    String csv = MonthlyCsv.render(april());

    assertThat(csv.split("\r\n")[2])
        .startsWith("search,\"'=HYPERLINK(\"\"http://x\"\")\",non-critical,99,");
  }
}
