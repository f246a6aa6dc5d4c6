package io.nines.coordinator;

import static io.nines.store.testing.TestFleets.fail;
import static io.nines.store.testing.TestFleets.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.availability.Timeline;
import io.nines.common.ProbeResult;
import io.nines.common.ResultBatch;
import io.nines.common.TimeRange;
import io.nines.common.testing.ManualTimeSource;
import io.nines.config.DownWhen;
import io.nines.config.Fleet;
import io.nines.config.MaintenanceWindow;
import io.nines.config.Tier;
import io.nines.store.StoreUnavailableException;
import io.nines.store.results.AppendOutcome;
import io.nines.store.results.Evaluation;
import io.nines.store.results.InMemoryResultStore;
import io.nines.store.results.ResultStore;
import io.nines.store.testing.TestFleets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The HTTP API against a real server on port 0, driven by a manual clock. */
@ExtendWith(VertxExtension.class)
class CoordinatorHttpTest {
  static final String TOKEN = "agent-token-0123456789";
  static final Instant T0 = Instant.parse("2026-04-10T00:00:00Z");

  final Fleet fleet =
      TestFleets.fleet()
          .service("checkout", Tier.CRITICAL)
          .service("catalog", Tier.IMPORTANT)
          .check(
              "checkout-journey",
              "checkout",
              Duration.ofSeconds(30),
              List.of("eu", "us", "ap"),
              new DownWhen(2))
          .check(
              "catalog-home", "catalog", Duration.ofSeconds(60), List.of("eu"), DownWhen.MAJORITY)
          .maintenance(
              "catalog-upgrade",
              List.of("catalog"),
              new MaintenanceWindow.Once(T0.plusSeconds(600), T0.plusSeconds(2400)))
          .build();

  final ManualTimeSource time = new ManualTimeSource(T0);
  final AtomicReference<Fleet> currentFleet = new AtomicReference<>(fleet);
  PrometheusMeterRegistry registry;
  Coordinator coordinator;
  WebClient client;
  int port;

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    coordinator =
        new Coordinator(
            CoordinatorOptions.builder()
                .port(0)
                .agentTokens(Set.of(TOKEN, "another-token"))
                .fleet(currentFleet::get)
                .timeSource(time)
                .meterRegistry(registry)
                .bodyLimitBytes(64 * 1024)
                .build());
    port = await(coordinator.start(vertx));
    client = WebClient.create(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    await(coordinator.stop());
  }

  HttpRequest<Buffer> get(String path) {
    return client.get(port, "127.0.0.1", path);
  }

  HttpResponse<Buffer> post(JsonObject body, String token) throws Exception {
    HttpRequest<Buffer> request = client.post(port, "127.0.0.1", "/api/v1/results");
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    return await(request.sendJsonObject(body));
  }

  static JsonObject batch(String agent, List<ProbeResult> results) {
    return new ResultBatch(agent, results).toJson();
  }

  static void assertError(HttpResponse<Buffer> r, int status, String error) {
    assertThat(r.statusCode()).isEqualTo(status);
    assertThat(r.getHeader("content-type")).startsWith("application/json");
    JsonObject body = r.bodyAsJsonObject();
    assertThat(body.fieldNames()).containsExactlyInAnyOrder("error", "message");
    assertThat(body.getString("error")).isEqualTo(error);
    assertThat(body.getString("message")).isNotBlank().doesNotContain("Exception");
  }

  /**
   * One hour of checkout results from three locations every 30 s; eu and us fail from minute 20 to
   * minute 30, so the check is DOWN for exactly 600 s.
   */
  void postAnHourOfCheckout() throws Exception {
    postCheckoutUntil(3600);
  }

  /** The results of {@link #postAnHourOfCheckout} that ran before {@code endSecond}. */
  void postCheckoutUntil(int endSecond) throws Exception {
    for (String location : List.of("eu", "us", "ap")) {
      List<ProbeResult> results = new ArrayList<>();
      long seq = 1;
      for (int s = 0; s < endSecond; s += 30) {
        boolean failing = s >= 1200 && s < 1800 && !location.equals("ap");
        Instant at = T0.plusSeconds(s);
        String agent = "agent-" + location;
        results.add(
            failing
                ? fail(agent, seq++, "checkout-journey", location, at)
                : ok(agent, seq++, "checkout-journey", location, at));
      }
      HttpResponse<Buffer> r = post(batch("agent-" + location, results), TOKEN);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.bodyAsJsonObject().getInteger("accepted")).isEqualTo(results.size());
    }
  }

  @Test
  void whenTheTokenIsMissingOrWrong_thenResultsAreRefusedWith401AndTheSameMessage()
      throws Exception {
    JsonObject body = batch("a", List.of(ok("a", 1, "checkout-journey", "eu", T0)));

    HttpResponse<Buffer> missing = post(body, null);
    HttpResponse<Buffer> wrong = post(body, "agent-token-0123456788");

    assertError(missing, 401, "unauthorized");
    assertError(wrong, 401, "unauthorized");
    assertThat(wrong.bodyAsString()).isEqualTo(missing.bodyAsString());
    assertThat(coordinator.store().size().await()).isZero();
    assertThat(post(body, "another-token").statusCode()).isEqualTo(200);
    assertThat(registry.get("nines.auth.failures").tag("reason", "missing_token").counter().count())
        .isEqualTo(1.0);
    assertThat(registry.get("nines.auth.failures").tag("reason", "wrong_token").counter().count())
        .isEqualTo(1.0);
  }

  @Test
  void whenAResultHasABadStartedAt_then400NamesTheField() throws Exception {
    JsonObject body = batch("a", List.of(ok("a", 1, "checkout-journey", "eu", T0)));
    body.getJsonArray("results").getJsonObject(0).put("startedAt", "yesterday");

    HttpResponse<Buffer> r = post(body, TOKEN);

    assertError(r, 400, "bad_request");
    assertThat(r.bodyAsJsonObject().getString("message"))
        .startsWith("results[0].startedAt was 'yesterday'")
        .contains("ISO-8601");
  }

  @Test
  void whenTheBodyIsNotJson_then400SaysWhatWasExpected() throws Exception {
    HttpResponse<Buffer> r =
        await(
            client
                .post(port, "127.0.0.1", "/api/v1/results")
                .putHeader("Authorization", "Bearer " + TOKEN)
                .sendBuffer(Buffer.buffer("{not json")));

    assertError(r, 400, "bad_request");
    assertThat(r.bodyAsJsonObject().getString("message")).contains("result batch");
  }

  @Test
  void whenTheBodyIsLargerThanTheLimit_then413() throws Exception {
    HttpResponse<Buffer> r =
        await(
            client
                .post(port, "127.0.0.1", "/api/v1/results")
                .putHeader("Authorization", "Bearer " + TOKEN)
                .sendBuffer(Buffer.buffer("x".repeat(128 * 1024))));

    assertError(r, 413, "payload_too_large");
  }

  @Test
  void whenABatchIsPostedTwice_thenItsResultsCountOnceAndUnknownChecksAreRejectedEachTime()
      throws Exception {
    JsonObject body =
        batch(
            "a",
            List.of(
                ok("a", 1, "checkout-journey", "eu", T0),
                ok("a", 2, "checkout-journey", "eu", T0.plusSeconds(30)),
                ok("a", 3, "x", "eu", T0.plusSeconds(30))));
    time.advance(Duration.ofMinutes(1));

    JsonObject first = post(body, TOKEN).bodyAsJsonObject();
    JsonObject second = post(body, TOKEN).bodyAsJsonObject();

    assertThat(first)
        .isEqualTo(
            new JsonObject()
                .put("accepted", 2)
                .put("duplicates", 0)
                .put(
                    "rejected",
                    new JsonArray()
                        .add(
                            new JsonObject().put("id", "a/3").put("reason", "unknown check 'x'"))));
    assertThat(second.getInteger("accepted")).isZero();
    assertThat(second.getInteger("duplicates")).isEqualTo(2);
    assertThat(second.getJsonArray("rejected")).isEqualTo(first.getJsonArray("rejected"));
    assertThat(coordinator.store().size().await()).isEqualTo(2);
    assertThat(registry.get("nines.ingest.results").tag("outcome", "accepted").counter().count())
        .isEqualTo(2.0);
    assertThat(registry.get("nines.ingest.results").tag("outcome", "duplicate").counter().count())
        .isEqualTo(2.0);
  }

  @Test
  void whenResultsArePosted_thenTheAvailabilityEndpointCountsTheDowntime() throws Exception {
    time.advance(Duration.ofHours(1));
    postAnHourOfCheckout();

    JsonObject r =
        await(
                get("/api/v1/services/checkout/availability?from=2026-04-10T00:00:00Z&to=2026-04-10T01:00:00Z")
                    .send())
            .bodyAsJsonObject();

    assertThat(r.getString("service")).isEqualTo("checkout");
    assertThat(r.getString("from")).isEqualTo("2026-04-10T00:00:00Z");
    assertThat(r.getString("to")).isEqualTo("2026-04-10T01:00:00Z");
    assertThat(r.getDouble("target")).isEqualTo(99.99);
    assertThat(r.getDouble("totalSeconds")).isEqualTo(3600.0);
    assertThat(r.getDouble("downSeconds")).isEqualTo(600.0);
    assertThat(r.getDouble("availability")).isCloseTo(3000.0 / 3600, within(1e-12));
    assertThat(r.getDouble("percent")).isCloseTo(300000.0 / 3600, within(1e-9));
    assertThat(r.getDouble("nines")).isEqualTo(0.78);
    assertThat(r.getDouble("maintenanceSeconds")).isEqualTo(0.0);
    assertThat(r.getDouble("unknownSeconds")).isEqualTo(0.0);
    assertThat(r.getDouble("degradedSeconds")).isEqualTo(0.0);
    assertThat(r.getDouble("availabilityExcludingMaintenance"))
        .isEqualTo(r.getDouble("availability"));
    assertThat(r.getJsonArray("outages"))
        .containsExactly(
            new JsonObject()
                .put("start", "2026-04-10T00:20:00Z")
                .put("end", "2026-04-10T00:30:00Z")
                .put("seconds", 600.0));
    assertThat(r.getJsonArray("maintenance")).isEmpty();
    // Critical: 99.99% of the 21 days from T0 (the configuration's first application) to the end
    // of April allows 181.44 s; 600 s are spent. (The whole month's 259.2 s counted days before
    // the service existed.)
    assertThat(r.getDouble("budgetLeftSeconds")).isCloseTo(181.44 - 600, within(1e-9));
    assertThat(r.getJsonObject("budget").getString("from")).isEqualTo(T0.toString());
    assertThat(r.getJsonObject("budget").getString("month")).isEqualTo("2026-04");

    JsonObject lastDay =
        await(get("/api/v1/services/checkout/availability").send()).bodyAsJsonObject();
    assertThat(lastDay.getString("to")).isEqualTo("2026-04-10T01:00:00Z");
    assertThat(lastDay.getDouble("totalSeconds")).isEqualTo(86400.0);
    assertThat(lastDay.getDouble("downSeconds")).isEqualTo(600.0);
    // The 23 hours before the configuration was first applied are outside the service's life:
    // not unknown, not counted.
    assertThat(lastDay.getDouble("observedSeconds")).isEqualTo(3600.0);
    assertThat(lastDay.getDouble("coverage")).isCloseTo(1.0 / 24, within(1e-12));
    assertThat(lastDay.getDouble("unknownSeconds")).isEqualTo(0.0);
    assertThat(lastDay.getDouble("availability")).isCloseTo(3000.0 / 3600, within(1e-12));
  }

  @Test
  void whenAServiceIsInMaintenance_thenThatTimeCountsAsDownAndIsReportedApart() throws Exception {
    time.advance(Duration.ofHours(1));

    JsonObject r =
        await(
                get("/api/v1/services/catalog/availability?from=2026-04-10T00:00:00Z&to=2026-04-10T02:00:00Z")
                    .send())
            .bodyAsJsonObject();

    assertThat(r.getString("to"))
        .as("a window past now ends at now")
        .isEqualTo("2026-04-10T01:00:00Z");
    assertThat(r.getDouble("maintenanceSeconds")).isEqualTo(1800.0);
    assertThat(r.getDouble("downSeconds")).isEqualTo(1800.0);
    // No result at all: nobody observed the other half hour, so there is no figure (it read 50 %,
    // and "100 % excluding maintenance"); the maintenance is still reported.
    assertThat(r.getBoolean("noData")).isTrue();
    assertThat(r.getValue("availability")).isNull();
    assertThat(r.getValue("availabilityExcludingMaintenance")).isNull();
    assertThat(r.getDouble("unknownSeconds")).as("no results: unknown").isEqualTo(1800.0);
    assertThat(r.getJsonArray("maintenance").getJsonObject(0).getDouble("seconds"))
        .isEqualTo(1800.0);
  }

  @Test
  void whenServicesAreListed_thenEachHasStateTargetAndAvailabilityWindows() throws Exception {
    time.advance(Duration.ofHours(1));
    postAnHourOfCheckout();

    JsonArray items =
        await(get("/api/v1/services").send()).bodyAsJsonObject().getJsonArray("items");

    assertThat(items).hasSize(2);
    JsonObject checkout = items.getJsonObject(0);
    assertThat(checkout.getString("id")).isEqualTo("checkout");
    assertThat(checkout.getString("tier")).isEqualTo("critical");
    assertThat(checkout.getDouble("target")).isEqualTo(99.99);
    assertThat(checkout.getString("state")).isEqualTo("UP");
    // Every window reaches back before T0, when the configuration was first applied: each figure
    // is over the hour observed, and says how much of its window that is.
    assertThat(checkout.getJsonObject("availability").getDouble("24h"))
        .isCloseTo(1 - 600.0 / 3600, within(1e-12));
    assertThat(checkout.getJsonObject("availability").getDouble("30d"))
        .isCloseTo(1 - 600.0 / 3600, within(1e-12));
    assertThat(checkout.getJsonObject("percent").getDouble("7d"))
        .isCloseTo(100 * (1 - 600.0 / 3600), within(1e-9));
    assertThat(checkout.getJsonObject("observedSeconds").getDouble("30d")).isEqualTo(3600.0);
    assertThat(checkout.getJsonObject("coverage").getDouble("30d"))
        .isCloseTo(3600.0 / (30 * 86400), within(1e-12));
    JsonObject catalog = items.getJsonObject(1);
    assertThat(catalog.getString("state")).isEqualTo("UNKNOWN");
    assertThat(catalog.getBoolean("inMaintenance")).isFalse();
  }

  @Test
  void whenChecksAndTheirResultsAreAsked_thenStatesAndRecentFailuresAreShown() throws Exception {
    time.advance(Duration.ofMinutes(25));
    postCheckoutUntil(1500);

    JsonArray checks = await(get("/api/v1/checks").send()).bodyAsJsonObject().getJsonArray("items");
    JsonObject journey = checks.getJsonObject(0);
    assertThat(journey.getString("id")).isEqualTo("checkout-journey");
    assertThat(journey.getString("state")).isEqualTo("DOWN");
    assertThat(journey.getString("downWhen")).isEqualTo("2 of 3 locations fail");
    assertThat(journey.getJsonObject("locationStates"))
        .isEqualTo(new JsonObject().put("eu", "DOWN").put("us", "DOWN").put("ap", "UP"));

    JsonObject results =
        await(get("/api/v1/checks/checkout-journey/results?limit=2").send()).bodyAsJsonObject();
    JsonArray items = results.getJsonArray("items");
    assertThat(items).hasSize(2);
    JsonObject newest = items.getJsonObject(0);
    assertThat(newest.getString("startedAt")).isEqualTo("2026-04-10T00:24:30Z");
    JsonObject failed =
        await(get("/api/v1/checks/checkout-journey/results?limit=500").send())
            .bodyAsJsonObject()
            .getJsonArray("items")
            .stream()
            .map(JsonObject.class::cast)
            .filter(o -> !o.getBoolean("ok"))
            .findFirst()
            .orElseThrow();
    assertThat(failed.getJsonObject("failure"))
        .isEqualTo(
            new JsonObject()
                .put("kind", "HTTP_STATUS")
                .put("step", "login")
                .put("message", "status was 503 but it must be 200"));

    assertError(
        await(get("/api/v1/checks/checkout-journey/results?limit=0").send()), 400, "bad_request");
    assertError(await(get("/api/v1/checks/nope/results").send()), 404, "not_found");
  }

  @Test
  void whenTimesAreBadOrReversed_then400NamesTheParameterAndTheFormat() throws Exception {
    time.advance(Duration.ofHours(1));

    HttpResponse<Buffer> bad =
        await(get("/api/v1/services/checkout/availability?to=tomorrow").send());
    HttpResponse<Buffer> reversed =
        await(
            get("/api/v1/services/checkout/availability?from=2026-04-10T00:30:00Z&to=2026-04-10T00:10:00Z")
                .send());

    assertError(bad, 400, "bad_request");
    assertThat(bad.bodyAsJsonObject().getString("message"))
        .isEqualTo(
            "to was 'tomorrow' but it must be an ISO-8601 UTC instant such as"
                + " 2026-04-01T00:00:00Z");
    assertError(reversed, 400, "bad_request");
    assertThat(reversed.bodyAsJsonObject().getString("message"))
        .startsWith("from was '2026-04-10T00:30:00Z' but it must be before to");
  }

  @Test
  void whenNothingMatches_then404Or405InTheErrorShape() throws Exception {
    assertError(await(get("/nope").send()), 404, "not_found");
    assertError(await(get("/api/v1/services/nope/availability").send()), 404, "not_found");
    assertError(
        await(client.delete(port, "127.0.0.1", "/api/v1/services").send()),
        405,
        "method_not_allowed");
  }

  @Test
  void whenMetricsAreScraped_thenIngestCountersArePrometheusText() throws Exception {
    post(batch("a", List.of(ok("a", 1, "checkout-journey", "eu", T0))), TOKEN);

    HttpResponse<Buffer> r = await(get("/metrics").send());

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("content-type")).startsWith("text/plain");
    assertThat(r.bodyAsString())
        .contains("nines_ingest_results_total{outcome=\"accepted\"} 1.0")
        .contains("nines_ingest_batches_total{outcome=\"ok\"} 1.0")
        .contains("nines_auth_failures_total{reason=\"other_location\"} 0.0");
  }

  @Test
  void whenNoFleetIsLoaded_thenReadinessAndTheApiSay503ButLivenessHolds() throws Exception {
    assertThat(await(get("/health/ready").send()).bodyAsJsonObject().getString("status"))
        .isEqualTo("UP");
    assertThat(coordinator.ready()).isTrue();

    currentFleet.set(null);

    HttpResponse<Buffer> ready = await(get("/health/ready").send());
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.bodyAsJsonObject().getString("error")).isEqualTo("not_ready");
    assertThat(await(get("/health/live").send()).statusCode()).isEqualTo(200);
    assertError(await(get("/api/v1/services").send()), 503, "not_ready");
    assertThat(coordinator.ready()).isFalse();
  }

  @Test
  void whenAHandlerFailsOrTheStoreIsUnavailable_then500Or503WithoutAStackTrace(Vertx vertx)
      throws Exception {
    InMemoryResultStore real = new InMemoryResultStore();
    ResultStore broken =
        new ResultStore() {
          @Override
          public Future<AppendOutcome> append(
              Collection<ProbeResult> results, Fleet f, Instant now) {
            return Future.failedFuture(
                new StoreUnavailableException("member 10.0.0.7 left", new RuntimeException()));
          }

          @Override
          public Future<Map<String, List<ProbeResult>>> resultsByLocation(
              String checkId, Instant from, Instant to) {
            return real.resultsByLocation(checkId, from, to);
          }

          @Override
          public Future<Map<String, Timeline>> locationTimelines(String checkId, TimeRange span) {
            return real.locationTimelines(checkId, span);
          }

          @Override
          public Future<List<ProbeResult>> recent(String checkId, int limit) {
            return Future.failedFuture(
                new IllegalStateException("disk on fire at /var/lib/secret"));
          }

          @Override
          public Future<Optional<Evaluation>> evaluation(String checkId) {
            return real.evaluation(checkId);
          }

          @Override
          public Future<Long> size() {
            return real.size();
          }
        };
    Coordinator other =
        new Coordinator(
            CoordinatorOptions.builder()
                .port(0)
                .agentTokens(Set.of(TOKEN))
                .fleet(fleet)
                .timeSource(time)
                .meterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                .store(broken)
                .build());
    int otherPort = await(other.start(vertx));
    try {
      HttpResponse<Buffer> r =
          await(client.get(otherPort, "127.0.0.1", "/api/v1/checks/catalog-home/results").send());

      assertError(r, 500, "internal");
      assertThat(r.bodyAsString()).doesNotContain("disk on fire").doesNotContain("at io.");

      HttpResponse<Buffer> unavailable =
          await(
              client
                  .post(otherPort, "127.0.0.1", "/api/v1/results")
                  .putHeader("Authorization", "Bearer " + TOKEN)
                  .sendJsonObject(batch("a", List.of(ok("a", 1, "catalog-home", "eu", T0)))));
      assertError(unavailable, 503, "unavailable");
      assertThat(unavailable.bodyAsJsonObject().getString("message"))
          .contains("retry")
          .doesNotContain("10.0.0.7");
    } finally {
      await(other.stop());
    }
  }

  @Test
  void whenABatchReportsDroppedResults_thenTheCoordinatorCountsThemPerAgent() throws Exception {
    JsonObject body =
        new ResultBatch("a", List.of(ok("a", 1, "checkout-journey", "eu", T0)), 7).toJson();
    HttpResponse<Buffer> r = post(body, TOKEN);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(registry.get("nines.agent.dropped").tag("agent", "a").counter().count())
        .isEqualTo(7.0);
  }
}
