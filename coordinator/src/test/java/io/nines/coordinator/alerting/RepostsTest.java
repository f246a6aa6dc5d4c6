package io.nines.coordinator.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.availability.State;
import io.nines.availability.incident.Incident;
import io.nines.availability.incident.Notification;
import io.nines.availability.incident.ServiceAlerts;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RepostsTest {
  static final Instant T0 = Instant.parse("2026-04-10T10:00:00Z");
  static final String INCIDENT = "web@" + T0.getEpochSecond();

  static Notification n(String team, String channel, Notification.Kind kind, String step) {
    return new Notification(
        INCIDENT + "/" + team + "/" + channel + "/" + step,
        INCIDENT,
        "web",
        team,
        channel,
        kind,
        T0,
        "web is DOWN",
        Map.of());
  }

  static final List<Notification> LOG =
      List.of(
          n("web-team", "alertmanager", Notification.Kind.PAGE, "step-1"),
          n("web-team", "email", Notification.Kind.PAGE, "step-1"),
          n("shop-team", "alertmanager", Notification.Kind.UPSTREAM, "upstream"),
          n("web-team", "alertmanager", Notification.Kind.ACKNOWLEDGE, "ack"),
          n("web-team", "alertmanager", Notification.Kind.PAGE, "repeat-1"));

  static ServiceAlerts withIncident(Instant resolvedAt) {
    Incident i = new Incident(INCIDENT, "web", T0, null, null, null, resolvedAt, Map.of(), LOG);
    return resolvedAt == null
        ? new ServiceAlerts("web", State.DOWN, i, List.of(), false, null, null, null, List.of())
        : new ServiceAlerts("web", State.UP, null, List.of(), false, null, null, null, List.of(i));
  }

  @Test
  void whenAnIncidentIsOpen_thenTheNewestAlertOfEachTeamAndKindOnAlertmanagerIsReposted() {
    List<Reposts.Due> due = Reposts.due(List.of(withIncident(null)), T0.plusSeconds(90));

    assertThat(due)
        .extracting(d -> d.firing().key())
        .containsExactly(
            INCIDENT + "/web-team/alertmanager/repeat-1",
            INCIDENT + "/shop-team/alertmanager/upstream");
    assertThat(due).allSatisfy(d -> assertThat(d.resolvedAt()).isNull());
  }

  @Test
  void whenAnIncidentResolved_thenItsAlertsArePostedAsResolvedForFiveMinutesThenNoMore() {
    Instant resolved = T0.plus(Duration.ofMinutes(10));

    List<Reposts.Due> soon = Reposts.due(List.of(withIncident(resolved)), resolved.plusSeconds(60));
    List<Reposts.Due> later =
        Reposts.due(List.of(withIncident(resolved)), resolved.plus(Duration.ofMinutes(6)));

    assertThat(soon).hasSize(2).allSatisfy(d -> assertThat(d.resolvedAt()).isEqualTo(resolved));
    assertThat(later).isEmpty();
  }

  @Test
  void whenNoAlertWentToAlertmanager_thenNothingIsReposted() {
    Incident i =
        new Incident(
            INCIDENT,
            "web",
            T0,
            null,
            null,
            null,
            null,
            Map.of(),
            List.of(n("web-team", "pagerduty", Notification.Kind.PAGE, "step-1")));
    ServiceAlerts s =
        new ServiceAlerts("web", State.DOWN, i, List.of(), false, null, null, null, List.of());

    assertThat(Reposts.due(List.of(s), T0.plusSeconds(60))).isEmpty();
  }
}
