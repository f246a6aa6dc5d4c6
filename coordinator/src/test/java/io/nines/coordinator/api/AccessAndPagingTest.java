package io.nines.coordinator.api;

import static io.nines.coordinator.api.ApiFixture.error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.coordinator.CoordinatorOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Read tokens, admin tokens and paginated lists, against a real coordinator. */
@ExtendWith(VertxExtension.class)
class AccessAndPagingTest {
  static final String READ = "read-token-0123456789";
  static final String ADMIN = "admin-token-0123456789";

  final ApiFixture api = new ApiFixture();

  @AfterEach
  void stop() throws Exception {
    api.stop();
  }

  void guarded(Vertx vertx) throws Exception {
    api.start(vertx, b -> b.readTokens(Set.of(READ)).adminTokens(Set.of(ADMIN)), Set.of());
  }

  @Test
  void whenReadTokensAreSet_thenReadsNeedAReadOrAdminTokenAndTheRefusalNamesNone(Vertx vertx)
      throws Exception {
    guarded(vertx);
    String missing = error(api.get("/api/v1/services"), 401, "unauthorized");
    String wrong = error(api.get("/api/v1/services", "read-token-012345678X"), 401, "unauthorized");
    String agent = error(api.get("/api/v1/checks", ApiFixture.AGENT), 401, "unauthorized");
    assertThat(wrong).isEqualTo(missing).isEqualTo(agent).doesNotContain(READ, ADMIN);
    assertThat(api.get("/api/v1/services").getHeader("WWW-Authenticate")).isEqualTo("Bearer");

    assertThat(api.get("/api/v1/services", READ).statusCode()).isEqualTo(200);
    assertThat(api.get("/api/v1/services", ADMIN).statusCode()).isEqualTo(200);
    assertThat(api.get("/api/v1/checks?key=" + READ).statusCode()).isEqualTo(200);
    assertThat(api.get("/api/v1/maintenance?key=" + ADMIN).statusCode()).isEqualTo(200);
    error(api.get("/api/v1/checks?key=nope"), 401, "unauthorized");

    // Public: the API document, health and metrics; the status page is not behind the guard.
    assertThat(api.get("/api/v1/openapi.yaml").statusCode()).isEqualTo(200);
    assertThat(api.get("/api/docs").statusCode()).isEqualTo(200);
    assertThat(api.get("/health/ready").statusCode()).isEqualTo(200);
    assertThat(api.get("/api/v1/status").statusCode()).isNotEqualTo(401);
  }

  @Test
  void whenReadTokensAreSet_thenMetricsNeedOneToo_butHealthAndTheStatusPageStayPublic(Vertx vertx)
      throws Exception {
    guarded(vertx);

    error(api.get("/metrics"), 401, "unauthorized");
    assertThat(api.get("/metrics", READ).statusCode()).isEqualTo(200);
    assertThat(api.get("/metrics?key=" + ADMIN).statusCode()).isEqualTo(200);
    assertThat(api.get("/health/live").statusCode()).isEqualTo(200);
    assertThat(api.get("/status").statusCode()).isEqualTo(200);
  }

  /** What the coordinator logs while {@code start} runs. */
  static List<String> logOf(ThrowingRunnable start) throws Exception {
    List<String> lines = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    java.util.logging.Logger logger =
        java.util.logging.Logger.getLogger(io.nines.coordinator.Coordinator.class.getName());
    java.util.logging.Handler handler =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord r) {
            lines.add(r.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    logger.addHandler(handler);
    try {
      start.run();
    } finally {
      logger.removeHandler(handler);
    }
    return lines;
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void whenTheCoordinatorStarts_thenItsLogSaysWhetherReadsArePublic(Vertx vertx) throws Exception {
    assertThat(logOf(() -> guarded(vertx)))
        .anyMatch(l -> l.startsWith("reads of the API and /metrics need a read or admin token"))
        .anyMatch(l -> l.startsWith("changes (acknowledging incidents, maintenance windows) need"));
    ApiFixture open = new ApiFixture();
    try {
      assertThat(logOf(() -> open.start(vertx, b -> b, Set.of())))
          .anyMatch(l -> l.startsWith("reads of the API and /metrics are public"))
          .anyMatch(l -> l.contains("are open to anyone who reaches the port"));
    } finally {
      open.stop();
    }
  }

  @Test
  void whenNoReadTokensAreSet_thenReadsAndMetricsArePublic(Vertx vertx) throws Exception {
    api.start(vertx, b -> b, Set.of());

    assertThat(api.get("/api/v1/services").statusCode()).isEqualTo(200);
    assertThat(api.get("/metrics").statusCode()).isEqualTo(200);
  }

  @Test
  void whenAdminTokensAreSet_thenWritesNeedOneAndAReadTokenIsNotEnough(Vertx vertx)
      throws Exception {
    guarded(vertx);
    api.time.advance(Duration.ofMinutes(1));
    JsonObject window =
        new JsonObject()
            .put("services", new JsonArray().add("checkout"))
            .put("to", api.time.now().plus(Duration.ofHours(1)).toString());
    String message = error(api.post("/api/v1/maintenance", window, READ), 401, "unauthorized");
    assertThat(message).contains("admin token").doesNotContain(READ);
    error(api.post("/api/v1/maintenance", window, null), 401, "unauthorized");
    error(api.post("/api/v1/incidents/x/ack", new JsonObject(), READ), 401, "unauthorized");
    error(api.delete("/api/v1/maintenance/adhoc-1", READ), 401, "unauthorized");
    assertThat(api.post("/api/v1/maintenance", window, ADMIN).statusCode()).isEqualTo(201);
    // An admin token passes; the incident does not exist.
    error(api.post("/api/v1/incidents/x/ack", new JsonObject(), ADMIN), 404, "not_found");
  }

  @Test
  void whenOnlyAlertingOptionsCarryAdminTokens_thenThoseGuardEveryWrite(Vertx vertx)
      throws Exception {
    api.start(vertx, b -> b, Set.of(ADMIN));
    JsonObject window =
        new JsonObject()
            .put("services", new JsonArray().add("checkout"))
            .put("to", api.time.now().plus(Duration.ofHours(1)).toString());
    error(api.post("/api/v1/maintenance", window, null), 401, "unauthorized");
    assertThat(api.post("/api/v1/maintenance", window, ADMIN).statusCode()).isEqualTo(201);
    // Reads stay open: no read tokens.
    assertThat(api.get("/api/v1/services").statusCode()).isEqualTo(200);
  }

  @Test
  void whenTokenOptionsContradict_thenTheOptionsNameTheProblem() {
    CoordinatorOptions.Builder b =
        CoordinatorOptions.builder()
            .agentTokens(Set.of("a"))
            .fleet(ApiFixture.fleet(2))
            .meterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    assertThatThrownBy(() -> b.readTokens(Set.of(READ)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("adminTokens: [] while readTokens are set");
    assertThatThrownBy(() -> b.readTokens(Set.of(READ)).adminTokens(Set.of(READ)).build())
        .hasMessageContaining("readTokens: a token that is also an admin token");
    assertThatThrownBy(() -> b.readTokens(Set.of(" ")).adminTokens(Set.of(ADMIN)).build())
        .hasMessageContaining("readTokens: a blank token");
    assertThat(b.readTokens(Set.of(READ)).adminTokens(Set.of(ADMIN)).build().toString())
        .doesNotContain(READ, ADMIN);
  }

  /** Every item id of a list, following {@code next} from a first page of {@code limit}. */
  List<String> walk(String path, int limit) throws Exception {
    List<String> ids = new ArrayList<>();
    String sep = path.contains("?") ? "&" : "?";
    String url = path + sep + "limit=" + limit;
    for (int pages = 0; pages < 100; pages++) {
      HttpResponse<Buffer> r = api.get(url);
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      JsonObject body = r.bodyAsJsonObject();
      JsonArray items = body.getJsonArray("items");
      assertThat(items.size()).isLessThanOrEqualTo(limit);
      items.forEach(o -> ids.add(((JsonObject) o).getString("id")));
      String next = body.getString("next");
      if (next == null) {
        return ids;
      }
      assertThat(items.size()).isEqualTo(limit);
      url = path + sep + "limit=" + limit + "&cursor=" + next;
    }
    throw new AssertionError("more than 100 pages");
  }

  @Test
  void whenAListIsWalkedPageByPage_thenEveryItemComesOnceInOrder(Vertx vertx) throws Exception {
    api.start(vertx, b -> b, Set.of());
    List<String> all = new ArrayList<>(api.fleet.get().services().keySet());
    assertThat(all).hasSize(7);
    assertThat(walk("/api/v1/services", 3)).isEqualTo(all);
    assertThat(walk("/api/v1/services", 500)).isEqualTo(all);
    List<String> checks = api.fleet.get().checks().stream().map(c -> c.id()).toList();
    assertThat(walk("/api/v1/checks", 2)).isEqualTo(checks);
    assertThat(api.get("/api/v1/services").bodyAsJsonObject().getJsonArray("items")).hasSize(7);
  }

  @Test
  void whenResultsArriveBetweenPages_thenNoResultIsServedTwice(Vertx vertx) throws Exception {
    api.start(vertx, b -> b, Set.of());
    for (int i = 0; i < 9; i++) {
      api.time.advance(Duration.ofSeconds(30));
      api.result("checkout-journey", true);
    }
    String path = "/api/v1/checks/checkout-journey/results";
    JsonObject first = api.get(path + "?limit=4").bodyAsJsonObject();
    assertThat(first.getString("check")).isEqualTo("checkout-journey");
    List<String> seen = new ArrayList<>();
    first.getJsonArray("items").forEach(o -> seen.add(((JsonObject) o).getString("id")));
    // Two newer results arrive; the next page still continues after the last one served.
    api.time.advance(Duration.ofSeconds(30));
    api.result("checkout-journey", true);
    api.time.advance(Duration.ofSeconds(30));
    api.result("checkout-journey", true);
    String cursor = first.getString("next");
    while (cursor != null) {
      JsonObject page = api.get(path + "?limit=4&cursor=" + cursor).bodyAsJsonObject();
      page.getJsonArray("items").forEach(o -> seen.add(((JsonObject) o).getString("id")));
      cursor = page.getString("next");
    }
    assertThat(seen).doesNotHaveDuplicates().hasSize(9);
    assertThat(seen)
        .containsExactly("a1/9", "a1/8", "a1/7", "a1/6", "a1/5", "a1/4", "a1/3", "a1/2", "a1/1");
  }

  @Test
  void whenPaginationParametersAreBad_then400NamesTheParameterAndWhatIsAllowed(Vertx vertx)
      throws Exception {
    api.start(vertx, b -> b, Set.of());
    for (String list :
        List.of(
            "/api/v1/services",
            "/api/v1/checks",
            "/api/v1/checks/checkout-journey/results",
            "/api/v1/incidents",
            "/api/v1/notifications",
            "/api/v1/config/versions",
            "/api/v1/maintenance")) {
      for (String bad : List.of("0", "501", "ten", "-1")) {
        assertThat(error(api.get(list + "?limit=" + bad), 400, "bad_request"))
            .as(list)
            .isEqualTo(
                "limit was '" + bad + "' but it must be a whole number from 1 to 500 (default 50)");
      }
      assertThat(error(api.get(list + "?cursor=not-a-cursor"), 400, "bad_request"))
          .as(list)
          .startsWith(
              "cursor was 'not-a-cursor' but it must be the 'next' value of a previous"
                  + " page of GET "
                  + list);
    }
    // A cursor of one list is refused by another.
    String next = api.get("/api/v1/checks?limit=1").bodyAsJsonObject().getString("next");
    assertThat(error(api.get("/api/v1/services?cursor=" + next), 400, "bad_request"))
        .contains("GET /api/v1/services");
  }
}
