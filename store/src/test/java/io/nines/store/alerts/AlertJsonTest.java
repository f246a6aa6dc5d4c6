package io.nines.store.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.availability.State;
import io.nines.availability.incident.Incident;
import io.nines.availability.incident.Notification;
import io.nines.availability.incident.ServiceAlerts;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertJsonTest {
  static final Instant T = Instant.parse("2026-04-07T10:00:00.123456789Z");

  static Notification page(String key) {
    return new Notification(
        key,
        "checkout@1775556000",
        "checkout",
        "shop",
        "pagerduty",
        Notification.Kind.PAGE,
        T,
        "checkout is DOWN since 10:00",
        Map.of("failingStep", "login", "actual", "status was 503"));
  }

  static Incident incident(Instant resolvedAt) {
    return new Incident(
        "checkout@1775556000",
        "checkout",
        T,
        "payments",
        T.plusSeconds(60),
        "alice",
        resolvedAt,
        Map.of(
            "shop", new Incident.Paging(false, T, 2, 1),
            "ops", new Incident.Paging(true, null, 0, 0),
            "web", new Incident.Paging(true, T, 0, 0, T.plusSeconds(90))),
        List.of(page("k1"), page("k2")));
  }

  @Test
  void whenServiceAlertsAreEncoded_thenDecodingGivesThemBack() {
    ServiceAlerts full =
        new ServiceAlerts(
            "checkout",
            State.DOWN,
            incident(null),
            List.of(T, T.plusSeconds(30)),
            true,
            T.plusSeconds(30),
            "2026-04-07",
            "2026-04",
            List.of(incident(T.plusSeconds(600))),
            List.of(page("budget/checkout/2026-04/shop/pagerduty/budget_spent")),
            List.of(incident(null)));
    assertThat(AlertJson.decodeServiceAlerts(AlertJson.encode(full))).isEqualTo(full);
    ServiceAlerts initial = ServiceAlerts.initial("catalog");
    assertThat(AlertJson.decodeServiceAlerts(AlertJson.encode(initial))).isEqualTo(initial);
  }

  @Test
  void whenStateWasWrittenBeforeBudgetPages_thenItDecodesWithNone() {
    ServiceAlerts initial = ServiceAlerts.initial("catalog");
    io.vertx.core.json.JsonObject old = AlertJson.serviceAlerts(initial);
    old.remove("budgetPages");
    old.remove("superseded");
    assertThat(AlertJson.serviceAlerts(old)).isEqualTo(initial);
  }

  @Test
  void whenIncidentHasNoAcknowledgementOrRootCause_thenNullsRoundTrip() {
    Incident bare = new Incident("s@1", "s", T, null, null, null, null, Map.of(), List.of());
    assertThat(AlertJson.incident(AlertJson.incident(bare))).isEqualTo(bare);
  }

  @Test
  void whenOutboxEntryIsEncoded_thenDecodingGivesItAndItsLeaseBack() {
    OutboxEntry e =
        new OutboxEntry(
            page("k1"),
            OutboxEntry.Status.RETRYING,
            T,
            T.plusSeconds(5),
            List.of(new Delivery(T, false, "503", "unavailable", true)));
    String json = AlertJson.encode(e, T.plusSeconds(60));
    assertThat(AlertJson.decodeOutboxEntry(json)).isEqualTo(e);
    assertThat(AlertJson.leaseUntil(json)).isEqualTo(T.plusSeconds(60));
    assertThat(AlertJson.leaseUntil(AlertJson.encode(e, null))).isNull();
  }
}
