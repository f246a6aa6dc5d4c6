package io.nines.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.common.ProbeResult;
import io.nines.common.ResultBatch;
import io.nines.common.testing.ManualTimeSource;
import io.nines.common.testing.PrometheusServer;
import io.nines.common.testing.Promtool;
import io.nines.config.DownWhen;
import io.nines.config.Fleet;
import io.nines.config.Tier;
import io.nines.coordinator.Coordinator;
import io.nines.coordinator.CoordinatorOptions;
import io.nines.store.testing.TestFleets;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics/availability}: the availability figures as Prometheus series, each with the
 * value the API gives, scraped by a real Prometheus; no figure where the API says "no data".
 */
class AvailabilityMetricsIT {
  static final String AGENT_TOKEN = "avail-agent-token-0123";
  static final String READ_TOKEN = "avail-read-token-0123";
  static final Instant T0 = Instant.parse("2026-04-10T10:00:00Z");
  static final List<String> LOCATIONS = List.of("eu", "us");

  @TempDir Path dir;
  final ManualTimeSource time = new ManualTimeSource(T0);
  Vertx vertx;
  Coordinator coordinator;
  WebClient client;
  int port;

  static Fleet fleet() {
    return TestFleets.fleet()
        .service("checkout", Tier.CRITICAL)
        .service("catalog", Tier.IMPORTANT)
        .service("ghost", Tier.NON_CRITICAL)
        .check("checkout-api", "checkout", Duration.ofSeconds(30), LOCATIONS, DownWhen.MAJORITY)
        .check("catalog-home", "catalog", Duration.ofSeconds(30), LOCATIONS, DownWhen.MAJORITY)
        .check("ghost-ping", "ghost", Duration.ofSeconds(30), LOCATIONS, DownWhen.MAJORITY)
        .build();
  }

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    coordinator =
        new Coordinator(
            CoordinatorOptions.builder()
                .port(0)
                .agentTokens(Set.of(AGENT_TOKEN))
                .readTokens(Set.of(READ_TOKEN))
                .adminTokens(Set.of("avail-admin-token-0123"))
                .fleet(fleet())
                .timeSource(time)
                .meterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                .build());
    port = coordinator.start(vertx).await(10, TimeUnit.SECONDS);
    client = WebClient.create(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    if (coordinator != null) {
      coordinator.stop().await(10, TimeUnit.SECONDS);
    }
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void whenScraped_thenEveryFigureIsTheApisAndNoDataHasNoFigure() throws Exception {
    postTwelveMinutes();

    JsonObject services = servicesByApi();
    String page = scrape(READ_TOKEN).bodyAsString();
    Map<String, Double> series = parse(page);

    for (String service : List.of("checkout", "catalog")) {
      JsonObject api = services.getJsonObject(service);
      for (String[] w : new String[][] {{"1d", "24h"}, {"7d", "7d"}, {"30d", "30d"}}) {
        assertThat(series.get(key("nines_service_availability_ratio", service, w[0])))
            .as(service + " availability " + w[0])
            .isEqualTo(api.getJsonObject("availability").getDouble(w[1]));
        assertThat(series.get(key("nines_service_coverage_ratio", service, w[0])))
            .as(service + " coverage " + w[0])
            .isEqualTo(api.getJsonObject("coverage").getDouble(w[1]));
      }
      assertThat(series.get("nines_service_budget_remaining_seconds{service=\"" + service + "\"}"))
          .as(service + " budget left")
          .isEqualTo(api.getJsonObject("budget").getDouble("leftSeconds"));
      assertThat(series.get("nines_service_budget_allowed_seconds{service=\"" + service + "\"}"))
          .isEqualTo(api.getJsonObject("budget").getDouble("allowedSeconds"));
    }
    // checkout is down now; catalog up.
    assertThat(services.getJsonObject("checkout").getString("state")).isEqualTo("DOWN");
    assertThat(series.get("nines_service_up{service=\"checkout\"}")).isEqualTo(0.0);
    assertThat(series.get("nines_service_up{service=\"catalog\"}")).isEqualTo(1.0);
    assertThat(series.get("nines_service_state{service=\"checkout\",state=\"down\"}"))
        .isEqualTo(1.0);
    assertThat(series.get("nines_service_state{service=\"checkout\",state=\"up\"}")).isEqualTo(0.0);
    // Everything happened in the last hour: the hour's burn is the day's downtime share over the
    // share the target allows.
    double avail = series.get(key("nines_service_availability_ratio", "checkout", "1d"));
    double target = services.getJsonObject("checkout").getDouble("target");
    assertThat(avail).isLessThan(1.0);
    assertThat(series.get(key("nines_service_burn_rate", "checkout", "1h")))
        .isCloseTo((1 - avail) / (1 - target / 100), within(1e-6));
    assertThat(series.get(key("nines_service_burn_rate", "catalog", "6h"))).isEqualTo(0.0);
    // The newest fresh result per location.
    assertThat(
            series.get(
                "nines_check_up{check=\"checkout-api\",service=\"checkout\",location=\"eu\"}"))
        .isEqualTo(0.0);
    assertThat(
            series.get(
                "nines_check_up{check=\"catalog-home\",service=\"catalog\",location=\"us\"}"))
        .isEqualTo(1.0);
    assertThat(
            series.get(
                "nines_check_duration_seconds{check=\"catalog-home\",service=\"catalog\","
                    + "location=\"us\"}"))
        .isPositive();

    // ghost never reported: the API says "no data", so there is no figure, no up, no check.
    assertThat(services.getJsonObject("ghost").getJsonObject("availability").getValue("24h"))
        .isNull();
    assertThat(series.keySet())
        .noneMatch(k -> k.contains("ghost") && k.startsWith("nines_service_availability_ratio"))
        .noneMatch(k -> k.startsWith("nines_service_up{service=\"ghost\""))
        .noneMatch(k -> k.startsWith("nines_service_burn_rate{service=\"ghost\""))
        .noneMatch(k -> k.contains("check=\"ghost-ping\""));
    assertThat(series.get("nines_service_state{service=\"ghost\",state=\"unknown\"}"))
        .isEqualTo(1.0);
    assertThat(series.get(key("nines_service_coverage_ratio", "ghost", "1d")))
        .isEqualTo(services.getJsonObject("ghost").getJsonObject("coverage").getDouble("24h"));

    Promtool.Verdict verdict = Promtool.checkMetrics(page);
    assertThat(verdict.output()).as("promtool check metrics").isEmpty();
    assertThat(verdict.exitCode()).isZero();
  }

  @Test
  void whenResultsAgeOut_thenTheCheckSeriesGoButTheFiguresStay() throws Exception {
    postTwelveMinutes();
    time.advance(Duration.ofMinutes(5));

    Map<String, Double> series = parse(scrape(READ_TOKEN).bodyAsString());

    assertThat(series.keySet()).noneMatch(k -> k.startsWith("nines_check_"));
    assertThat(series).containsKey(key("nines_service_availability_ratio", "catalog", "1d"));
  }

  @Test
  void whenReadTokensAreSet_thenAScrapeWithoutOneIsRefused() throws Exception {
    HttpResponse<Buffer> none = scrape(null);
    HttpResponse<Buffer> agentToken = scrape(AGENT_TOKEN);

    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.bodyAsJsonObject().getString("error")).isEqualTo("unauthorized");
    assertThat(agentToken.statusCode()).isIn(401, 403);
  }

  @Test
  void whenARealPrometheusScrapes_thenEachServiceHasOneSeriesWithTheApisValue() throws Exception {
    postTwelveMinutes();
    JsonObject services = servicesByApi();

    try (PrometheusServer prometheus =
        PrometheusServer.start(
            dir, List.of("127.0.0.1:" + port), "/metrics/availability", READ_TOKEN)) {
      JsonArray result =
          awaitSeries(prometheus, "nines_service_availability_ratio{window=\"1d\"}", 2);

      Map<String, Double> byService = new LinkedHashMap<>();
      for (Object o : result) {
        JsonObject sample = (JsonObject) o;
        String service = sample.getJsonObject("metric").getString("service");
        assertThat(byService).as("one series per service").doesNotContainKey(service);
        byService.put(service, Double.valueOf(sample.getJsonArray("value").getString(1)));
      }
      assertThat(byService).containsOnlyKeys("checkout", "catalog");
      byService.forEach(
          (service, value) ->
              assertThat(value)
                  .as(service)
                  .isEqualTo(
                      services
                          .getJsonObject(service)
                          .getJsonObject("availability")
                          .getDouble("24h")));
    }
  }

  /**
   * Polls Prometheus until {@code query} returns {@code count} series (bounded: 30 s), and returns
   * them.
   */
  static JsonArray awaitSeries(PrometheusServer prometheus, String query, int count) {
    List<JsonArray> found = new ArrayList<>();
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              JsonArray r =
                  new JsonObject(prometheus.query(query))
                      .getJsonObject("data")
                      .getJsonArray("result");
              assertThat(r.size()).as(query + " in " + prometheus.targets()).isEqualTo(count);
              found.add(r);
            });
    return found.get(found.size() - 1);
  }

  /**
   * Twelve minutes of results from two locations: checkout passes for ten, then fails at both;
   * catalog passes throughout; ghost never reports.
   */
  void postTwelveMinutes() throws Exception {
    long seq = 0;
    List<ProbeResult> eu = new ArrayList<>();
    List<ProbeResult> us = new ArrayList<>();
    for (int tick = 0; tick < 24; tick++) {
      Instant at = T0.plusSeconds(30L * tick);
      for (String location : LOCATIONS) {
        List<ProbeResult> batch = location.equals("eu") ? eu : us;
        String agent = "agent-" + location;
        batch.add(
            tick < 20
                ? TestFleets.ok(agent, ++seq, "checkout-api", location, at)
                : TestFleets.fail(agent, ++seq, "checkout-api", location, at));
        batch.add(TestFleets.ok(agent, ++seq, "catalog-home", location, at));
      }
    }
    time.advance(Duration.ofMinutes(12));
    post("agent-eu", eu);
    post("agent-us", us);
  }

  void post(String agent, List<ProbeResult> results) throws Exception {
    int status =
        client
            .post(port, "127.0.0.1", "/api/v1/results")
            .putHeader("Authorization", "Bearer " + AGENT_TOKEN)
            .timeout(10_000)
            .sendJsonObject(new ResultBatch(agent, results).toJson())
            .await(10, TimeUnit.SECONDS)
            .statusCode();
    assertThat(status).as("results accepted").isEqualTo(200);
  }

  JsonObject servicesByApi() throws Exception {
    HttpResponse<Buffer> r =
        client
            .get(port, "127.0.0.1", "/api/v1/services")
            .putHeader("Authorization", "Bearer " + READ_TOKEN)
            .timeout(10_000)
            .send()
            .await(10, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject out = new JsonObject();
    for (Object o : r.bodyAsJsonObject().getJsonArray("items")) {
      JsonObject s = (JsonObject) o;
      out.put(s.getString("id"), s);
    }
    return out;
  }

  HttpResponse<Buffer> scrape(String token) throws Exception {
    var request = client.get(port, "127.0.0.1", "/metrics/availability").timeout(10_000);
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    return request.send().await(10, TimeUnit.SECONDS);
  }

  static String key(String name, String service, String window) {
    return name + "{service=\"" + service + "\",window=\"" + window + "\"}";
  }

  /** Every sample of an exposition, by its name and labels as written. */
  static Map<String, Double> parse(String page) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String line : page.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String key = line.substring(0, space);
      assertThat(out).as("each series once").doesNotContainKey(key);
      out.put(key, Double.valueOf(line.substring(space + 1)));
    }
    return out;
  }
}
