package io.nines.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.common.ProbeResult;
import io.nines.common.ResultBatch;
import io.nines.common.testing.ManualTimeSource;
import io.nines.common.testing.PrometheusServer;
import io.nines.config.DownWhen;
import io.nines.config.Fleet;
import io.nines.config.Tier;
import io.nines.coordinator.Coordinator;
import io.nines.coordinator.CoordinatorOptions;
import io.nines.coordinator.cluster.ClusterMember;
import io.nines.coordinator.testing.TestCluster;
import io.nines.store.testing.TestFleets;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In a cluster, each service's availability series is exported by exactly one member, the owner of
 * its key, so that a Prometheus scraping every member sees each once, with the API's value.
 */
class AvailabilityMetricsClusterIT {
  static final String TOKEN = "avail-cluster-token-0123";
  static final Instant T0 = Instant.parse("2026-04-10T10:00:00Z");
  static final List<String> LOCATIONS = List.of("eu", "us");
  static final int SERVICES = 12;

  static TestCluster cluster;
  static final List<Coordinator> coordinators = new ArrayList<>();
  static final List<Integer> ports = new ArrayList<>();
  static final ManualTimeSource time = new ManualTimeSource(T0);
  static Vertx client;
  static WebClient web;

  static Fleet fleet() {
    TestFleets f = TestFleets.fleet();
    for (int i = 0; i < SERVICES; i++) {
      f.service("svc-" + i, Tier.IMPORTANT)
          .check("chk-" + i, "svc-" + i, Duration.ofSeconds(30), LOCATIONS, DownWhen.MAJORITY);
    }
    return f.build();
  }

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.start(3);
    Fleet fleet = fleet();
    for (ClusterMember m : cluster.members()) {
      Coordinator c =
          new Coordinator(
              CoordinatorOptions.builder()
                  .cluster(m)
                  .port(0)
                  .agentTokens(Set.of(TOKEN))
                  .fleet(fleet)
                  .timeSource(time)
                  .meterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                  .build());
      ports.add(c.start(m.vertx()).await(10, TimeUnit.SECONDS));
      coordinators.add(c);
    }
    cluster.awaitSafe();
    client = Vertx.vertx();
    web = WebClient.create(client);
  }

  @AfterAll
  static void stop() throws Exception {
    for (Coordinator c : coordinators) {
      c.stop().await(10, TimeUnit.SECONDS);
    }
    if (cluster != null) {
      cluster.close();
    }
    if (client != null) {
      client.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void whenPrometheusScrapesEveryMember_thenEachServiceAppearsOnceWithTheApisValue(
      @TempDir Path dir) throws Exception {
    // Ten minutes of results; every third service fails for the last two.
    long seq = 0;
    Map<String, List<ProbeResult>> byAgent = new HashMap<>();
    for (int tick = 0; tick < 20; tick++) {
      for (int i = 0; i < SERVICES; i++) {
        for (String location : LOCATIONS) {
          String agent = "agent-" + location;
          Instant at = T0.plusSeconds(30L * tick);
          byAgent
              .computeIfAbsent(agent, a -> new ArrayList<>())
              .add(
                  i % 3 == 0 && tick >= 16
                      ? TestFleets.fail(agent, ++seq, "chk-" + i, location, at)
                      : TestFleets.ok(agent, ++seq, "chk-" + i, location, at));
        }
      }
    }
    time.advance(Duration.ofMinutes(10));
    int member = 0;
    for (Map.Entry<String, List<ProbeResult>> e : byAgent.entrySet()) {
      int status =
          web.post(ports.get(member++ % ports.size()), "127.0.0.1", "/api/v1/results")
              .putHeader("Authorization", "Bearer " + TOKEN)
              .timeout(10_000)
              .sendJsonObject(new ResultBatch(e.getKey(), e.getValue()).toJson())
              .await(10, TimeUnit.SECONDS)
              .statusCode();
      assertThat(status).isEqualTo(200);
    }
    // Each member's own page: every service on exactly one of them.
    Map<String, Integer> exportedBy = new HashMap<>();
    for (int p = 0; p < ports.size(); p++) {
      String page =
          web.get(ports.get(p), "127.0.0.1", "/metrics/availability")
              .timeout(10_000)
              .send()
              .await(10, TimeUnit.SECONDS)
              .bodyAsString();
      for (String key : AvailabilityMetricsIT.parse(page).keySet()) {
        if (key.startsWith("nines_service_up{")) {
          String service = key.substring(key.indexOf('"') + 1, key.lastIndexOf('"'));
          assertThat(exportedBy.put(service, p)).as(service + " exported twice").isNull();
        }
      }
    }
    assertThat(exportedBy).hasSize(SERVICES);
    assertThat(Set.copyOf(exportedBy.values())).as("spread over members").hasSizeGreaterThan(1);

    // The API's figures, asked of one member.
    JsonObject api =
        web.get(ports.get(0), "127.0.0.1", "/api/v1/services?limit=100")
            .timeout(10_000)
            .send()
            .await(10, TimeUnit.SECONDS)
            .bodyAsJsonObject();
    Map<String, Double> expected = new HashMap<>();
    for (Object o : api.getJsonArray("items")) {
      JsonObject s = (JsonObject) o;
      expected.put(s.getString("id"), s.getJsonObject("availability").getDouble("24h"));
    }

    List<String> targets = ports.stream().map(p -> "127.0.0.1:" + p).toList();
    try (PrometheusServer prometheus =
        PrometheusServer.start(dir, targets, "/metrics/availability", null)) {
      JsonArray result =
          AvailabilityMetricsIT.awaitSeries(
              prometheus, "nines_service_availability_ratio{window=\"1d\"}", SERVICES);
      Map<String, Double> seen = new HashMap<>();
      for (Object o : result) {
        JsonObject sample = (JsonObject) o;
        String service = sample.getJsonObject("metric").getString("service");
        assertThat(seen.put(service, Double.valueOf(sample.getJsonArray("value").getString(1))))
            .as(service + " once")
            .isNull();
      }
      assertThat(seen).isEqualTo(expected);
      assertThat(seen.get("svc-0")).isLessThan(1.0);
      assertThat(seen.get("svc-1")).isEqualTo(1.0);
    }
  }
}
