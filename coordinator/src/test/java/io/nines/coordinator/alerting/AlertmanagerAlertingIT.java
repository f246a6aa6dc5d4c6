package io.nines.coordinator.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.channels.ChannelOptions;
import io.nines.channels.Channels;
import io.nines.channels.LocalReceiver;
import io.nines.channels.testing.TestAlertmanager;
import io.nines.common.ProbeResult;
import io.nines.common.ResultBatch;
import io.nines.common.testing.ManualTimeSource;
import io.nines.config.Fleet;
import io.nines.config.FleetLoader;
import io.nines.coordinator.AlertingOptions;
import io.nines.coordinator.Coordinator;
import io.nines.coordinator.CoordinatorOptions;
import io.nines.store.testing.TestFleets;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
 * A team's {@code alertmanager:} channel, end to end: results come in through the API, the
 * coordinator's alerting opens an incident and posts it to a real Alertmanager, whose own routing
 * sends alerts labelled {@code team="payments"} to a webhook receiver here; the incident stays
 * firing through reposts and its resolution reaches the receiver too.
 */
class AlertmanagerAlertingIT {
  static final String TOKEN = "alertmanager-agent-token-0123";
  static final Instant T0 = Instant.parse("2026-04-10T10:00:00Z");

  @TempDir Path dir;
  final ManualTimeSource time = new ManualTimeSource(T0);
  Vertx vertx;
  LocalReceiver receiver;
  TestAlertmanager alertmanager;
  Coordinator coordinator;
  Channels channels;
  WebClient client;
  PrometheusMeterRegistry registry;
  int port;
  long seq;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    receiver = new LocalReceiver(vertx, r -> new LocalReceiver.Response(200, "{}"));
    // Alertmanager's own routing: only the payments team's alerts reach the receiver, at once.
    alertmanager =
        TestAlertmanager.start(
            dir,
            """
            route:
              receiver: "null"
              group_by: [alertname, team, incident]
              group_wait: 0s
              group_interval: 1s
              repeat_interval: 1h
              routes:
                - matchers: ['team="payments"']
                  receiver: payments-oncall
            receivers:
              - name: "null"
              - name: payments-oncall
                webhook_configs:
                  - url: "%s"
                    send_resolved: true
            """
                .formatted(receiver.url("/alertmanager/payments")));
    Path config = Files.createDirectories(dir.resolve("config"));
    Files.writeString(
        config.resolve("fleet.yaml"),
        """
        locations: [eu]
        teams:
          payments:
            alertmanager: { url: "%1$s" }
          storefront:
            alertmanager: { url: "%1$s" }
        services:
          checkout: { name: Checkout, tier: critical, owners: [payments], runbook: "https://runbooks.example/checkout" }
          catalog: { tier: important, owners: [storefront], depends-on: [checkout] }
        checks:
          - { id: checkout-api, service: checkout, every: 30s, http: { get: "http://127.0.0.1:1/k" } }
        """
            .formatted(alertmanager.url()));
    Fleet fleet = new FleetLoader(time, Map.of(), Map.of()).load(config);
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    channels =
        Channels.create(
            vertx, registry, time, ChannelOptions.defaults(), ref -> ref.resolve(Map.of()));
    coordinator =
        new Coordinator(
            CoordinatorOptions.builder()
                .port(0)
                .agentTokens(Set.of(TOKEN))
                .fleet(fleet)
                .timeSource(time)
                .meterRegistry(registry)
                .build(),
            // The period is an hour: the test runs alerting itself, on its manual clock.
            new AlertingOptions(
                new ChannelSender(channels, () -> fleet, time, "http://nines.example"),
                Set.of(),
                3_600_000));
    port = coordinator.start(vertx).await(10, TimeUnit.SECONDS);
    client = WebClient.create(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    if (coordinator != null) {
      coordinator.stop().await(10, TimeUnit.SECONDS);
    }
    if (channels != null) {
      channels.close().await(10, TimeUnit.SECONDS);
    }
    if (receiver != null) {
      receiver.close();
    }
    if (alertmanager != null) {
      alertmanager.close();
    }
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void whenAServiceGoesDownAndRecovers_thenAlertmanagerRoutesItsFiringAndResolvedAlerts()
      throws Exception {
    // checkout fails until its owners' alert reaches the receiver through Alertmanager's routing.
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              result(false);
              coordinator.alerting().runOnce().await(10, TimeUnit.SECONDS);
              time.advance(Duration.ofSeconds(10));
              return !received("firing").isEmpty();
            });
    JsonObject firing = received("firing").get(0);
    JsonObject labels = firing.getJsonArray("alerts").getJsonObject(0).getJsonObject("labels");
    assertThat(labels.getString("alertname")).isEqualTo("NinesServiceDown");
    assertThat(labels.getString("team")).isEqualTo("payments");
    assertThat(labels.getString("service")).isEqualTo("checkout");
    assertThat(labels.getString("severity")).isEqualTo("critical");
    assertThat(labels.getString("tier")).isEqualTo("critical");
    String incident = labels.getString("incident");
    assertThat(incident).startsWith("checkout@");
    JsonObject annotations =
        firing.getJsonArray("alerts").getJsonObject(0).getJsonObject("annotations");
    assertThat(annotations.getString("runbook_url")).isEqualTo("https://runbooks.example/checkout");
    assertThat(annotations.getString("summary")).startsWith("DOWN Checkout: ");
    assertThat(received())
        .as("Alertmanager's routing sends only the payments team's alerts here")
        .allSatisfy(
            p ->
                assertThat(p.getJsonObject("commonLabels").getString("team"))
                    .isEqualTo("payments"));

    // While the incident is open, the alert is posted again every minute, so Alertmanager never
    // times it out (its resolve_timeout is 5 minutes).
    String down = "alertname=\"NinesServiceDown\"";
    JsonObject before = alertmanager.alerts(down, "team=\"payments\"").getJsonObject(0);
    time.advance(Duration.ofMinutes(1));
    result(false);
    coordinator.alerting().runOnce().await(10, TimeUnit.SECONDS);
    JsonArray after = alertmanager.alerts(down, "team=\"payments\"");
    assertThat(after).hasSize(1);
    assertThat(after.getJsonObject(0).getJsonObject("labels").getString("incident"))
        .isEqualTo(incident);
    assertThat(Instant.parse(after.getJsonObject(0).getString("updatedAt")))
        .as("reposted")
        .isAfter(Instant.parse(before.getString("updatedAt")));
    assertThat(
            registry
                .get("nines.alerting.reposts")
                .tags("channel", "alertmanager", "state", "firing", "outcome", "sent")
                .counter()
                .count())
        .isGreaterThanOrEqualTo(1);

    // checkout recovers: the resolution reaches the receiver, and Alertmanager holds no alert.
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              result(true);
              coordinator.alerting().runOnce().await(10, TimeUnit.SECONDS);
              time.advance(Duration.ofSeconds(10));
              return !received("resolved").isEmpty();
            });
    JsonObject resolved = received("resolved").get(0);
    JsonObject alert = resolved.getJsonArray("alerts").getJsonObject(0);
    assertThat(alert.getJsonObject("labels").getString("incident")).isEqualTo(incident);
    assertThat(alert.getString("status")).isEqualTo("resolved");
    assertThat(alertmanager.alerts("incident=\"" + incident + "\"")).isEmpty();
    assertThat(alertmanager.alerts("incident=~\"checkout@.*\""))
        .as("every alert of the incident is resolved, the other team's upstream notice too")
        .isEmpty();
  }

  /** The receiver's Alertmanager webhook payloads of every status. */
  List<JsonObject> received() {
    return receiver.requests().stream().map(r -> new JsonObject(r.body())).toList();
  }

  /**
   * The receiver's Alertmanager webhook payloads of {@code NinesServiceDown} alerts whose status is
   * {@code status}. (An outage also burns the budget: a budget notice may arrive beside them.)
   */
  List<JsonObject> received(String status) {
    return received().stream()
        .filter(p -> status.equals(p.getString("status")))
        .filter(
            p -> "NinesServiceDown".equals(p.getJsonObject("commonLabels").getString("alertname")))
        .toList();
  }

  void result(boolean ok) throws Exception {
    ProbeResult r =
        ok
            ? TestFleets.ok("agent-eu", ++seq, "checkout-api", "eu", time.now())
            : TestFleets.fail("agent-eu", ++seq, "checkout-api", "eu", time.now());
    int status =
        client
            .post(port, "127.0.0.1", "/api/v1/results")
            .putHeader("Authorization", "Bearer " + TOKEN)
            .timeout(10_000)
            .sendJsonObject(new ResultBatch("agent-eu", List.of(r)).toJson())
            .await(10, TimeUnit.SECONDS)
            .statusCode();
    assertThat(status).as("results accepted").isEqualTo(200);
  }
}
