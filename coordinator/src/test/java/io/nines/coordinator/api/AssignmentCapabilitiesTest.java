package io.nines.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.config.FleetLoader;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent's assignment follows what it can do: an agent that finds Chromium only after its first
 * heartbeat (it looks in the background while it already heartbeats) gets its location's browser
 * checks with the heartbeat that first advertises {@code browser}, and loses them when it stops
 * advertising it.
 */
class AssignmentCapabilitiesTest {
  @TempDir Path dir;
  private Vertx vertx;
  private ApiFixture api;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    api = new ApiFixture();
    Files.writeString(
        dir.resolve("fleet.yaml"),
        """
        locations: [eu]
        teams: {web: {email: [web@shop.example]}}
        services: {shop: {tier: important, owners: [web]}}
        checks:
          - {id: shop-home, service: shop, every: 30s, http: {get: "http://127.0.0.1:1/"}}
          - id: shop-browser
            service: shop
            every: 1m
            browser: {steps: [{goto: "http://127.0.0.1:1/"}]}
        """);
    api.fleet.set(new FleetLoader(api.time, Map.of(), Map.of()).load(dir));
    api.start(vertx, b -> b, Set.of());
  }

  @AfterEach
  void stop() throws Exception {
    api.stop();
    ApiFixture.await(vertx.close());
  }

  private JsonArray heartbeat(String... capabilities) throws Exception {
    var r =
        api.post(
            "/api/v1/agents/heartbeat",
            new JsonObject()
                .put("id", "a1")
                .put("location", "eu")
                .put("capacity", 100)
                .put("capabilities", new JsonArray(java.util.List.of((Object[]) capabilities))),
            ApiFixture.AGENT);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getJsonArray("checks");
  }

  @Test
  void whenAnAgentStartsAdvertisingBrowser_thenItsNextAssignmentHasTheBrowserChecks()
      throws Exception {
    assertThat(heartbeat()).containsExactly("shop-home");

    assertThat(heartbeat("browser")).containsExactlyInAnyOrder("shop-home", "shop-browser");

    assertThat(heartbeat()).containsExactly("shop-home");
  }
}
