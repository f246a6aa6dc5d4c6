package io.nines.coordinator.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.availability.incident.Notification;
import io.nines.common.testing.ManualTimeSource;
import io.nines.config.Fleet;
import io.nines.config.FleetLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetHealthTest {
  @TempDir Path dir;

  private Fleet fleet(String operators) throws Exception {
    Files.writeString(
        dir.resolve("fleet.yaml"),
        """
        locations: [eu, us]
        settings: { alerting: { operators: %s } }
        teams:
          platform: { email: [platform@shop.example], pagerduty: { routing-key: "${env:PD}" } }
          web: { email: [web@shop.example] }
        services: { site: { tier: important, owners: [web] } }
        checks: [ { id: c, service: site, http: { get: "http://127.0.0.1:1/" } } ]
        """
            .formatted(operators));
    return new FleetLoader(new ManualTimeSource(Instant.EPOCH), Map.of(), Map.of("PD", "k"))
        .load(dir);
  }

  @Test
  void whenALocationLosesItsLastAgent_thenOperatorsAreToldOnceAndAgainWhenItReturns()
      throws Exception {
    Fleet fleet = fleet("platform");
    FleetHealth health = new FleetHealth();
    Instant t0 = Instant.parse("2026-04-07T10:00:00Z");
    assertThat(health.observe(fleet, Set.of(), Set.of(), t0.minus(Duration.ofHours(1)))).isEmpty();
    List<Notification> first = health.observe(fleet, Set.of("eu-1"), Set.of("eu"), t0);
    assertThat(first)
        .extracting(n -> n.team() + ":" + n.channelKind() + ":" + n.kind())
        .containsExactlyInAnyOrder("platform:email:FLEET", "platform:email:FLEET");
    assertThat(first).extracting(Notification::summary).anyMatch(s -> s.contains("location eu"));
    assertThat(health.observe(fleet, Set.of("eu-1"), Set.of("eu"), t0.plusSeconds(5))).isEmpty();
    List<Notification> back =
        health.observe(fleet, Set.of(), Set.of(), t0.plus(Duration.ofMinutes(3)));
    assertThat(back).extracting(Notification::summary).anyMatch(s -> s.contains("again"));
    assertThat(back).extracting(Notification::summary).anyMatch(s -> s.contains("is back"));
  }

  @Test
  void whenTheCoordinatorHasJustStarted_thenLocationsWithoutAgentsYetAreNotReportedWithinTheGrace()
      throws Exception {
    Fleet fleet = fleet("platform");
    FleetHealth health = new FleetHealth();
    Instant start = Instant.parse("2026-04-07T10:00:00Z");

    // Agents send their first heartbeat a second or two after the coordinator starts.
    assertThat(health.observe(fleet, Set.of(), Set.of("eu", "us"), start)).isEmpty();
    assertThat(health.observe(fleet, Set.of(), Set.of("us"), start.plusSeconds(1))).isEmpty();
    assertThat(health.observe(fleet, Set.of(), Set.of(), start.plusSeconds(2))).isEmpty();

    // A location still without an agent once the grace is over is reported, once.
    FleetHealth later = new FleetHealth();
    assertThat(later.observe(fleet, Set.of(), Set.of("us"), start)).isEmpty();
    List<Notification> us =
        later.observe(fleet, Set.of(), Set.of("us"), start.plus(FleetHealth.STARTUP_GRACE));
    assertThat(us)
        .extracting(Notification::summary)
        .containsExactly(
            "location us has no live agent: its results are UNKNOWN until one returns");
    assertThat(later.observe(fleet, Set.of(), Set.of("us"), start.plusSeconds(60))).isEmpty();
  }

  @Test
  void whenAnotherMemberTakesFleetHealthOver_thenItsNoticesOfALossAlreadyToldHaveTheSameKeys()
      throws Exception {
    Fleet fleet = fleet("platform");
    Instant lastHeartbeat = Instant.parse("2026-04-07T09:59:30Z");
    Instant t0 = Instant.parse("2026-04-07T10:00:00Z");
    FleetHealth first = new FleetHealth();
    List<Notification> lost = first.observe(fleet, Map.of("eu-1", lastHeartbeat), Set.of(), t0);
    assertThat(lost).hasSize(1);

    // The partition of "fleet" moved (a member joined): the new owner looks for the first time.
    FleetHealth next = new FleetHealth();
    List<Notification> again =
        next.observe(fleet, Map.of("eu-1", lastHeartbeat), Set.of(), t0.plusSeconds(40));

    // The outbox ignores a key it has: the same keys tell the operators once.
    assertThat(again)
        .extracting(Notification::key)
        .isEqualTo(lost.stream().map(Notification::key).toList());
    List<Notification> back = next.observe(fleet, Map.of(), Set.of(), t0.plusSeconds(60));
    List<Notification> backToo = first.observe(fleet, Map.of(), Set.of(), t0.plusSeconds(90));
    assertThat(backToo)
        .as("the first owner, taking it back later, says 'back' with the same key")
        .extracting(Notification::key)
        .isEqualTo(back.stream().map(Notification::key).toList());
  }

  @Test
  void whenNoOperatorsTeamIsConfigured_thenNothingIsSent() throws Exception {
    Files.writeString(
        dir.resolve("fleet.yaml"),
        """
        locations: [eu]
        teams: { web: { email: [web@shop.example] } }
        services: { site: { tier: important, owners: [web] } }
        checks: [ { id: c, service: site, http: { get: "http://127.0.0.1:1/" } } ]
        """);
    Fleet fleet =
        new FleetLoader(new ManualTimeSource(Instant.EPOCH), Map.of(), Map.of()).load(dir);
    assertThat(new FleetHealth().observe(fleet, Set.of("a"), Set.of("eu"), Instant.EPOCH))
        .isEmpty();
  }
}
