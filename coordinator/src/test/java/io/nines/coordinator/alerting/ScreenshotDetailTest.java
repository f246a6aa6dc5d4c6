package io.nines.coordinator.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.common.Failure;
import io.nines.common.FailureKind;
import io.nines.common.ProbeResult;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which screenshot id a page's details name: only a well-formed one the coordinator stored. */
class ScreenshotDetailTest {
  static ProbeResult failed(JsonObject diagnostics) {
    return new ProbeResult(
        "a1",
        1,
        "storefront-browser",
        "eu",
        Instant.parse("2026-04-10T00:00:00Z"),
        900,
        false,
        new Failure(FailureKind.SELECTOR_NOT_FOUND, "checkout", "no element matches #checkout"),
        1,
        Map.of(),
        diagnostics);
  }

  @Test
  void whenTheFailureKeptAScreenshot_thenItsIdIsTheDetail() {
    String id = "0123456789abcdef0123456789abcdef";
    assertThat(
            Alerting.screenshotOf(
                failed(
                    new JsonObject()
                        .put("screenshot", new JsonObject().put("id", id).put("bytes", 10)))))
        .isEqualTo(id);
  }

  @Test
  void whenThereIsNoScreenshotOrItIsNotAnId_thenThereIsNoDetail() {
    assertThat(Alerting.screenshotOf(failed(null))).isNull();
    assertThat(Alerting.screenshotOf(failed(new JsonObject()))).isNull();
    assertThat(
            Alerting.screenshotOf(
                failed(new JsonObject().put("screenshot", new JsonObject().put("omitted", "x")))))
        .isNull();
    assertThat(
            Alerting.screenshotOf(
                failed(
                    new JsonObject()
                        .put("screenshot", new JsonObject().put("id", "../../etc/passwd")))))
        .isNull();
    assertThat(Alerting.screenshotOf(failed(new JsonObject().put("screenshot", "abc")))).isNull();
  }
}
