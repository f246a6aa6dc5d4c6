package io.nines.store.documents;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Documents} must do (its Javadoc, and what the alerting stores, maintenance and
 * configuration history rely on); one subclass per implementation.
 */
abstract class DocumentsContract {
  Documents documents;
  final ExecutorService threads = Executors.newFixedThreadPool(8);

  /** An empty collection; called before every test. */
  abstract Documents newDocuments() throws Exception;

  @BeforeEach
  void setUp() throws Exception {
    documents = newDocuments();
  }

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  <T> List<T> atOnce(List<Callable<T>> calls) throws Exception {
    List<Future<T>> started = new ArrayList<>();
    for (Callable<T> c : calls) {
      started.add(threads.submit(c));
    }
    List<T> out = new ArrayList<>();
    for (Future<T> f : started) {
      out.add(f.get(20, TimeUnit.SECONDS));
    }
    return out;
  }

  @Test
  void whenNothingWasStored_thenGetIsNullAndAllIsEmpty() {
    assertThat(documents.get("nope")).isNull();
    assertThat(documents.all()).isEmpty();
  }

  @Test
  void whenPut_thenGetAndAllAnswerItAndAnotherPutReplacesIt() {
    documents.put("a", "{\"v\":1}");
    documents.put("b", "{\"v\":2}");
    documents.put("a", "{\"v\":3}");

    assertThat(documents.get("a")).isEqualTo("{\"v\":3}");
    assertThat(documents.all()).isEqualTo(Map.of("a", "{\"v\":3}", "b", "{\"v\":2}"));
  }

  @Test
  void whenPutIfAbsent_thenOnlyTheFirstIsStoredUntilItIsRemoved() {
    assertThat(documents.putIfAbsent("k", "{\"first\":true}")).isTrue();
    assertThat(documents.putIfAbsent("k", "{\"second\":true}")).isFalse();
    assertThat(documents.get("k")).isEqualTo("{\"first\":true}");

    documents.remove("k");
    assertThat(documents.putIfAbsent("k", "{\"third\":true}")).isTrue();
    assertThat(documents.get("k")).isEqualTo("{\"third\":true}");
  }

  @Test
  void whenRemoved_thenGoneAndRemovingWhatIsNotThereChangesNothing() {
    documents.put("a", "{}");
    documents.put("b", "{}");

    documents.remove("a");
    documents.remove("never");

    assertThat(documents.get("a")).isNull();
    assertThat(documents.all()).containsOnlyKeys("b");
  }

  @Test
  void whenKeysAndBodiesHoldAnyText_thenTheyComeBackExactly() {
    String key = "svc@1712750400/page/shop/email \"quoted\" é ☃";
    String body =
        "{\"text\":\"checkout is DOWN: status was 503 ✗ — ünïcode, 'quotes', \\\"escapes\\\"\","
            + "\"pad\":\""
            + "x".repeat(20_000)
            + "\"}";

    documents.put(key, body);

    assertThat(documents.get(key)).isEqualTo(body);
    assertThat(documents.all()).isEqualTo(Map.of(key, body));
  }

  @Test
  void whenManyPutIfAbsentOneKeyAtOnce_thenExactlyOneWinsAndItsDocumentStays() throws Exception {
    List<Callable<Boolean>> calls = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String body = "{\"writer\":" + i + "}";
      calls.add(() -> documents.putIfAbsent("race", body));
    }

    List<Boolean> won = atOnce(calls);

    assertThat(won).containsOnlyOnce(true);
    assertThat(documents.get("race")).isEqualTo("{\"writer\":" + won.indexOf(true) + "}");
  }

  @Test
  void whenManyWritersPutDifferentKeysAtOnce_thenEveryDocumentIsThere() throws Exception {
    List<Callable<Void>> calls = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String key = "k" + i;
      calls.add(
          () -> {
            documents.put(key, "{\"n\":0}");
            documents.put(key, "{\"n\":1}");
            return null;
          });
    }

    atOnce(calls);

    assertThat(documents.all())
        .hasSize(40)
        .allSatisfy((k, v) -> assertThat(v).isEqualTo("{\"n\":1}"));
  }
}
