package io.nines.coordinator.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.common.AgentInfo;
import io.nines.common.testing.ManualTimeSource;
import io.nines.config.Fleet;
import io.nines.config.FleetLoader;
import io.nines.store.agents.AgentRecord;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrowserAssignmentTest {
  static final Instant NOW = Instant.parse("2026-04-01T00:00:00Z");
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;

  private Fleet fleet() throws Exception {
    Files.writeString(
        dir.resolve("fleet.yaml"),
        """
        locations: [eu-west, us-east]
        vars: {shop: "http://127.0.0.1:8070"}
        teams: {web: {email: [web@shop.example]}}
        services: {shop: {tier: important, owners: [web]}}
        checks:
          - id: shop-home
            service: shop
            http: {get: "${shop}/"}
          - id: storefront-browser
            service: shop
            browser: {steps: [{goto: "${shop}/shop"}]}
        """);
    return new FleetLoader(new ManualTimeSource(NOW), Map.of(), Map.of()).load(dir);
  }

  private static AgentRecord agent(String id, String location, Set<String> capabilities) {
    return new AgentRecord(new AgentInfo(id, location, "host", "1", 100, capabilities), NOW, 0, 0);
  }

  @Test
  void whenOnlySomeAgentsAdvertiseBrowser_thenBrowserChecksGoOnlyToThem() throws Exception {
    List<AgentRecord> agents =
        List.of(
            agent("eu-1", "eu-west", Set.of()),
            agent("eu-2", "eu-west", Set.of("browser")),
            agent("us-1", "us-east", Set.of()));

    Map<String, List<String>> placement = Assignments.place(fleet(), agents, NOW, TIMEOUT, 1);

    assertThat(placement.get("eu-2")).contains("storefront-browser");
    assertThat(placement.get("eu-1")).doesNotContain("storefront-browser");
    assertThat(placement.get("us-1")).containsExactly("shop-home");
  }

  @Test
  void whenALocationHasNoBrowserAgent_thenItIsEmptyForBrowserChecks() throws Exception {
    List<AgentRecord> agents =
        List.of(agent("eu-1", "eu-west", Set.of("browser")), agent("us-1", "us-east", Set.of()));

    assertThat(Assignments.emptyLocations(fleet(), agents, NOW, TIMEOUT)).isEmpty();
    assertThat(Assignments.emptyForCapabilities(fleet(), agents, NOW, TIMEOUT))
        .containsExactly("us-east for browser checks");
  }

  @Test
  void whenALocationHasNoAgentAtAll_thenItIsReportedOnceAsEmpty() throws Exception {
    List<AgentRecord> agents = List.of(agent("eu-1", "eu-west", Set.of("browser")));

    assertThat(Assignments.emptyLocations(fleet(), agents, NOW, TIMEOUT))
        .containsExactly("us-east");
    assertThat(Assignments.emptyForCapabilities(fleet(), agents, NOW, TIMEOUT)).isEmpty();
  }

  @Test
  void whenAnAgentAdvertisesCapabilities_thenTheyTravelInItsJson() {
    AgentInfo info = new AgentInfo("eu-1", "eu-west", "h", "1", 10, Set.of("browser"));
    JsonObject json = info.toJson();

    assertThat(json.getJsonArray("capabilities").getList()).containsExactly("browser");
    assertThat(AgentInfo.fromJson(json)).isEqualTo(info);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> AgentInfo.fromJson(json.copy().put("capabilities", List.of("Browser!"))))
        .hasMessage(
            "agent.capabilities had 'Browser!' but it must be a list of at most 16 lowercase words"
                + " such as [\"browser\"]");
  }
}
