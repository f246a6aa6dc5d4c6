package io.nines.channels;

import static io.nines.channels.Fixtures.await;
import static io.nines.channels.Fixtures.checkout;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nines.channels.Notification.Kind;
import io.nines.channels.internal.WebhookChannel;
import io.nines.common.testing.ManualTimeSource;
import io.nines.config.Channel;
import io.nines.config.SecretRef;
import io.nines.config.Template;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The generic webhook and the Slack webhook against local receivers. The webhook receiver verifies
 * the signature the way docs/channels.md tells receivers to: HMAC-SHA256 of the raw body with the
 * shared secret, compared in constant time, written here with the JDK alone.
 */
class WebhookChannelTest {
  static final String SECRET = "receiver-shared-secret";

  Vertx vertx;
  ManualTimeSource time;
  SimpleMeterRegistry registry;
  Channels channels;
  LocalReceiver receiver;
  List<JsonObject> verified = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    time = new ManualTimeSource(Fixtures.START.plusSeconds(5));
    registry = new SimpleMeterRegistry();
    channels =
        Channels.create(
            vertx,
            registry,
            time,
            ChannelOptions.defaults(),
            ref -> ref.resolve(Map.of("HOOK_SECRET", SECRET, "HOOK_TOKEN", "t0ken-in-the-path")));
    receiver = new LocalReceiver(vertx, this::verify);
  }

  @AfterEach
  void stop() {
    await(channels.close());
    receiver.close();
    await(vertx.close());
  }

  /** What a receiver does: check the signature over the raw bytes before parsing anything. */
  LocalReceiver.Response verify(LocalReceiver.Request r) {
    byte[] raw = r.body().getBytes();
    String header = r.headers().get("X-Nines-Signature");
    String expected = "sha256=" + hmacSha256Hex(SECRET, raw);
    if (header == null
        || !MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.US_ASCII),
            header.getBytes(StandardCharsets.US_ASCII))) {
      return new LocalReceiver.Response(401, "{\"error\":\"bad signature\"}");
    }
    verified.add(new JsonObject(r.body()));
    return new LocalReceiver.Response(200, "{\"received\":true}");
  }

  static String hmacSha256Hex(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static Template secret(String name) {
    return new Template(
        "${env:" + name + "}",
        List.of(new Template.Secret(new SecretRef(SecretRef.Kind.ENV, name))));
  }

  @Test
  void whenSigned_thenTheReceiverVerifiesTheHmacOverTheRawBodyAndGetsKeyAndTimestamp() {
    Channel.Webhook hook =
        new Channel.Webhook(Template.literal(receiver.url("/hooks/nines")), secret("HOOK_SECRET"));

    DeliveryResult r = await(channels.send(checkout(Kind.TRIGGER), hook));

    assertThat(r.ok()).as(r.message()).isTrue();
    assertThat(r.code()).isEqualTo(200);
    LocalReceiver.Request request = receiver.requests().get(0);
    assertThat(request.headers().get("Idempotency-Key")).isEqualTo("inc-42/payments:pager/trigger");
    assertThat(request.headers().get("X-Nines-Timestamp")).isEqualTo("1740798725");
    assertThat(request.headers().get("Content-Type")).isEqualTo("application/json");
    assertThat(
            WebhookSignature.verify(
                SECRET, request.body().getBytes(), request.headers().get("X-Nines-Signature")))
        .isTrue();
    JsonObject body = verified.get(0);
    assertThat(body.getLong("sent_at")).isEqualTo(1740798725L);
    assertThat(body.getString("idempotency_key")).isEqualTo("inc-42/payments:pager/trigger");
    assertThat(body.getString("incident_id")).isEqualTo("inc-42");
    assertThat(body.getString("kind")).isEqualTo("trigger");
    assertThat(body.getString("topic")).isEqualTo("outage");
    assertThat(body.getString("severity")).isEqualTo("critical");
    assertThat(body.getJsonObject("service").getMap())
        .containsEntry("id", "checkout")
        .containsEntry("tier", "gold");
    assertThat(body.getString("started_at")).isEqualTo("2025-03-01T03:12:00Z");
    assertThat(body.getJsonObject("details").getString("failing_step")).isEqualTo("pay");
    assertThat(body.getJsonObject("links").getString("runbook"))
        .isEqualTo("http://wiki.test/runbooks/checkout");
  }

  @Test
  void whenTheSecretIsWrong_thenTheReceiverRejectsItAndTheResultIsPermanent() {
    Channel.Webhook hook =
        new Channel.Webhook(
            Template.literal(receiver.url("/hooks/nines")), Template.literal("not-the-secret"));

    DeliveryResult r = await(channels.send(checkout(Kind.TRIGGER), hook));

    assertThat(r.ok()).isFalse();
    assertThat(r.retryable()).isFalse();
    assertThat(r.code()).isEqualTo(401);
    assertThat(r.message()).contains("bad signature").doesNotContain("not-the-secret");
    assertThat(verified).isEmpty();
  }

  @Test
  void whenTheBodyIsAlteredAfterSigning_thenTheSignatureNoLongerVerifies() {
    byte[] body = sampleBody();
    String header = WebhookSignature.sign(SECRET, body);
    byte[] altered =
        new String(body, StandardCharsets.UTF_8)
            .replace("critical", "info")
            .getBytes(StandardCharsets.UTF_8);

    assertThat(header).isEqualTo("sha256=" + hmacSha256Hex(SECRET, body));
    assertThat(WebhookSignature.verify(SECRET, body, header)).isTrue();
    assertThat(WebhookSignature.verify(SECRET, altered, header)).isFalse();
    assertThat(WebhookSignature.verify("other", body, header)).isFalse();
    assertThat(WebhookSignature.verify(SECRET, body, header.substring("sha256=".length())))
        .isFalse();
    assertThat(WebhookSignature.verify(SECRET, body, null)).isFalse();
  }

  private static byte[] sampleBody() {
    return WebhookChannel.body(checkout(Kind.TRIGGER), 1L).toBuffer().getBytes();
  }

  @Test
  void whenTheUrlHoldsASecret_thenNeitherResultsNorMetricTagsShowIt() {
    LocalReceiver failing =
        new LocalReceiver(
            vertx,
            r -> new LocalReceiver.Response(500, "{\"error\":\"no route for " + r.path() + "\"}"));
    Template url =
        new Template(
            failing.url("/hooks/") + "${env:HOOK_TOKEN}",
            List.of(
                new Template.Text(failing.url("/hooks/")),
                new Template.Secret(new SecretRef(SecretRef.Kind.ENV, "HOOK_TOKEN"))));

    DeliveryResult r = await(channels.send(checkout(Kind.TRIGGER), new Channel.Webhook(url, null)));
    failing.close();

    assertThat(failing.requests().get(0).path()).isEqualTo("/hooks/t0ken-in-the-path");
    assertThat(r.retryable()).isTrue();
    assertThat(r.message()).contains("no route for /hooks/****").doesNotContain("t0ken");
    assertThat(registry.getMeters())
        .allSatisfy(
            m -> assertThat(m.getId().toString()).doesNotContain("t0ken").doesNotContain("/hooks"));
    assertThat(channels.circuits())
        .extracting(CircuitStatus::endpoint)
        .containsExactly("127.0.0.1:" + failing.port());
  }

  @Test
  void whenTheUrlIsNotHttp_thenThePermanentResultShowsItAsConfigured() {
    Channel.Webhook hook = new Channel.Webhook(Template.literal("ftp://files.test/drop"), null);

    DeliveryResult r = await(channels.send(checkout(Kind.TRIGGER), hook));

    assertThat(r.retryable()).isFalse();
    assertThat(r.message())
        .isEqualTo(
            "webhook url 'ftp://files.test/drop' is not an absolute http(s) URL with a host"
                + " (expected: such as https://host/path)");
  }

  @Test
  void whenSentToSlack_thenTheReceiverGetsTextAndAMarkdownBlock() {
    List<JsonObject> slack = new CopyOnWriteArrayList<>();
    LocalReceiver slackHook =
        new LocalReceiver(
            vertx,
            r -> {
              slack.add(new JsonObject(r.body()));
              return new LocalReceiver.Response(200, "ok");
            });

    DeliveryResult r =
        await(
            channels.send(
                checkout(Kind.RESOLVE),
                new Channel.Slack(Template.literal(slackHook.url("/services/T0/B0/x")))));
    slackHook.close();

    assertThat(r.ok()).as(r.message()).isTrue();
    JsonObject message = slack.get(0);
    assertThat(message.getString("text"))
        .isEqualTo("RECOVERED Checkout: step 'pay' got status 503 in eu-west and us-east");
    JsonObject block = message.getJsonArray("blocks").getJsonObject(0);
    assertThat(block.getString("type")).isEqualTo("section");
    assertThat(block.getJsonObject("text").getString("type")).isEqualTo("mrkdwn");
    assertThat(block.getJsonObject("text").getString("text"))
        .startsWith("*RECOVERED Checkout*: step 'pay' got status 503")
        .contains("\n*Recovered:* 2025-03-01 03:24:00 UTC")
        .contains(
            "<http://nines.test/incidents/inc-42|Incident> | <http://nines.test/services/checkout/timeline|Timeline>");
  }

  @Test
  void whenSlackSaysTheHookIsGone_thenTheResultIsPermanent() {
    LocalReceiver slackHook =
        new LocalReceiver(vertx, r -> new LocalReceiver.Response(404, "no_service"));

    DeliveryResult r =
        await(
            channels.send(
                checkout(Kind.TRIGGER),
                new Channel.Slack(Template.literal(slackHook.url("/services/T0/B0/x")))));
    slackHook.close();

    assertThat(r)
        .extracting(DeliveryResult::code, DeliveryResult::retryable)
        .containsExactly(404, false);
    assertThat(r.message()).contains("no_service");
  }
}
