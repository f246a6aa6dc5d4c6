package io.nines.coordinator.api;

import static io.nines.coordinator.api.ApiFixture.AGENT;
import static io.nines.coordinator.api.ApiFixture.error;
import static io.nines.coordinator.screenshots.TestPngs.base64;
import static io.nines.coordinator.screenshots.TestPngs.png;
import static org.assertj.core.api.Assertions.assertThat;

import io.nines.common.Failure;
import io.nines.common.FailureKind;
import io.nines.common.ProbeResult;
import io.nines.common.ResultBatch;
import io.nines.coordinator.screenshots.Screenshots;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Screenshots through the API: posted in a result, kept apart, served as PNG, bounded. */
@ExtendWith(VertxExtension.class)
class ScreenshotApiTest {
  final ApiFixture api = new ApiFixture();

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    api.start(vertx, b -> b, Set.of());
  }

  @AfterEach
  void stop() throws Exception {
    api.stop();
  }

  ProbeResult browserFailure(JsonObject diagnostics) {
    return new ProbeResult(
        "a1",
        ++api.seq,
        "checkout-journey",
        "eu",
        api.time.now(),
        1500,
        false,
        new Failure(FailureKind.SELECTOR_NOT_FOUND, "checkout", "no element matches #checkout"),
        1,
        Map.of("total", 1500.0),
        diagnostics);
  }

  JsonObject post(List<ProbeResult> results) throws Exception {
    HttpResponse<Buffer> r =
        api.post("/api/v1/results", new ResultBatch("a1", results).toJson(), AGENT);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  JsonObject newestDiagnostics() throws Exception {
    HttpResponse<Buffer> r = api.get("/api/v1/checks/checkout-journey/results?limit=1");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("items").getJsonObject(0).getJsonObject("diagnostics");
  }

  @Test
  void whenABrowserFailureCarriesAScreenshot_thenTheResultReferencesItAndItIsServedAsPng()
      throws Exception {
    byte[] image = png(120, 80, 7);
    JsonObject d =
        new JsonObject()
            .put(
                "steps",
                new JsonArray()
                    .add(new JsonObject().put("name", "open").put("millis", 310.5).put("ok", true)))
            .put(
                "screenshot",
                new JsonObject().put("mediaType", "image/png").put("base64", base64(image)));

    JsonObject outcome = post(List.of(browserFailure(d)));

    assertThat(outcome.getInteger("accepted")).isEqualTo(1);
    JsonObject ref = newestDiagnostics().getJsonObject("screenshot");
    assertThat(ref.fieldNames())
        .containsExactlyInAnyOrder("id", "mediaType", "bytes", "width", "height");
    assertThat(ref.getInteger("width")).isEqualTo(120);
    HttpResponse<Buffer> served = api.get("/api/v1/screenshots/" + ref.getString("id"));
    assertThat(served.statusCode()).isEqualTo(200);
    assertThat(served.getHeader("content-type")).isEqualTo("image/png");
    assertThat(served.getHeader("x-content-type-options")).isEqualTo("nosniff");
    assertThat(served.getHeader("cache-control")).startsWith("private, max-age=");
    assertThat(served.body().getBytes()).isEqualTo(image);
  }

  @Test
  void whenTheScreenshotIsOlderThanTheRawRetention_thenItIs404() throws Exception {
    byte[] image = png(10, 10, 8);
    post(
        List.of(
            browserFailure(
                new JsonObject()
                    .put("screenshot", new JsonObject().put("base64", base64(image))))));
    String id = Screenshots.contentId(image);
    assertThat(api.get("/api/v1/screenshots/" + id).statusCode()).isEqualTo(200);

    api.time.advance(api.fleet.get().settings().retentionRaw().plus(Duration.ofMinutes(1)));

    assertThat(error(api.get("/api/v1/screenshots/" + id), 404, "not_found")).contains("retention");
  }

  @Test
  void whenHostileScreenshotsArePosted_thenTheBatchIsAcceptedAndNoneIsKept() throws Exception {
    byte[] oversized = new byte[Screenshots.MAX_BYTES + 10];
    System.arraycopy(png(2, 2, 1), 0, oversized, 0, 20);
    List<ProbeResult> results = new ArrayList<>();
    results.add(
        browserFailure(
            new JsonObject()
                .put(
                    "screenshot",
                    new JsonObject().put("base64", base64("GIF89a....".getBytes())))));
    results.add(
        browserFailure(
            new JsonObject().put("screenshot", new JsonObject().put("base64", base64(oversized)))));
    results.add(
        browserFailure(
            new JsonObject().put("screenshot", new JsonObject().put("base64", "%%%not base64"))));
    results.add(browserFailure(new JsonObject().put("screenshot", "../../etc/passwd")));

    JsonObject outcome = post(results);

    assertThat(outcome.getInteger("accepted")).isEqualTo(4);
    HttpResponse<Buffer> r = api.get("/api/v1/checks/checkout-journey/results?limit=10");
    JsonArray items = r.bodyAsJsonObject().getJsonArray("items");
    assertThat(items).hasSize(4);
    for (Object o : items) {
      JsonObject shot = ((JsonObject) o).getJsonObject("diagnostics").getJsonObject("screenshot");
      assertThat(shot.getString("omitted")).isNotBlank();
      assertThat(shot.containsKey("id")).isFalse();
    }
  }

  @Test
  void whenABatchCarriesHundredsOfScreenshots_thenItIsAcceptedAndAtMostTheBatchLimitIsKept()
      throws Exception {
    List<ProbeResult> results = new ArrayList<>();
    for (int r = 0; r < 100; r++) {
      JsonArray many = new JsonArray();
      for (int i = 0; i < 3; i++) {
        many.add(
            new JsonObject().put("label", "s" + i).put("base64", base64(png(4, 4, r * 3 + i))));
      }
      results.add(browserFailure(new JsonObject().put("screenshots", many)));
    }

    JsonObject outcome = post(results);

    assertThat(outcome.getInteger("accepted")).isEqualTo(100);
    HttpResponse<Buffer> r = api.get("/api/v1/checks/checkout-journey/results?limit=100");
    long kept =
        r.bodyAsJsonObject().getJsonArray("items").stream()
            .flatMap(
                o ->
                    ((JsonObject) o)
                        .getJsonObject("diagnostics").getJsonArray("screenshots").stream())
            .filter(o -> ((JsonObject) o).containsKey("id"))
            .count();
    assertThat(kept).isEqualTo(Screenshots.MAX_PER_BATCH);
    assertThat(r.bodyAsString()).doesNotContain("\"base64\":");
  }

  @Test
  void whenTheIdIsUnknownOrHasPathCharacters_thenItIsAJson404WithoutAStackTrace() throws Exception {
    for (String path :
        List.of(
            "/api/v1/screenshots/0123456789abcdef0123456789abcdef",
            "/api/v1/screenshots/..%2F..%2Fetc%2Fpasswd",
            "/api/v1/screenshots/%2e%2e",
            "/api/v1/screenshots/" + "a".repeat(1000),
            "/api/v1/screenshots/ABCDEF0123456789ABCDEF0123456789")) {
      HttpResponse<Buffer> r = api.get(path);
      assertThat(r.statusCode()).as(path).isIn(400, 404);
      assertThat(r.getHeader("content-type")).as(path).startsWith("application/json");
      assertThat(r.bodyAsString()).as(path).doesNotContain("Exception").doesNotContain("\tat ");
    }
  }
}
