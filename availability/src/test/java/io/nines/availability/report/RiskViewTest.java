package io.nines.availability.report;

import static io.nines.availability.report.ReportFixtures.NOW;
import static io.nines.availability.report.ReportFixtures.fleet;
import static io.nines.availability.report.ReportFixtures.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.nines.availability.RiskMatrix;
import io.nines.availability.State;
import io.nines.common.TimeRange;
import io.nines.config.Tier;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RiskViewTest {
  static final ReportFixtures FLEET =
      fleet()
          .service("checkout", "Checkout", Tier.CRITICAL)
          .upExcept(
              "checkout",
              RiskView.window(NOW),
              range("2026-01-20T10:00:00Z", "2026-01-20T10:05:00Z"),
              range("2026-02-11T10:00:00Z", "2026-02-11T10:05:00Z"),
              range("2026-03-03T10:00:00Z", "2026-03-03T10:05:00Z"),
              range("2026-04-14T10:00:00Z", "2026-04-14T10:05:00Z"))
          .service("blog", "Blog", Tier.NON_CRITICAL)
          .upExcept("blog", new TimeRange(NOW.minus(Duration.ofDays(10)), NOW))
          .service("search", "Search", Tier.IMPORTANT);

  static RiskView view() {
    return RiskView.of(FLEET.build(), NOW, FLEET.fetched(), Lives.NONE);
  }

  @Test
  void whenAskedForTheWindow_thenItIsTheNinetyDaysUpToNow() {
    assertThat(RiskView.window(NOW)).isEqualTo(new TimeRange(NOW.minus(Duration.ofDays(90)), NOW));
    assertThat(view().at()).isEqualTo(NOW);
  }

  @Test
  void whenACriticalServiceHadFourOutagesIn90Days_thenItIsPossibleAndRatedAgainstConsequence5() {
    RiskView.ServiceRisk checkout = view().services().get(0);

    assertThat(checkout.id()).isEqualTo("checkout");
    assertThat(checkout.state()).isEqualTo(State.UP);
    assertThat(checkout.outages()).isEqualTo(4);
    assertThat(checkout.observed()).isEqualTo(Duration.ofDays(90));
    // 4 outages in 90 days is 1.33 per 30 days: C, possible.
    assertThat(checkout.likelihood()).contains(RiskMatrix.Likelihood.C);
    assertThat(checkout.consequence()).isEqualTo(5);
    assertThat(checkout.cell()).contains(RiskMatrix.cell(RiskMatrix.Likelihood.C, 5));
  }

  @Test
  void whenAServiceWasObservedTenDaysWithoutOutage_thenItIsRareAndItsShortHistoryIsNotStretched() {
    RiskView.ServiceRisk blog = view().services().get(1);

    assertThat(blog.observed()).isEqualTo(Duration.ofDays(10));
    assertThat(blog.report().coverage()).isCloseTo(1.0 / 9, within(1e-12));
    assertThat(blog.likelihood()).contains(RiskMatrix.Likelihood.E);
    assertThat(blog.consequence()).isEqualTo(2);
  }

  @Test
  void whenAServiceHasNoData_thenItHasNoLikelihoodAndNoRating() {
    RiskView.ServiceRisk search = view().services().get(2);

    assertThat(search.report().hasData()).isFalse();
    assertThat(search.state()).isEqualTo(State.UNKNOWN);
    assertThat(search.likelihood()).isEmpty();
    assertThat(search.cell()).isEmpty();
    assertThat(search.consequence()).isEqualTo(3);
  }
}
