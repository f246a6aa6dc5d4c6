package io.nines.channels;

import static io.nines.channels.Fixtures.await;
import static io.nines.channels.Fixtures.checkout;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nines.channels.Notification.Kind;
import io.nines.common.testing.ManualTimeSource;
import io.nines.config.Channel;
import io.nines.config.SecretRef;
import io.nines.config.Template;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PagerDutyChannelTest {
  static final String KEY = "R0UT1NGKEY0123456789abcdefABCDEF";

  Vertx vertx;
  PagerDutyReceiver pagerDuty;
  Channels channels;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    pagerDuty = new PagerDutyReceiver(vertx);
    channels =
        Channels.create(
            vertx,
            new SimpleMeterRegistry(),
            new ManualTimeSource(Fixtures.START),
            ChannelOptions.defaults(),
            ref -> ref.resolve(Map.of("PD_KEY", KEY)));
  }

  @AfterEach
  void stop() {
    await(channels.close());
    pagerDuty.close();
    await(vertx.close());
  }

  Channel.PagerDuty channel(String key) {
    return new Channel.PagerDuty(Template.literal(key), pagerDuty.url());
  }

  @Test
  void
      whenIncidentIsTriggeredAcknowledgedAndResolved_thenPagerDutyGetsThreeValidEventsWithOneDedupKey() {
    for (Kind kind : List.of(Kind.TRIGGER, Kind.ACKNOWLEDGE, Kind.RESOLVE)) {
      DeliveryResult r = await(channels.send(checkout(kind), channel(KEY)));
      assertThat(r.ok()).as(r.message()).isTrue();
      assertThat(r.code()).isEqualTo(202);
    }

    List<JsonObject> events = pagerDuty.accepted();
    assertThat(events)
        .extracting(e -> e.getString("event_action"))
        .containsExactly("trigger", "acknowledge", "resolve");
    assertThat(events).extracting(e -> e.getString("dedup_key")).containsOnly("inc-42");
    assertThat(events).extracting(e -> e.getString("routing_key")).containsOnly(KEY);

    JsonObject trigger = events.get(0);
    JsonObject payload = trigger.getJsonObject("payload");
    assertThat(payload.getString("summary"))
        .isEqualTo("DOWN Checkout: step 'pay' got status 503 in eu-west and us-east");
    assertThat(payload.getString("source")).isEqualTo("checkout");
    assertThat(payload.getString("severity")).isEqualTo("critical");
    assertThat(payload.getString("component")).isEqualTo("pay");
    assertThat(payload.getString("group")).isEqualTo("payments");
    assertThat(payload.getString("class")).isEqualTo("outage");
    assertThat(payload.getString("timestamp")).isEqualTo("2025-03-01T03:12:00Z");
    assertThat(payload.getJsonObject("custom_details").getMap())
        .containsEntry("Actual value", "status 503")
        .containsEntry("Availability", "99.82 % this month (target 99.9 %)")
        .containsEntry("idempotency_key", "inc-42/payments:pager/trigger");
    assertThat(trigger.getString("client")).isEqualTo("Nines");
    assertThat(trigger.getString("client_url")).isEqualTo("http://nines.test/incidents/inc-42");
    assertThat(trigger.getJsonArray("links").size()).isEqualTo(3);
  }

  @Test
  void whenSummaryIsLongerThan1024Characters_thenItIsCutToFitAndAccepted() {
    Notification n = checkout(Kind.TRIGGER);
    Notification longOne =
        new Notification(
            n.idempotencyKey(),
            n.incidentId(),
            n.kind(),
            n.topic(),
            n.serviceId(),
            n.serviceName(),
            n.tier(),
            n.teamId(),
            n.severity(),
            "x".repeat(5000),
            n.startedAt(),
            n.at(),
            n.details(),
            n.links());

    DeliveryResult r = await(channels.send(longOne, channel(KEY)));

    assertThat(r.ok()).as(r.message()).isTrue();
    String summary = pagerDuty.accepted().get(0).getJsonObject("payload").getString("summary");
    assertThat(summary).hasSize(1024).endsWith("\u2026");
  }

  @Test
  void whenPagerDutyRejectsTheEvent_thenTheResultIsPermanentAndCarriesItsErrors() {
    DeliveryResult r = await(channels.send(checkout(Kind.TRIGGER), channel("too-short")));

    assertThat(r.ok()).isFalse();
    assertThat(r.retryable()).isFalse();
    assertThat(r.code()).isEqualTo(400);
    assertThat(r.message())
        .startsWith("pagerduty 127.0.0.1:")
        .contains("answered 400")
        .contains("32-character integration key");
    assertThat(pagerDuty.accepted()).isEmpty();
  }

  @Test
  void whenPagerDutyIsRateLimitingOrFailing_thenTheResultIsRetryable() {
    pagerDuty.failNext(429, 503);

    DeliveryResult limited = await(channels.send(checkout(Kind.TRIGGER), channel(KEY)));
    DeliveryResult failing = await(channels.send(checkout(Kind.TRIGGER), channel(KEY)));
    DeliveryResult then = await(channels.send(checkout(Kind.TRIGGER), channel(KEY)));

    assertThat(limited)
        .extracting(DeliveryResult::code, DeliveryResult::retryable)
        .containsExactly(429, true);
    assertThat(failing)
        .extracting(DeliveryResult::code, DeliveryResult::retryable)
        .containsExactly(503, true);
    assertThat(then.ok()).isTrue();
    assertThat(pagerDuty.accepted()).hasSize(1);
  }

  @Test
  void whenRoutingKeyIsASecret_thenItIsSentButNeverShownInTheResult() {
    String wrongKey = "wrong-secret-key";
    Channels withWrongKey =
        Channels.create(
            vertx,
            new SimpleMeterRegistry(),
            new ManualTimeSource(Fixtures.START),
            ChannelOptions.defaults(),
            ref -> ref.resolve(Map.of("PD_KEY", wrongKey)));
    Channel.PagerDuty config =
        new Channel.PagerDuty(
            new Template(
                "${env:PD_KEY}",
                List.of(new Template.Secret(new SecretRef(SecretRef.Kind.ENV, "PD_KEY")))),
            pagerDuty.url());

    DeliveryResult r = await(withWrongKey.send(checkout(Kind.TRIGGER), config));
    await(withWrongKey.close());

    // The receiver echoes the bad key in its error; the result must not.
    assertThat(pagerDuty.requests().get(0).body().toString()).contains(wrongKey);
    assertThat(r.code()).isEqualTo(400);
    assertThat(r.message()).doesNotContain(wrongKey).contains("****");
  }

  @Test
  void whenTheRoutingKeySecretIsUnset_thenNothingIsSentAndTheResultNamesTheReference() {
    Channel.PagerDuty config =
        new Channel.PagerDuty(
            new Template(
                "${env:MISSING}",
                List.of(new Template.Secret(new SecretRef(SecretRef.Kind.ENV, "MISSING")))),
            pagerDuty.url());

    DeliveryResult r = await(channels.send(checkout(Kind.TRIGGER), config));

    assertThat(r.ok()).isFalse();
    assertThat(r.retryable()).isFalse();
    assertThat(r.message())
        .isEqualTo(
            "pagerduty: pagerduty routing_key: ${env:MISSING} is not set: export MISSING in the"
                + " environment of the process");
    assertThat(pagerDuty.requests()).isEmpty();
  }
}
