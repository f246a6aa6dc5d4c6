package io.nines.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link Endpoints}: the agent's three paths on a plain HTTP server, and nothing else. */
class EndpointsTest {
  private Vertx vertx;
  private int port;
  private final AtomicInteger scrapes = new AtomicInteger();
  private final AtomicInteger checks = new AtomicInteger(3);
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    Endpoints endpoints =
        new Endpoints(
            request -> {
              scrapes.incrementAndGet();
              request.response().putHeader("Content-Type", "text/plain").end("page\n");
            },
            () -> new JsonObject().put("status", "UP").put("checks", checks.get()));
    port =
        join(vertx.createHttpServer().requestHandler(endpoints).listen(0, "127.0.0.1"))
            .actualPort();
  }

  @AfterEach
  void stop() throws Exception {
    join(vertx.close());
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static <T> T join(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void whenMetricsIsAsked_thenTheMetricsHandlerAnswers() throws Exception {
    HttpResponse<String> page = send("GET", "/metrics");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).isEqualTo("page\n");
    assertThat(scrapes).hasValue(1);
  }

  @Test
  void whenHealthIsAsked_thenLiveIsUpAndReadyIsBuiltAtEachRequest() throws Exception {
    HttpResponse<String> live = send("GET", "/health/live");
    HttpResponse<String> ready = send("GET", "/health/ready");
    checks.set(5);
    HttpResponse<String> later = send("GET", "/health/ready");

    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(new JsonObject(live.body())).isEqualTo(new JsonObject().put("status", "UP"));
    assertThat(new JsonObject(ready.body()).getInteger("checks")).isEqualTo(3);
    assertThat(new JsonObject(later.body()).getInteger("checks")).isEqualTo(5);
  }

  @Test
  void whenAnotherPathIsAsked_thenItIs404NamingThePathsServed() throws Exception {
    HttpResponse<String> answer = send("GET", "/api/v1/checks");

    assertThat(answer.statusCode()).isEqualTo(404);
    assertThat(answer.body())
        .contains("/api/v1/checks")
        .contains("/metrics")
        .contains("/health/live")
        .contains("/health/ready");
    assertThat(scrapes).hasValue(0);
  }

  @Test
  void whenAnEndpointIsPosted_thenItIs405AllowingGet() throws Exception {
    HttpResponse<String> answer = send("POST", "/metrics");

    assertThat(answer.statusCode()).isEqualTo(405);
    assertThat(answer.headers().firstValue("Allow")).hasValue("GET");
    assertThat(answer.body()).contains("POST /metrics");
    assertThat(scrapes).hasValue(0);
  }
}
