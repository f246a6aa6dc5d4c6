package io.nines.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link MetricsEndpoint}: off the event loop, one render at a time, bounded. */
class MetricsEndpointTest {
  private Vertx vertx;
  private MetricsEndpoint endpoint;
  private final HttpClient http = HttpClient.newHttpClient();
  private final CountDownLatch renderStarted = new CountDownLatch(1);
  private final CountDownLatch releaseRender = new CountDownLatch(1);
  private final AtomicInteger renders = new AtomicInteger();
  private final AtomicInteger requests = new AtomicInteger();
  private final CompletableFuture<Thread> renderThread = new CompletableFuture<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    releaseRender.countDown();
    if (endpoint != null) {
      endpoint.close();
    }
    join(vertx.close());
  }

  /** A render that does not end until the test releases it (bounded, for safety). */
  private String slowPage() throws InterruptedException {
    renders.incrementAndGet();
    renderThread.complete(Thread.currentThread());
    assertThat(Context.isOnEventLoopThread()).as("rendering on an event loop").isFalse();
    renderStarted.countDown();
    releaseRender.await(20, TimeUnit.SECONDS);
    return "page " + renders.get() + "\n";
  }

  private int serve(Callable<String> render, Duration timeout) throws Exception {
    endpoint = new MetricsEndpoint(vertx, render, timeout);
    Endpoints endpoints =
        new Endpoints(
            request -> {
              requests.incrementAndGet();
              endpoint.handle(request);
            },
            JsonObject::new);
    return join(vertx.createHttpServer().requestHandler(endpoints).listen(0, "127.0.0.1"))
        .actualPort();
  }

  private CompletableFuture<HttpResponse<String>> get(int port, String path) {
    return http.sendAsync(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(20))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static <T> T join(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void whenARenderIsSlow_thenItRunsOnTheMetricsWorkerAndTheLoopAnswersOtherRequests()
      throws Exception {
    int port = serve(this::slowPage, Duration.ofSeconds(20));
    CompletableFuture<HttpResponse<String>> metrics = get(port, "/metrics");
    assertThat(renderStarted.await(10, TimeUnit.SECONDS)).isTrue();

    HttpResponse<String> live = get(port, "/health/live").get(10, TimeUnit.SECONDS);
    releaseRender.countDown();

    assertThat(live.body()).isEqualTo("{\"status\":\"UP\"}");
    assertThat(renderThread.get(1, TimeUnit.SECONDS).getName())
        .startsWith(MetricsEndpoint.THREAD_NAME);
    HttpResponse<String> page = metrics.get(20, TimeUnit.SECONDS);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue(MetricsEndpoint.CONTENT_TYPE);
    assertThat(page.body()).isEqualTo("page 1\n");
  }

  @Test
  void whenScrapesOverlap_thenOneRenderAnswersThemAll() throws Exception {
    int port = serve(this::slowPage, Duration.ofSeconds(20));
    CompletableFuture<HttpResponse<String>> first = get(port, "/metrics");
    assertThat(renderStarted.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<HttpResponse<String>> second = get(port, "/metrics");
    CompletableFuture<HttpResponse<String>> third = get(port, "/metrics");
    await().atMost(Duration.ofSeconds(10)).until(() -> requests.get() == 3);
    releaseRender.countDown();

    assertThat(first.get(20, TimeUnit.SECONDS).body()).isEqualTo("page 1\n");
    assertThat(second.get(20, TimeUnit.SECONDS).body()).isEqualTo("page 1\n");
    assertThat(third.get(20, TimeUnit.SECONDS).body()).isEqualTo("page 1\n");
    assertThat(renders).hasValue(1);

    // The render has ended: the next scrape renders afresh.
    assertThat(get(port, "/metrics").get(20, TimeUnit.SECONDS).body()).isEqualTo("page 2\n");
  }

  @Test
  void whenARenderOutlivesTheBound_thenTheRequestIsAnswered503AndNothingQueuesBehindIt()
      throws Exception {
    int port = serve(this::slowPage, Duration.ofMillis(200));

    HttpResponse<String> first = get(port, "/metrics").get(10, TimeUnit.SECONDS);
    HttpResponse<String> second = get(port, "/metrics").get(10, TimeUnit.SECONDS);

    assertThat(first.statusCode()).isEqualTo(503);
    assertThat(first.body())
        .contains("the scrape took longer than 200 ms and is still running")
        .doesNotContain("Exception");
    assertThat(first.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(second.statusCode()).isEqualTo(503);
    assertThat(renders).as("renders started").hasValue(1);
  }

  @Test
  void whenARenderFails_thenTheRequestIsAnswered500WithoutAStackTrace() throws Exception {
    int port =
        serve(
            () -> {
              throw new IllegalStateException("meter gone");
            },
            Duration.ofSeconds(10));

    HttpResponse<String> page = get(port, "/metrics").get(10, TimeUnit.SECONDS);

    assertThat(page.statusCode()).isEqualTo(500);
    assertThat(page.body())
        .isEqualTo(
            "metrics: the scrape failed (java.lang.IllegalStateException: meter gone); see the"
                + " agent's log\n");
  }

  @Test
  void whenTheBoundIsNotPositive_thenTheEndpointRefusesIt() {
    assertThatThrownBy(() -> new MetricsEndpoint(vertx, () -> "", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("metrics timeout: PT0S (expected: > 0, e.g. PT10S)");
  }
}
