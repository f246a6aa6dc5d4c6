package io.nines.coordinator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.common.ProbeResult;
import io.nines.common.ResultBatch;
import io.nines.common.testing.ManualTimeSource;
import io.nines.config.DownWhen;
import io.nines.config.Fleet;
import io.nines.config.Tier;
import io.nines.coordinator.Coordinator;
import io.nines.coordinator.CoordinatorOptions;
import io.nines.coordinator.fleet.AgentTokens;
import io.nines.coordinator.testing.TestCluster;
import io.nines.store.testing.TestFleets;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Per-agent tokens are bound to their agent and location on every member of a cluster: one agent's
 * token cannot post results for another location through any member, so it cannot turn a "2 of 2
 * locations fail" check DOWN on its own.
 */
class AgentTokenBindingIT {
  static final Instant T0 = Instant.parse("2026-04-10T00:00:00Z");

  static TestCluster cluster;
  static final List<Coordinator> coordinators = new ArrayList<>();
  static final List<Integer> ports = new ArrayList<>();
  static final List<PrometheusMeterRegistry> registries = new ArrayList<>();
  static final ManualTimeSource time = new ManualTimeSource(T0);
  static Path dir;
  static AgentTokens.Created a;
  static AgentTokens.Created b;
  static Vertx agents;
  static WebClient client;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("nines-token-binding");
    Path file = dir.resolve("agent-tokens");
    a = AgentTokens.create("agent-a", "loc-a");
    b = AgentTokens.create("agent-b", "loc-b");
    AgentTokens.append(file, a);
    AgentTokens.append(file, b);
    Fleet fleet =
        TestFleets.fleet()
            .service("shop", Tier.CRITICAL)
            .check(
                "shop-pay",
                "shop",
                Duration.ofSeconds(30),
                List.of("loc-a", "loc-b"),
                new DownWhen(2))
            .build();
    cluster = TestCluster.start(3);
    for (ClusterMember m : cluster.members()) {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      Coordinator c =
          new Coordinator(
              CoordinatorOptions.builder()
                  .cluster(m)
                  .port(0)
                  .agentTokenFile(file)
                  .fleet(fleet)
                  .timeSource(time)
                  .meterRegistry(registry)
                  .build());
      ports.add(c.start(m.vertx()).await(10, TimeUnit.SECONDS));
      coordinators.add(c);
      registries.add(registry);
    }
    agents = Vertx.vertx();
    client = WebClient.create(agents);
  }

  @AfterAll
  static void stop() throws Exception {
    for (Coordinator c : coordinators) {
      c.stop().await(10, TimeUnit.SECONDS);
    }
    if (cluster != null) {
      cluster.close();
    }
    if (agents != null) {
      agents.close().await(10, TimeUnit.SECONDS);
    }
  }

  static HttpResponse<Buffer> post(int member, String token, String agent, List<ProbeResult> rs)
      throws Exception {
    return client
        .post(ports.get(member), "127.0.0.1", "/api/v1/results")
        .putHeader("Authorization", "Bearer " + token)
        .sendJsonObject(new ResultBatch(agent, rs).toJson())
        .await(10, TimeUnit.SECONDS);
  }

  @Test
  void whenOneAgentsTokenPostsForAnotherLocationOnAnyMember_thenEveryMemberRefusesIt()
      throws Exception {
    long seq = 1;
    for (int member = 0; member < ports.size(); member++) {
      HttpResponse<Buffer> r =
          post(
              member,
              a.token(),
              "agent-a",
              List.of(
                  TestFleets.fail("agent-a", seq++, "shop-pay", "loc-a", T0),
                  TestFleets.fail("agent-a", seq++, "shop-pay", "loc-b", T0),
                  TestFleets.fail("agent-a", seq++, "shop-pay", "loc-x", T0)));

      assertThat(r.statusCode()).as("member %s: %s", member, r.bodyAsString()).isEqualTo(200);
      JsonObject body = r.bodyAsJsonObject();
      assertThat(body.getInteger("accepted")).as("member %s", member).isEqualTo(1);
      JsonArray rejected = body.getJsonArray("rejected");
      assertThat(rejected.size()).as("member %s", member).isEqualTo(2);
      assertThat(rejected.getJsonObject(0).getString("reason"))
          .contains("token was issued for location 'loc-a'");
      assertThat(
              registries
                  .get(member)
                  .get("nines.auth.failures")
                  .tag("reason", "other_location")
                  .counter()
                  .count())
          .as("member %s", member)
          .isEqualTo(2.0);
    }
    // The real loc-b agent says all is well, through yet another member.
    assertThat(
            post(
                    2,
                    b.token(),
                    "agent-b",
                    List.of(TestFleets.ok("agent-b", 1, "shop-pay", "loc-b", T0.plusSeconds(1))))
                .statusCode())
        .isEqualTo(200);
    time.advance(Duration.ofSeconds(10));

    for (int member = 0; member < ports.size(); member++) {
      JsonObject pay =
          client
              .get(ports.get(member), "127.0.0.1", "/api/v1/checks")
              .send()
              .await(10, TimeUnit.SECONDS)
              .bodyAsJsonObject()
              .getJsonArray("items")
              .getJsonObject(0);
      assertThat(pay.getString("state")).as("member %s", member).isEqualTo("DEGRADED");
      assertThat(pay.getJsonObject("locationStates").getString("loc-b")).isEqualTo("UP");
      assertThat(pay.getJsonObject("locationStates").containsKey("loc-x")).isFalse();
    }
  }
}
