package io.nines.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code page-after}: the confirmation time before paging, fleet-wide and per service. */
class PageAfterConfigTest {
  @TempDir Path dir;

  private Fleet load(String settings, String service) throws Exception {
    Files.writeString(
        dir.resolve("fleet.yaml"),
        """
        locations: [eu]
        %s
        teams: { web: { email: [web@shop.example] } }
        services:
          shop: { tier: important, owners: [web]%s }
        checks:
          - { id: shop-home, service: shop, http: { get: "http://127.0.0.1:1/" } }
        """
            .formatted(settings, service));
    return new FleetLoader(io.nines.common.TimeSource.SYSTEM, Map.of()).load(dir);
  }

  @Test
  void whenNothingIsWritten_thenThreeFailuresConfirmAnOutage() throws Exception {
    Fleet f = load("", "");
    assertThat(f.settings().alerting().pageAfter()).isEqualTo(PageAfter.failures(3));
    assertThat(f.services().get("shop").pageAfter()).isNull();
  }

  @ParameterizedTest
  @CsvSource({"30s, PT30S, 0", "0s, PT0S, 0", "1h30m, PT1H30M, 0", "1 failure, PT0S, 1"})
  void whenAServiceSetsPageAfter_thenItIsRead(String written, String duration, int failures)
      throws Exception {
    Fleet f = load("settings: { alerting: { page-after: 2m } }", ", page-after: " + written);
    assertThat(f.services().get("shop").pageAfter())
        .isEqualTo(new PageAfter(Duration.parse(duration), failures));
    assertThat(f.settings().alerting().pageAfter()).isEqualTo(PageAfter.of(Duration.ofMinutes(2)));
  }

  @Test
  void whenPageAfterChanges_thenTheConfigurationDiffSaysSo() throws Exception {
    Fleet before = load("", "");
    Fleet after = load("settings: { alerting: { page-after: 1m } }", ", page-after: 30s");
    assertThat(FleetDiff.between(before, after).lines())
        .containsExactly(
            "~ service shop: page-after (none) -> 30s",
            "~ settings: alerting.page-after 3 failures -> 1m");
  }

  @ParameterizedTest
  @CsvSource({"0 failures", "101 failures", "2d", "soon", "-1s"})
  void whenPageAfterIsNotATimeOrFailures_thenTheErrorSaysWhatWouldBeRight(String written) {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class, () -> load("", ", page-after: '" + written + "'"));
    assertThat(e).isNotNull();
    assertThat(e.problems())
        .extracting(Problem::format)
        .singleElement()
        .asString()
        .contains("fleet.yaml:5 services.shop.page-after was '" + written + "'")
        .contains("a duration up to 1d such as 30s")
        .contains("'N failures' with N from 1 to 100");
  }
}
