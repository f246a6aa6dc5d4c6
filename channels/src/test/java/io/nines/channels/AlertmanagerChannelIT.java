package io.nines.channels;

import static io.nines.channels.Fixtures.await;
import static io.nines.channels.Fixtures.checkout;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nines.channels.Notification.Kind;
import io.nines.channels.testing.TestAlertmanager;
import io.nines.common.testing.ManualTimeSource;
import io.nines.config.Channel;
import io.nines.config.Template;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Alertmanager channel against a real Alertmanager ({@link TestAlertmanager}: Debian's {@code
 * prometheus-alertmanager}, installed by {@code scripts/test-peers}), started here on 127.0.0.1 and
 * a free port with clustering off. Without the binary the test is skipped with a reason, except
 * under {@code CI=true}, where a missing peer is a failure.
 */
class AlertmanagerChannelIT {
  @TempDir Path dir;
  TestAlertmanager alertmanager;
  String base;
  Vertx vertx;
  Channels channels;

  @BeforeEach
  void start() throws Exception {
    alertmanager =
        TestAlertmanager.start(
            dir, "route:\n  receiver: \"null\"\nreceivers:\n  - name: \"null\"\n");
    base = alertmanager.url();
    vertx = Vertx.vertx();
    channels =
        Channels.create(
            vertx,
            new SimpleMeterRegistry(),
            new ManualTimeSource(Fixtures.START),
            ChannelOptions.defaults(),
            ref -> ref.resolve(Map.of()));
  }

  @AfterEach
  void stop() throws Exception {
    if (channels != null) {
      await(channels.close());
      await(vertx.close());
    }
    if (alertmanager != null) {
      alertmanager.close();
    }
  }

  @Test
  void whenATeamConfiguresAnAlertmanagerChannel_thenSendPostsToIt() throws Exception {
    Channel.Alertmanager configured = new Channel.Alertmanager(Template.literal(base));

    DeliveryResult fired = await(channels.send(checkout(Kind.TRIGGER), configured));

    assertThat(fired.ok()).as(fired.message()).isTrue();
    assertThat(alertmanager.alerts("incident=\"inc-42\"", "team=\"payments\"")).hasSize(1);
    DeliveryResult resolved = await(channels.send(checkout(Kind.RESOLVE), configured));
    assertThat(resolved.ok()).as(resolved.message()).isTrue();
    assertThat(alertmanager.alerts("incident=\"inc-42\"")).isEmpty();
  }

  @Test
  void whenAnOutageIsPostedAndResolved_thenAlertmanagerListsItWithItsLabelsThenDropsIt()
      throws Exception {
    AlertmanagerTarget target = AlertmanagerTarget.at(base);

    DeliveryResult fired = await(channels.sendToAlertmanager(checkout(Kind.TRIGGER), target));

    assertThat(fired.ok()).as(fired.message()).isTrue();
    assertThat(fired.code()).isEqualTo(200);
    JsonArray alerts = alerts();
    assertThat(alerts).hasSize(1);
    JsonObject alert = alerts.getJsonObject(0);
    assertThat(alert.getJsonObject("labels").getMap())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "alertname", "NinesServiceDown",
                "service", "checkout",
                "tier", "gold",
                "team", "payments",
                "severity", "critical",
                "incident", "inc-42"));
    assertThat(alert.getJsonObject("annotations").getString("summary"))
        .isEqualTo("DOWN Checkout: step 'pay' got status 503 in eu-west and us-east");
    assertThat(alert.getJsonObject("annotations").getString("runbook_url"))
        .isEqualTo("http://wiki.test/runbooks/checkout");
    assertThat(alert.getJsonObject("annotations").getString("description"))
        .contains("Failing step: pay")
        .contains("Availability: 99.82 % this month (target 99.9 %)");
    assertThat(alert.getString("startsAt")).isEqualTo("2025-03-01T03:12:00.000Z");
    assertThat(alert.getString("generatorURL")).isEqualTo("http://nines.test/incidents/inc-42");
    assertThat(alert.getJsonObject("status").getString("state")).isEqualTo("active");

    DeliveryResult acknowledged =
        await(channels.sendToAlertmanager(checkout(Kind.ACKNOWLEDGE), target));
    assertThat(acknowledged.ok()).isTrue();
    assertThat(acknowledged.code()).isZero();

    DeliveryResult resolved = await(channels.sendToAlertmanager(checkout(Kind.RESOLVE), target));
    assertThat(resolved.ok()).as(resolved.message()).isTrue();
    // endsAt is in the past, so the alert is resolved and no longer listed.
    assertThat(alerts()).isEmpty();
  }

  @Test
  void whenAlertmanagerRejectsTheAlert_thenTheResultIsPermanentWithItsReason() {
    // A target whose path leads to a handler that does not take alerts.
    DeliveryResult r =
        await(
            channels.sendToAlertmanager(
                checkout(Kind.TRIGGER), AlertmanagerTarget.at(base + "/-/healthy/x")));

    assertThat(r.ok()).isFalse();
    assertThat(r.retryable()).isFalse();
    assertThat(r.code()).isBetween(400, 499);
  }

  JsonArray alerts() throws Exception {
    return alertmanager.alerts();
  }
}
