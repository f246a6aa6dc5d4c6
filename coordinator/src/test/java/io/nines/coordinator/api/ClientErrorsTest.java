package io.nines.coordinator.api;

import static io.nines.coordinator.api.ApiFixture.error;
import static org.assertj.core.api.Assertions.assertThat;

import io.nines.common.ProbeResult;
import io.nines.common.ResultBatch;
import io.nines.store.testing.TestFleets;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every answer a client can cause is a JSON error with a 4xx that names what was wrong: the HTTP
 * layer's own refusals, windows and months out of range, and heartbeats of the wrong shape.
 */
@ExtendWith(VertxExtension.class)
class ClientErrorsTest {
  final ApiFixture api = new ApiFixture();

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    api.start(vertx, b -> b, Set.of());
  }

  @AfterEach
  void stop() throws Exception {
    api.stop();
  }

  /** Status line, headers and body of a raw HTTP exchange, read until the server closes. */
  record Raw(int status, String head, String body) {}

  Raw raw(String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", api.port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) > 0) {
        all.write(buf, 0, n);
      }
      String text = all.toString(StandardCharsets.UTF_8);
      int split = text.indexOf("\r\n\r\n");
      String head = text.substring(0, split);
      return new Raw(Integer.parseInt(head.substring(9, 12)), head, text.substring(split + 4));
    }
  }

  static void assertJsonError(Raw r, int status, String error) {
    assertThat(r.status()).as(r.head()).isEqualTo(status);
    assertThat(r.head().toLowerCase()).contains("content-type: application/json");
    JsonObject body = new JsonObject(r.body());
    assertThat(body.fieldNames()).containsExactlyInAnyOrder("error", "message");
    assertThat(body.getString("error")).isEqualTo(error);
    assertThat(body.getString("message")).isNotBlank().doesNotContain("Exception", "class ");
  }

  @Test
  void whenAWindowStartsInTheDistantPast_then400NamesTheParameter() throws Exception {
    String far = "-1000000000-01-01T00:00:00Z";
    for (String path :
        List.of(
            "/api/v1/services/checkout/availability?from=" + far,
            "/api/v1/services/checkout/timeline?from=" + far,
            "/api/v1/services/checkout/latency?from=" + far,
            "/api/v1/services/checkout/changes?from=" + far)) {
      assertThat(error(api.get(path), 400, "bad_request"))
          .as(path)
          .startsWith("from was '" + far + "' but it must be an instant from 1970-01-01T00:00:00Z");
    }
    assertThat(
            error(
                api.get("/api/v1/services/checkout/availability?to=+1000000000-01-01T00:00:00Z"),
                400,
                "bad_request"))
        .startsWith("to was");
  }

  @Test
  void whenAMonthIsBeforeTheEpoch_then400NamesTheParameter() throws Exception {
    assertThat(error(api.get("/api/v1/reports/monthly?month=0000-01"), 400, "bad_request"))
        .isEqualTo("month was '0000-01' but it must be 1970-01 or later");
  }

  @Test
  void whenTheRequestLineIsTooLong_then414AsJson() throws Exception {
    Raw r =
        raw("GET /api/v1/services?cursor=" + "x".repeat(10_000) + " HTTP/1.1\r\nHost: a\r\n\r\n");
    assertJsonError(r, 414, "uri_too_long");
  }

  @Test
  void whenAHeaderIsTooLarge_then431AsJson() throws Exception {
    Raw r = raw("GET /health/live HTTP/1.1\r\nHost: a\r\nX-Big: " + "y".repeat(9000) + "\r\n\r\n");
    assertJsonError(r, 431, "headers_too_large");
  }

  @Test
  void whenTheHttpVersionIsUnknown_then400AsJson() throws Exception {
    Raw r = raw("GET /health/live HTTP/9.9\r\nHost: a\r\n\r\n");
    assertJsonError(r, 400, "bad_request");
  }

  @Test
  void whenTheRequestIsNotHttp_then400AsJson() throws Exception {
    Raw r = raw("\u0001\u0002 nonsense\r\n\r\n");
    assertThat(r.status()).isBetween(400, 499);
    assertJsonError(r, r.status(), r.status() == 400 ? "bad_request" : "uri_too_long");
  }

  HttpResponse<Buffer> heartbeat(String body) throws Exception {
    return ApiFixture.await(
        api.request(HttpMethod.POST, "/api/v1/agents/heartbeat", ApiFixture.AGENT)
            .putHeader("Content-Type", "application/json")
            .sendBuffer(Buffer.buffer(body)));
  }

  @Test
  void whenAHeartbeatHasTheWrongShape_then400NamesTheFieldAndNoJavaClass() throws Exception {
    String ok = "\"id\":\"a1\",\"location\":\"eu\"";
    assertThat(error(heartbeat("[]"), 400, "bad_request")).contains("JSON but not an object");
    assertThat(error(heartbeat("\"x\""), 400, "bad_request")).contains("JSON but not an object");
    assertThat(error(heartbeat("123"), 400, "bad_request")).contains("JSON but not an object");
    assertThat(error(heartbeat("{"), 400, "bad_request")).contains("not JSON");
    assertThat(error(heartbeat("{" + ok + ",\"capacity\":\"lots\"}"), 400, "bad_request"))
        .isEqualTo("agent.capacity was 'lots' but it must be a whole number from 1 to 1000000");
    assertThat(error(heartbeat("{" + ok + ",\"inFlight\":-5}"), 400, "bad_request"))
        .startsWith("agent.inFlight was '-5' but it must be a whole number from 0 to");
    assertThat(error(heartbeat("{" + ok + ",\"buffered\":1.5}"), 400, "bad_request"))
        .startsWith("agent.buffered was '1.5' but it must be a whole number");
    assertThat(error(heartbeat("{" + ok + ",\"host\":[]}"), 400, "bad_request"))
        .isEqualTo("agent.host was an array but it must be a string");
    assertThat(heartbeat("{" + ok + ",\"capacity\":10,\"inFlight\":0}").statusCode())
        .isEqualTo(200);
  }

  HttpResponse<Buffer> results(JsonObject result) throws Exception {
    JsonObject batch = new JsonObject().put("agent", "a1").put("results", List.of(result));
    return api.post("/api/v1/results", batch, ApiFixture.AGENT);
  }

  @Test
  void whenAResultsNumberIsAFractionOrTooLarge_then400NamesTheField() throws Exception {
    ProbeResult r = TestFleets.ok("a1", 1, "checkout-api", "eu", ApiFixture.T0);
    JsonObject json =
        new ResultBatch("a1", List.of(r)).toJson().getJsonArray("results").getJsonObject(0);

    assertThat(error(results(json.copy().put("seq", 1.5)), 400, "bad_request"))
        .isEqualTo("results[0].seq was '1.5' but it must be a whole number of at least 1");
    assertThat(error(results(json.copy().put("attempts", 4_294_967_297L)), 400, "bad_request"))
        .isEqualTo(
            "results[0].attempts was '4294967297' but it must be a whole number from 1 to"
                + " 2147483647");
    assertThat(results(json).statusCode()).isEqualTo(200);
  }

  @Test
  void whenAClientGoesAwayMidRequest_thenNothingIsLoggedAsSevere() throws Exception {
    List<LogRecord> severe = new ArrayList<>();
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
              synchronized (severe) {
                severe.add(record);
              }
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger root = Logger.getLogger("");
    root.addHandler(handler);
    try {
      for (int i = 0; i < 5; i++) {
        try (Socket s = new Socket("127.0.0.1", api.port)) {
          s.getOutputStream()
              .write(
                  ("POST /api/v1/results HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer "
                          + ApiFixture.AGENT
                          + "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
                          + "{\"agent\":\"a1\",\"results\":[")
                      .getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
          s.setSoLinger(true, 0);
        }
      }
      // The server is still there, and by now has seen every close.
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(5))
          .until(() -> api.get("/health/live").statusCode() == 200);
    } finally {
      root.removeHandler(handler);
    }
    synchronized (severe) {
      assertThat(severe).extracting(LogRecord::getMessage).isEmpty();
    }
  }
}
