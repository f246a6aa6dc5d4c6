package io.nines.coordinator.screenshots;

import static io.nines.coordinator.screenshots.TestPngs.base64;
import static io.nines.coordinator.screenshots.TestPngs.png;
import static org.assertj.core.api.Assertions.assertThat;

import io.nines.common.Failure;
import io.nines.common.FailureKind;
import io.nines.common.ProbeResult;
import io.nines.common.testing.ManualTimeSource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ScreenshotsTest {
  static final Instant T0 = Instant.parse("2026-04-10T00:00:00Z");

  final ManualTimeSource time = new ManualTimeSource(T0);
  final AtomicReference<Duration> retention = new AtomicReference<>(Duration.ofDays(7));
  final InMemoryScreenshotStore store =
      new InMemoryScreenshotStore(Screenshots.DEFAULT_CAPACITY_BYTES, retention::get);
  final Screenshots screenshots = new Screenshots(store, time);
  long seq;

  ProbeResult browserFailure(JsonObject diagnostics) {
    return new ProbeResult(
        "a1",
        ++seq,
        "storefront-browser",
        "eu",
        T0,
        1200,
        false,
        new Failure(FailureKind.SELECTOR_NOT_FOUND, "checkout", "no element matches #checkout"),
        1,
        Map.of("total", 1200.0),
        diagnostics);
  }

  static JsonObject shot(String base64) {
    return new JsonObject()
        .put("mediaType", "image/png")
        .put("width", 9)
        .put("height", 9)
        .put("base64", base64);
  }

  @Test
  void whenAResultCarriesAPng_thenItIsStoredAndTheResultKeepsOnlyAReference() {
    byte[] image = png(64, 48, 1);
    JsonObject d =
        new JsonObject()
            .put("steps", new JsonArray().add(new JsonObject().put("name", "open")))
            .put("screenshot", shot(base64(image)));

    ProbeResult kept = screenshots.extract(List.of(browserFailure(d))).get(0);

    JsonObject ref = kept.diagnostics().getJsonObject("screenshot");
    assertThat(ref.containsKey("base64")).isFalse();
    assertThat(ref.getString("id")).isEqualTo(Screenshots.contentId(image));
    assertThat(ref.getInteger("bytes")).isEqualTo(image.length);
    assertThat(ref.getInteger("width")).isEqualTo(64);
    assertThat(ref.getInteger("height")).isEqualTo(48);
    assertThat(kept.diagnostics().getJsonArray("steps")).hasSize(1);
    assertThat(store.get(ref.getString("id"), time.now()).png()).isEqualTo(image);
    assertThat(kept.toJson().encode().length()).isLessThan(1000);
  }

  @Test
  void whenTheScreenshotIsNotAPng_thenItIsOmittedWithANoteAndNothingIsStored() {
    String jpegLike =
        base64(
            "\u00ff\u00d8\u00ff\u00e0 not a png at all, really"
                .getBytes(StandardCharsets.ISO_8859_1));
    JsonObject d =
        new JsonObject()
            .put("screenshot", shot(jpegLike))
            .put(
                "screenshots",
                new JsonArray()
                    .add(shot("!!! not base64 !!!").put("label", "receipt"))
                    .add("a string, not an object")
                    .add(new JsonObject().put("base64", 42)));

    JsonObject kept = screenshots.extract(List.of(browserFailure(d))).get(0).diagnostics();

    assertThat(kept.getJsonObject("screenshot").getString("omitted")).contains("not a PNG");
    JsonArray many = kept.getJsonArray("screenshots");
    assertThat(many.getJsonObject(0).getString("omitted")).contains("could not be decoded");
    assertThat(many.getJsonObject(0).getString("label")).isEqualTo("receipt");
    assertThat(many.getJsonObject(1).getString("omitted")).contains("not an object");
    assertThat(many.getJsonObject(2).getString("omitted")).contains("not a string");
    assertThat(kept.encode()).doesNotContain("\"base64\":");
    assertThat(store.size()).isZero();
  }

  @Test
  void whenTheScreenshotIsOverTheLimit_thenItIsOmittedWithoutBeingKept() {
    // A real PNG header followed by more than 512 KiB: decoded size decides, not the header.
    byte[] big = new byte[Screenshots.MAX_BYTES + 1];
    byte[] head = png(4, 4, 2);
    System.arraycopy(head, 0, big, 0, head.length);
    String huge = "A".repeat(4 * 1024 * 1024);
    JsonObject d =
        new JsonObject()
            .put("screenshot", shot(base64(big)))
            .put("screenshots", new JsonArray().add(shot(huge)));

    JsonObject kept = screenshots.extract(List.of(browserFailure(d))).get(0).diagnostics();

    assertThat(kept.getJsonObject("screenshot").getString("omitted")).contains("512 KiB");
    assertThat(kept.getJsonArray("screenshots").getJsonObject(0).getString("omitted"))
        .contains("512 KiB");
    assertThat(store.size()).isZero();
  }

  @Test
  void whenABatchCarriesHundredsOfScreenshots_thenAtMostTheLimitsAreKept() {
    List<ProbeResult> results = new ArrayList<>();
    for (int r = 0; r < 50; r++) {
      JsonArray many = new JsonArray();
      for (int i = 0; i < 10; i++) {
        many.add(shot(base64(png(8, 8, r * 10 + i))).put("label", "s" + i));
      }
      results.add(browserFailure(new JsonObject().put("screenshots", many)));
    }

    List<ProbeResult> kept = screenshots.extract(results);

    assertThat(kept).hasSize(50);
    long referenced =
        kept.stream()
            .flatMap(p -> p.diagnostics().getJsonArray("screenshots").stream())
            .filter(o -> ((JsonObject) o).containsKey("id"))
            .count();
    assertThat(referenced).isEqualTo(Screenshots.MAX_PER_BATCH);
    JsonArray first = kept.get(0).diagnostics().getJsonArray("screenshots");
    assertThat(first.getJsonObject(Screenshots.MAX_PER_RESULT).getString("omitted"))
        .contains("per result");
    JsonArray last = kept.get(49).diagnostics().getJsonArray("screenshots");
    assertThat(last.getJsonObject(0).getString("omitted")).contains("per batch");
    assertThat(store.size()).isEqualTo(Screenshots.MAX_PER_BATCH);
  }

  @Test
  void whenAnAgentSendsAReferenceWithAPathForAnId_thenTheIdIsDropped() {
    JsonObject d =
        new JsonObject()
            .put("screenshot", new JsonObject().put("id", "../../etc/passwd").put("bytes", 3))
            .put("screenshots", new JsonObject().put("not", "a list"));

    JsonObject kept = screenshots.extract(List.of(browserFailure(d))).get(0).diagnostics();

    assertThat(kept.getJsonObject("screenshot").containsKey("id")).isFalse();
    assertThat(kept.getJsonArray("screenshots")).isEmpty();
    assertThat(kept.getString("screenshotsOmitted")).contains("not a list");
  }

  @Test
  void whenAResultHasNoScreenshot_thenItIsTheSameResult() {
    ProbeResult plain = browserFailure(new JsonObject().put("steps", new JsonArray()));
    assertThat(screenshots.extract(List.of(plain)).get(0)).isSameAs(plain);
  }

  @Test
  void whenAScreenshotIsOlderThanTheRawRetention_thenItIsGone() {
    byte[] image = png(10, 10, 3);
    String id = Screenshots.contentId(image);
    store.put(new Screenshot(id, time.now(), 10, 10, image), time.now());

    time.advance(Duration.ofDays(7));
    assertThat(store.get(id, time.now())).isNotNull();
    time.advance(Duration.ofSeconds(1));
    assertThat(store.get(id, time.now())).isNull();

    // The next write forgets it for good.
    byte[] other = png(10, 10, 4);
    store.put(new Screenshot(Screenshots.contentId(other), time.now(), 10, 10, other), time.now());
    assertThat(store.size()).isEqualTo(1);
  }

  @Test
  void whenTheImagesExceedTheCapacity_thenTheOldestGoFirst() {
    InMemoryScreenshotStore small = new InMemoryScreenshotStore(3_000, retention::get);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      byte[] image = new byte[1_000];
      image[0] = (byte) i;
      String id = Screenshots.contentId(image);
      ids.add(id);
      small.put(new Screenshot(id, time.now(), 1, 1, image), time.now());
      time.advance(Duration.ofSeconds(1));
    }

    assertThat(small.totalBytes()).isEqualTo(3_000);
    assertThat(small.get(ids.get(0), time.now())).isNull();
    assertThat(small.get(ids.get(1), time.now())).isNull();
    assertThat(small.get(ids.get(4), time.now())).isNotNull();
  }
}
