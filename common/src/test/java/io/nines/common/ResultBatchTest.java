package io.nines.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultBatchTest {
  private static ProbeResult result(long seq, boolean ok) {
    return new ProbeResult(
        "eu-west-1",
        seq,
        "shop-home",
        "eu-west",
        Instant.parse("2026-04-01T00:00:00Z"),
        12,
        ok,
        ok ? null : new Failure(FailureKind.HTTP_STATUS, "get", "status was 503, expected 200"),
        1,
        Map.of("total", 12.5),
        null);
  }

  @Test
  void whenBatchIsWrittenAndRead_thenItIsEqual() {
    ResultBatch batch = new ResultBatch("eu-west-1", List.of(result(1, true), result(2, false)));
    ResultBatch read = ResultBatch.fromJson(new JsonObject(batch.toJson().encode()));
    assertThat(read).isEqualTo(batch);
    assertThat(read.results().get(1).failure().kind()).isEqualTo(FailureKind.HTTP_STATUS);
  }

  @Test
  void whenAResultHasABadTime_thenTheErrorNamesTheField() {
    JsonObject json = new ResultBatch("eu-west-1", List.of(result(1, true))).toJson();
    json.getJsonArray("results").getJsonObject(0).put("startedAt", "yesterday");
    assertThatThrownBy(() -> ResultBatch.fromJson(json))
        .hasMessageContaining("results[0].startedAt was 'yesterday'")
        .hasMessageContaining("ISO-8601");
  }

  @Test
  void whenAResultBelongsToAnotherAgent_thenTheBatchIsRefused() {
    JsonObject json = new ResultBatch("eu-west-1", List.of(result(1, true))).toJson();
    json.put("agent", "us-east-1");
    assertThatThrownBy(() -> ResultBatch.fromJson(json))
        .hasMessageContaining("results[0].agent was 'eu-west-1'");
  }

  @Test
  void whenFailedWithoutFailure_thenRefused() {
    JsonObject json = new ResultBatch("eu-west-1", List.of(result(1, true))).toJson();
    json.getJsonArray("results").getJsonObject(0).put("ok", false);
    assertThatThrownBy(() -> ResultBatch.fromJson(json))
        .hasMessageContaining("results[0].failure was missing");
  }

  @Test
  void whenABatchReportsDroppedResults_thenTheCountRoundTripsAndIsOptional() {
    ResultBatch batch = new ResultBatch("eu-west-1", List.of(result(1, true)), 42);
    assertThat(batch.toJson().getLong("dropped")).isEqualTo(42L);
    assertThat(ResultBatch.fromJson(new JsonObject(batch.toJson().encode()))).isEqualTo(batch);
    JsonObject old = new ResultBatch("eu-west-1", List.of(result(1, true))).toJson();
    assertThat(old.containsKey("dropped")).isFalse();
    assertThat(ResultBatch.fromJson(old).dropped()).isZero();
    assertThatThrownBy(() -> ResultBatch.fromJson(old.copy().put("dropped", -1)))
        .hasMessageContaining("batch.dropped was '-1'");
  }
}
