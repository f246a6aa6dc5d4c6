package io.nines.coordinator.api;

import static io.nines.store.testing.TestFleets.fail;
import static io.nines.store.testing.TestFleets.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.availability.report.MonthlyCsv;
import io.nines.common.ProbeResult;
import io.nines.common.ResultBatch;
import io.nines.common.testing.ManualTimeSource;
import io.nines.config.DownWhen;
import io.nines.config.Fleet;
import io.nines.config.MaintenanceWindow;
import io.nines.config.Service;
import io.nines.config.Tier;
import io.nines.coordinator.Coordinator;
import io.nines.coordinator.CoordinatorOptions;
import io.nines.store.testing.TestFleets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dashboard's endpoints against a real coordinator on port 0, with results posted through the
 * real ingest endpoint and a manual clock.
 */
@ExtendWith(VertxExtension.class)
class DashboardRoutesTest {
  static final String TOKEN = "agent-token-0123456789";
  static final Instant T0 = Instant.parse("2026-04-10T00:00:00Z");

  final ManualTimeSource time = new ManualTimeSource(T0);
  final Fleet fleet = withDependencies(baseFleet());
  Vertx vertx;
  Coordinator coordinator;
  WebClient client;
  int port;
  HttpServer fakeShop;
  final List<JsonObject> shopGot = new ArrayList<>();

  static Fleet baseFleet() {
    return TestFleets.fleet()
        .service("checkout", Tier.CRITICAL)
        .service("payments", Tier.CRITICAL)
        .service("catalog", Tier.IMPORTANT)
        .check(
            "checkout-journey",
            "checkout",
            Duration.ofSeconds(30),
            List.of("eu", "us", "ap"),
            new DownWhen(2))
        .check("catalog-home", "catalog", Duration.ofSeconds(60), List.of("eu"), DownWhen.MAJORITY)
        .maintenance(
            "catalog-upgrade",
            List.of("catalog"),
            new MaintenanceWindow.Once(T0.plusSeconds(600), T0.plusSeconds(2400)))
        .build();
  }

  /** Checkout depends on payments and catalog, with a runbook. */
  static Fleet withDependencies(Fleet f) {
    Map<String, Service> services = new LinkedHashMap<>(f.services());
    Service c = services.get("checkout");
    services.put(
        "checkout",
        new Service(
            c.id(),
            "Checkout",
            c.tier(),
            c.targetPercent(),
            List.of("payments-team"),
            List.of("payments", "catalog"),
            "https://runbooks.example/checkout"));
    return new Fleet(
        f.version(),
        f.locations(),
        f.teams(),
        services,
        f.checks(),
        f.maintenance(),
        f.settings(),
        f.vars(),
        f.warnings());
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    this.vertx = vertx;
    client = WebClient.create(vertx);
  }

  void startCoordinator(String demoShopUrl) throws Exception {
    AtomicReference<Fleet> current = new AtomicReference<>(fleet);
    coordinator =
        new Coordinator(
            CoordinatorOptions.builder()
                .port(0)
                .agentTokens(Set.of(TOKEN))
                .fleet(current::get)
                .timeSource(time)
                .meterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                .demoShopUrl(demoShopUrl)
                .build());
    port = await(coordinator.start(vertx));
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    if (coordinator != null) {
      await(coordinator.stop());
    }
    if (fakeShop != null) {
      await(fakeShop.close());
    }
  }

  /**
   * An hour of checkout from three locations every 30 s (eu and us fail from minute 20 to 30, so
   * checkout is DOWN for 600 s) and of catalog from eu every 60 s; then the clock is at T0 + 1 h.
   */
  void postAnHour() throws Exception {
    time.advance(Duration.ofHours(1));
    for (String location : List.of("eu", "us", "ap")) {
      List<ProbeResult> results = new ArrayList<>();
      long seq = 1;
      String agent = "agent-" + location;
      for (int s = 0; s < 3600; s += 30) {
        boolean failing = s >= 1200 && s < 1800 && !location.equals("ap");
        Instant at = T0.plusSeconds(s);
        ProbeResult r =
            failing
                ? fail(agent, seq++, "checkout-journey", location, at)
                : ok(agent, seq++, "checkout-journey", location, at);
        results.add(
            new ProbeResult(
                r.agentId(),
                r.sequence(),
                r.checkId(),
                r.location(),
                r.startedAt(),
                100 + s / 30,
                r.ok(),
                r.failure(),
                1,
                Map.of(),
                null));
        if (location.equals("eu") && s % 60 == 0) {
          results.add(ok(agent, seq++, "catalog-home", "eu", at));
        }
      }
      HttpResponse<Buffer> r =
          await(
              client
                  .post(port, "127.0.0.1", "/api/v1/results")
                  .putHeader("Authorization", "Bearer " + TOKEN)
                  .sendJsonObject(new ResultBatch(agent, results).toJson()));
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      assertThat(r.bodyAsJsonObject().getInteger("accepted")).isEqualTo(results.size());
    }
  }

  HttpResponse<Buffer> get(String path) throws Exception {
    return await(client.get(port, "127.0.0.1", path).send());
  }

  JsonObject json(String path) throws Exception {
    HttpResponse<Buffer> r = get(path);
    assertThat(r.statusCode()).as(path + ": " + r.bodyAsString()).isEqualTo(200);
    assertThat(r.getHeader("content-type")).startsWith("application/json");
    return r.bodyAsJsonObject();
  }

  static void assertError(HttpResponse<Buffer> r, int status, String error, String mentions) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    JsonObject body = r.bodyAsJsonObject();
    assertThat(body.fieldNames()).containsExactlyInAnyOrder("error", "message");
    assertThat(body.getString("error")).isEqualTo(error);
    assertThat(body.getString("message")).contains(mentions).doesNotContain("Exception");
  }

  @Test
  void whenChecksFailForTenMinutes_thenTheTimelineHasTheDownIntervalTheOutageAndMaintenance()
      throws Exception {
    startCoordinator(null);
    postAnHour();

    JsonObject t =
        json(
            "/api/v1/services/checkout/timeline?from=2026-04-10T00:00:00Z&to=2026-04-10T01:00:00Z");
    JsonObject c =
        json("/api/v1/services/catalog/timeline?from=2026-04-10T00:00:00Z&to=2026-04-10T00:30:00Z");

    assertThat(t.getString("from")).isEqualTo("2026-04-10T00:00:00Z");
    JsonArray intervals = t.getJsonArray("intervals");
    assertThat(intervals.getJsonObject(0).getString("start")).isEqualTo("2026-04-10T00:00:00Z");
    assertThat(intervals.getJsonObject(intervals.size() - 1).getString("end"))
        .isEqualTo("2026-04-10T01:00:00Z");
    assertThat(intervals.stream().map(JsonObject.class::cast))
        .anySatisfy(
            iv -> {
              assertThat(iv.getString("state")).isEqualTo("DOWN");
              assertThat(iv.getString("start")).isEqualTo("2026-04-10T00:20:00Z");
              assertThat(iv.getString("end")).isEqualTo("2026-04-10T00:30:00Z");
            });
    assertThat(t.getJsonArray("outages")).hasSize(1);
    assertThat(t.getJsonArray("maintenance")).isEmpty();
    // Maintenance is clipped to the window asked for.
    assertThat(c.getJsonArray("maintenance").getJsonObject(0).getString("end"))
        .isEqualTo("2026-04-10T00:30:00Z");
    assertThat(c.getJsonArray("maintenance").getJsonObject(0).getDouble("seconds"))
        .isEqualTo(1200.0);
  }

  @Test
  void whenDailyIsAskedForThreeDays_thenEachUtcDayHasAvailabilityDowntimeAndOutages()
      throws Exception {
    startCoordinator(null);
    postAnHour();

    JsonArray days = json("/api/v1/services/checkout/daily?days=3").getJsonArray("days");

    assertThat(days).hasSize(3);
    assertThat(days.getJsonObject(0).getString("date")).isEqualTo("2026-04-08");
    assertThat(days.getJsonObject(0).getBoolean("noData")).isTrue();
    JsonObject today = days.getJsonObject(2);
    assertThat(today.getString("date")).isEqualTo("2026-04-10");
    assertThat(today.getString("to")).isEqualTo("2026-04-10T01:00:00Z");
    assertThat(today.getInteger("outages")).isEqualTo(1);
    assertThat(today.getDouble("downSeconds")).isEqualTo(600.0);
    assertThat(today.getDouble("availability")).isCloseTo(5.0 / 6, within(1e-9));
    assertThat(today.getBoolean("noData")).isFalse();
    assertError(get("/api/v1/services/checkout/daily?days=0"), 400, "bad_request", "days");
    assertError(get("/api/v1/services/nope/daily"), 404, "not_found", "nope");
  }

  @Test
  void whenLatencyHasMoreResultsThanPoints_thenEachLocationIsDownsampledKeepingFailures()
      throws Exception {
    startCoordinator(null);
    postAnHour();

    JsonObject all = json("/api/v1/services/checkout/latency?from=2026-04-10T00:00:00Z");
    JsonObject few = json("/api/v1/services/checkout/latency?from=2026-04-10T00:00:00Z&points=12");

    JsonArray series = all.getJsonArray("series");
    assertThat(series.stream().map(o -> ((JsonObject) o).getString("location")))
        .containsExactly("eu", "us", "ap");
    JsonArray eu = series.getJsonObject(0).getJsonArray("points");
    assertThat(eu).hasSize(120);
    assertThat(eu.getJsonArray(0).getString(0)).isEqualTo("2026-04-10T00:00:00Z");
    assertThat(eu.getJsonArray(0).getLong(1)).isEqualTo(100L);
    JsonArray euFew = few.getJsonArray("series").getJsonObject(0).getJsonArray("points");
    assertThat(euFew).hasSize(12);
    // The slowest of each 5-minute slice; slices 4 and 5 (minutes 20-30) held failures.
    assertThat(euFew.getJsonArray(0).getLong(1)).isEqualTo(109L);
    assertThat(euFew.stream().map(p -> ((JsonArray) p).getBoolean(2)))
        .containsExactly(true, true, true, true, false, false, true, true, true, true, true, true);
    assertError(
        get("/api/v1/services/checkout/latency?from=yesterday"), 400, "bad_request", "ISO-8601");
  }

  @Test
  void whenAServiceIsAskedFor_thenItsDependenciesBothWaysChecksRunbookAndBudgetAreThere()
      throws Exception {
    startCoordinator(null);
    postAnHour();

    JsonObject checkout = json("/api/v1/services/checkout");
    JsonObject payments = json("/api/v1/services/payments");

    assertThat(checkout.getString("name")).isEqualTo("Checkout");
    assertThat(checkout.getString("state")).isEqualTo("UP");
    assertThat(checkout.getDouble("target")).isEqualTo(99.99);
    assertThat(checkout.getString("runbook")).isEqualTo("https://runbooks.example/checkout");
    assertThat(
            checkout.getJsonArray("dependsOn").stream().map(o -> ((JsonObject) o).getString("id")))
        .containsExactly("payments", "catalog");
    assertThat(checkout.getJsonArray("dependents")).isEmpty();
    assertThat(payments.getJsonArray("dependents").getJsonObject(0).getString("id"))
        .isEqualTo("checkout");
    JsonObject check = checkout.getJsonArray("checks").getJsonObject(0);
    assertThat(check.getString("id")).isEqualTo("checkout-journey");
    assertThat(check.getString("state")).isEqualTo("UP");
    JsonObject budget = checkout.getJsonObject("budget");
    assertThat(budget.getString("month")).isEqualTo("2026-04");
    assertThat(budget.getDouble("spentSeconds")).isEqualTo(600.0);
    // Pro-rated to the 21 days from the configuration's first application (T0) to the month's end;
    // the whole month's 259.2 s counted nine days before the service existed.
    assertThat(budget.getDouble("allowedSeconds")).isEqualTo(181.44);
    assertThat(budget.getDouble("leftSeconds")).isEqualTo(-418.56);
  }

  @Test
  void whenRiskIsAskedFor_thenServicesSitOnTheGridByOutagesAndTier() throws Exception {
    startCoordinator(null);
    postAnHour();

    JsonObject risk = json("/api/v1/risk");

    JsonArray grid = risk.getJsonArray("grid");
    assertThat(grid).hasSize(5);
    assertThat(grid.getJsonObject(0).getString("likelihood")).isEqualTo("A");
    assertThat(grid.getJsonObject(0).getJsonArray("cells")).hasSize(5);
    assertThat(grid.getJsonObject(0).getJsonArray("cells").getJsonObject(4).getInteger("rating"))
        .isEqualTo(25);
    Map<String, JsonObject> byId = new LinkedHashMap<>();
    risk.getJsonArray("services")
        .forEach(o -> byId.put(((JsonObject) o).getString("id"), (JsonObject) o));
    JsonObject checkout = byId.get("checkout");
    assertThat(checkout.getInteger("outages")).isEqualTo(1);
    // One outage in the hour observed: counted over 30 days (the floor), once a month is
    // "possible"; over 90 days, most of them before the service existed, it read "unlikely".
    assertThat(checkout.getString("likelihood")).isEqualTo("C");
    assertThat(checkout.getInteger("consequence")).isEqualTo(5);
    assertThat(checkout.getInteger("rating")).isEqualTo(22);
    assertThat(checkout.getString("level")).isEqualTo("HIGH");
    // Maintenance is not an outage.
    assertThat(byId.get("catalog").getString("likelihood")).isEqualTo("E");
    assertThat(byId.get("catalog").getInteger("consequence")).isEqualTo(3);
  }

  @Test
  void whenTheMonthlyReportIsAskedFor_thenJsonAndCsvAgreeAndABadMonthNamesTheFormat()
      throws Exception {
    startCoordinator(null);
    postAnHour();

    JsonObject report = json("/api/v1/reports/monthly?month=2026-04");
    HttpResponse<Buffer> csv = get("/api/v1/reports/monthly?month=2026-04&format=csv");

    assertThat(report.getString("to")).isEqualTo("2026-04-10T01:00:00Z");
    assertThat(report.getBoolean("complete")).isFalse();
    JsonObject checkout = report.getJsonArray("services").getJsonObject(0);
    assertThat(checkout.getString("id")).isEqualTo("checkout");
    assertThat(checkout.getDouble("downSeconds")).isEqualTo(600.0);
    assertThat(checkout.getBoolean("met")).isFalse();
    assertThat(checkout.getInteger("outageCount")).isEqualTo(1);
    JsonObject catalog = report.getJsonArray("services").getJsonObject(2);
    assertThat(catalog.getDouble("maintenanceSeconds")).isEqualTo(1800.0);
    assertThat(catalog.getDouble("availabilityExcludingMaintenance")).isEqualTo(1.0);
    assertThat(catalog.getBoolean("metExcludingMaintenance")).isTrue();

    assertThat(csv.statusCode()).isEqualTo(200);
    assertThat(csv.getHeader("content-type")).startsWith("text/csv");
    assertThat(csv.getHeader("content-disposition")).contains("nines-report-2026-04.csv");
    String[] lines = csv.bodyAsString().split("\r\n");
    assertThat(lines).hasSize(4);
    assertThat(lines[0]).isEqualTo(String.join(",", MonthlyCsv.COLUMNS));
    String[] row = lines[1].split(",");
    assertThat(row).hasSize(12);
    assertThat(List.of(row).subList(0, 4))
        .containsExactly("checkout", "Checkout", "critical", "99.99");
    // Over the hour observed since the configuration's first application, not since 1 April.
    assertThat(Double.parseDouble(row[4])).isCloseTo(100 * (1 - 600.0 / 3600), within(1e-4));
    assertThat(Double.parseDouble(row[11])).isCloseTo(3600.0 / 781200, within(1e-6));
    assertThat(List.of(row).subList(6, 11)).containsExactly("600", "0", row[4], "false", "1");

    assertError(
        get("/api/v1/reports/monthly?month=April"), 400, "bad_request", "YYYY-MM, such as 2026-04");
    assertError(get("/api/v1/reports/monthly?month=2026-05"), 400, "bad_request", "2026-04");
    assertError(
        get("/api/v1/reports/monthly?month=2026-04&format=xml"), 400, "bad_request", "json or csv");
  }

  @Test
  void whenThePublicStatusIsAskedFor_thenItShowsNamesStatesAndDaysButNothingInternal()
      throws Exception {
    startCoordinator(null);
    postAnHour();

    JsonObject status = json("/api/v1/status");

    String text = status.encode();
    assertThat(text)
        .doesNotContain("checkout-journey", "catalog-home", "\"eu\"", "runbook", "status was")
        .doesNotContain("\"id\"", "owners", "http");
    JsonObject checkout = status.getJsonArray("services").getJsonObject(0);
    assertThat(checkout.fieldNames())
        .containsExactlyInAnyOrder(
            "name",
            "state",
            "inMaintenance",
            "availability",
            "windowSeconds",
            "observedSeconds",
            "coverage",
            "noData",
            "days");
    assertThat(checkout.getString("name")).isEqualTo("Checkout");
    JsonArray days = checkout.getJsonArray("days");
    assertThat(days).hasSize(90);
    assertThat(days.getJsonObject(89).getDouble("availability")).isCloseTo(5.0 / 6, within(1e-9));
    assertThat(days.getJsonObject(89).fieldNames())
        .containsExactlyInAnyOrder(
            "date",
            "availability",
            "availabilityExcludingMaintenance",
            "maintenance",
            "coverage",
            "noData");
  }

  @Test
  void whenAnEventStreamOpens_thenAServicesSnapshotArrivesAtOnce() throws Exception {
    startCoordinator(null);
    postAnHour();
    HttpClient http = vertx.createHttpClient();
    CompletableFuture<String> first = new CompletableFuture<>();
    StringBuilder got = new StringBuilder();
    HttpClientResponse response =
        await(
            http.request(HttpMethod.GET, port, "127.0.0.1", "/api/v1/events")
                .compose(req -> req.send()));
    response.handler(
        b -> {
          got.append(b.toString());
          int end = got.indexOf("\n\n", got.indexOf("event: services"));
          if (got.indexOf("event: services") >= 0 && end > 0) {
            first.complete(got.substring(got.indexOf("event: services"), end));
          }
        });

    String event = first.get(10, TimeUnit.SECONDS);

    assertThat(response.getHeader("content-type")).startsWith("text/event-stream");
    JsonObject data = new JsonObject(event.substring(event.indexOf("data: ") + 6));
    JsonObject checkout = data.getJsonArray("items").getJsonObject(0);
    assertThat(checkout.getString("id")).isEqualTo("checkout");
    assertThat(checkout.getString("state")).isEqualTo("UP");
    assertThat(checkout.getJsonObject("availability").getDouble("24h")).isLessThan(1.0);
    assertThat(checkout.getJsonObject("budget").getDouble("leftSeconds")).isEqualTo(-418.56);
    await(http.close());
  }

  @Test
  void whenNoDemoShopIsConfigured_thenTheFaultSwitchIsNotRouted() throws Exception {
    startCoordinator(null);

    HttpResponse<Buffer> r =
        await(
            client
                .post(port, "127.0.0.1", "/api/v1/demo/faults/checkout")
                .sendJsonObject(new JsonObject().put("mode", "outage")));

    assertError(r, 404, "not_found", "no resource at POST /api/v1/demo/faults/checkout");
    assertError(get("/api/v1/demo/faults"), 404, "not_found", "no resource at GET");
    assertThat(coordinator.router().getRoutes())
        .noneMatch(route -> route.getPath() != null && route.getPath().contains("/demo/faults"));
  }

  @Test
  void whenADemoShopIsConfigured_thenFaultsAreForwardedToItAndItsAnswerComesBack()
      throws Exception {
    fakeShop =
        await(
            vertx
                .createHttpServer()
                .requestHandler(
                    req ->
                        req.body()
                            .onSuccess(
                                b -> {
                                  shopGot.add(
                                      new JsonObject()
                                          .put("method", req.method().name())
                                          .put("path", req.path())
                                          .put("body", b.toString()));
                                  req.response()
                                      .putHeader("content-type", "application/json")
                                      .end(new JsonObject().put("mode", "outage").encode());
                                }))
                .listen(0, "127.0.0.1"));
    startCoordinator("http://127.0.0.1:" + fakeShop.actualPort());

    HttpResponse<Buffer> r =
        await(
            client
                .post(port, "127.0.0.1", "/api/v1/demo/faults/checkout")
                .sendJsonObject(new JsonObject().put("mode", "outage").put("forSeconds", 120)));
    HttpResponse<Buffer> bad =
        await(
            client
                .post(port, "127.0.0.1", "/api/v1/demo/faults/checkout")
                .sendBuffer(Buffer.buffer("outage")));
    HttpResponse<Buffer> oversized =
        await(
            client
                .post(port, "127.0.0.1", "/api/v1/demo/faults/checkout")
                .putHeader("content-type", "application/json")
                .sendBuffer(Buffer.buffer("{\"pad\":\"" + "x".repeat(20 * 1024) + "\"}")));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getString("mode")).isEqualTo("outage");
    assertThat(shopGot).hasSize(1);
    assertThat(shopGot.get(0).getString("method")).isEqualTo("POST");
    assertThat(shopGot.get(0).getString("path")).isEqualTo("/demo/faults/checkout");
    assertThat(new JsonObject(shopGot.get(0).getString("body")).getInteger("forSeconds"))
        .isEqualTo(120);
    assertError(bad, 400, "bad_request", "mode");
    assertThat(oversized.statusCode()).as(oversized.bodyAsString()).isEqualTo(413);
    assertThat(oversized.bodyAsJsonObject().fieldNames())
        .containsExactlyInAnyOrder("error", "message");
    assertThat(shopGot).as("nothing but the valid request reached the shop").hasSize(1);
  }

  @Test
  void whenTheRootIsOpened_thenItRedirectsToTheDashboardAndItsAssetsAreServed() throws Exception {
    startCoordinator(null);

    HttpResponse<Buffer> root =
        await(client.get(port, "127.0.0.1", "/").followRedirects(false).send());
    HttpResponse<Buffer> index = get("/ui/");
    HttpResponse<Buffer> app = get("/ui/app.js");
    HttpResponse<Buffer> uplot = get("/webjars/uplot/1.6.30/dist/uPlot.esm.js");
    HttpResponse<Buffer> status = get("/status");

    assertThat(root.statusCode()).isEqualTo(302);
    assertThat(root.getHeader("location")).isEqualTo("/ui/");
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.bodyAsString()).contains("<title>Nines dashboard</title>");
    assertThat(app.getHeader("content-type")).contains("javascript");
    assertThat(uplot.statusCode()).isEqualTo(200);
    assertThat(uplot.bodyAsString()).contains("export");
    assertThat(status.statusCode()).isEqualTo(200);
    assertThat(status.bodyAsString()).contains("<title>Service status</title>");
    assertError(get("/ui/nothing-here.js"), 404, "not_found", "nothing-here");
  }
}
