package io.nines.coordinator.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.common.AgentInfo;
import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.nines.config.DownWhen;
import io.nines.config.Fleet;
import io.nines.config.HeartbeatPlan;
import io.nines.store.agents.AgentRecord;
import io.nines.store.testing.TestFleets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Heartbeat checks are passive: no agent is ever assigned one. */
class HeartbeatAssignmentTest {
  static final Instant NOW = Instant.parse("2026-04-10T00:00:00Z");

  @Test
  void whenAnAgentClaimsThePushLocation_thenItStillGetsNoHeartbeatCheck() {
    Fleet base =
        TestFleets.fleet()
            .check("shop-home", "shop", Duration.ofSeconds(30), List.of("eu"), DownWhen.MAJORITY)
            .build();
    List<Check> checks = new ArrayList<>(base.checks());
    checks.add(
        new Check(
            "nightly-backup",
            "shop",
            Duration.ofDays(1),
            Duration.ofMinutes(30),
            List.of(HeartbeatPlan.LOCATION),
            DownWhen.MAJORITY,
            0,
            new CheckSpec.Heartbeat(
                new HeartbeatPlan(Duration.ofDays(1), null, null, Duration.ofMinutes(30), null))));
    Fleet fleet =
        new Fleet(
            base.version(),
            List.of("eu", HeartbeatPlan.LOCATION),
            base.teams(),
            base.services(),
            checks,
            base.maintenance(),
            base.settings(),
            base.vars(),
            base.warnings());
    List<AgentRecord> agents =
        List.of(
            new AgentRecord(new AgentInfo("eu-1", "eu", "h1", "1", 10), NOW, 0, 0),
            new AgentRecord(
                new AgentInfo("push-1", HeartbeatPlan.LOCATION, "h2", "1", 10), NOW, 0, 0));
    Map<String, List<String>> placed =
        Assignments.place(fleet, agents, NOW, Duration.ofSeconds(30), 1);
    assertThat(placed)
        .containsEntry("eu-1", List.of("shop-home"))
        .containsEntry("push-1", List.of());
  }
}
