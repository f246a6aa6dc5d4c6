package io.nines.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.availability.incident.Notification;
import io.nines.common.ProbeResult;
import io.nines.common.ResultBatch;
import io.nines.config.FleetLoader;
import io.nines.coordinator.alerting.Sender;
import io.nines.store.alerts.Delivery;
import io.nines.store.testing.TestFleets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A team that asked for budget pages ({@code notices.budget: page}) is paged for a burn only by
 * downtime that its {@code page-after} confirmed: a blip shorter than the confirmation wakes
 * nobody, by an incident or by its burn, and a real outage's burn page comes no earlier than its
 * incident page. The figures still count every second.
 */
class BurnPageConfirmationIT {
  private static final String FLEET =
      """
      locations: [eu]
      teams:
        core:
          pagerduty: { routing-key: "${env:PD_CORE}" }
          notices: { budget: page }
      services:
        pay: { tier: critical, target: 99.99, owners: [core] }
      checks:
        - { id: pay-api, service: pay, every: 5s, http: { get: "http://127.0.0.1:1/" } }
      """;

  @TempDir Path dir;
  private Vertx vertx;
  private ApiFixture api;
  private final List<Notification> sent = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    api = new ApiFixture();
    Files.writeString(dir.resolve("fleet.yaml"), FLEET);
    api.fleet.set(
        new FleetLoader(api.time, Map.of(), Map.of("PD_CORE", "core0000000000000000000000000001"))
            .load(dir));
    api.sender =
        new Sender() {
          @Override
          public Future<Delivery> send(Notification n) {
            sent.add(n);
            return Future.succeededFuture(
                new Delivery(api.time.now(), true, "202", "accepted", false));
          }
        };
    api.start(vertx, b -> b, Set.of());
  }

  @AfterEach
  void stop() throws Exception {
    api.stop();
    ApiFixture.await(vertx.close());
  }

  /** One run of pay-api at the clock's now, then alerting a second later; 5 s a run. */
  private void run(boolean ok) throws Exception {
    ProbeResult r =
        ok
            ? TestFleets.ok("a1", ++api.seq, "pay-api", "eu", api.time.now())
            : TestFleets.fail("a1", ++api.seq, "pay-api", "eu", api.time.now());
    var response =
        api.post("/api/v1/results", new ResultBatch("a1", List.of(r)).toJson(), ApiFixture.AGENT);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    api.time.advance(Duration.ofSeconds(1));
    ApiFixture.await(api.coordinator.alerting().runOnce());
    api.time.advance(Duration.ofSeconds(4));
  }

  private List<Notification> pages(Notification.Kind kind) {
    return sent.stream()
        .filter(n -> n.kind() == kind && n.channelKind().equals("pagerduty"))
        .toList();
  }

  @Test
  void whenABlipIsShorterThanPageAfter_thenNeitherItsIncidentNorItsBurnPagesTheTeam()
      throws Exception {
    for (int i = 0; i < 12; i++) {
      run(true);
    }
    // Two failed runs (10 s DOWN): on a 99.99% target that is 1/26 of the month's budget, a fast
    // burn by the figures, but page-after (3 failures) never confirmed it.
    run(false);
    run(false);
    // Five minutes more: the burn check runs every minute.
    for (int i = 0; i < 60; i++) {
      run(true);
    }

    assertThat(pages(Notification.Kind.PAGE)).as("incident pages").isEmpty();
    assertThat(pages(Notification.Kind.BUDGET_BURN)).as("burn pages").isEmpty();
    // The figures count the blip.
    var services = api.get("/api/v1/services/pay/availability");
    assertThat(services.bodyAsJsonObject().getDouble("downSeconds")).isEqualTo(10.0);
  }

  @Test
  void whenAnOutageIsConfirmed_thenItsBurnPageComesNoEarlierThanItsIncidentPage() throws Exception {
    for (int i = 0; i < 12; i++) {
      run(true);
    }
    Instant down = api.time.now();
    for (int i = 0; i < 24; i++) {
      run(false);
    }

    List<Notification> incident = pages(Notification.Kind.PAGE);
    List<Notification> burn = pages(Notification.Kind.BUDGET_BURN);
    assertThat(incident).hasSize(1);
    assertThat(burn).hasSize(1);
    // Confirmed by the third failed run, 10 s after the first.
    assertThat(incident.get(0).at()).isAfterOrEqualTo(down.plusSeconds(10));
    assertThat(burn.get(0).at()).isAfterOrEqualTo(incident.get(0).at());
  }
}
