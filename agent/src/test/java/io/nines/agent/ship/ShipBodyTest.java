package io.nines.agent.ship;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nines.common.Failure;
import io.nines.common.FailureKind;
import io.nines.common.ProbeResult;
import io.nines.common.ResultBatch;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The body of a results post built around results the spool holds encoded already. */
class ShipBodyTest {
  private static final String AGENT = "eu \"west\" \\ 1";

  private static ProbeResult result(long seq, boolean ok) {
    return new ProbeResult(
        AGENT,
        seq,
        "shop-home",
        "eu-west",
        Instant.parse("2026-04-01T00:00:00Z").plusSeconds(seq),
        12,
        ok,
        ok ? null : new Failure(FailureKind.ASSERTION, "home", "status was 500, expected 200"),
        1,
        Map.of("total", 12.0, "connect", 0.25),
        ok ? null : new JsonObject().put("status", 500).put("body", "é \u2028 \"quoted\""));
  }

  private static List<byte[]> encoded(ResultBatch batch) {
    return batch.results().stream().map(r -> r.toJson().toBuffer().getBytes()).toList();
  }

  @Test
  void whenResultsAreEncodedAlready_thenTheBodyIsTheBatchsJson() {
    ResultBatch batch = new ResultBatch(AGENT, List.of(result(1, true), result(2, false)), 0);

    JsonObject body = new JsonObject(CoordinatorClient.body(batch, encoded(batch)));

    assertThat(body).isEqualTo(batch.toJson());
    assertThat(ResultBatch.fromJson(body)).isEqualTo(batch);
  }

  @Test
  void whenResultsWereDropped_thenTheBodySaysHowMany() {
    ResultBatch batch = new ResultBatch(AGENT, List.of(result(7, true)), 42);

    JsonObject body = new JsonObject(CoordinatorClient.body(batch, encoded(batch)));

    assertThat(body.getLong("dropped")).isEqualTo(42L);
    assertThat(body).isEqualTo(batch.toJson());
  }

  @Test
  void whenTheEncodedResultsDoNotMatchTheBatch_thenItIsRefused() {
    ResultBatch batch = new ResultBatch(AGENT, List.of(result(1, true), result(2, true)), 0);

    assertThatThrownBy(() -> CoordinatorClient.body(batch, encoded(batch).subList(0, 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("one per result");
  }
}
