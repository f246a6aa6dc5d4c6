package io.nines.coordinator.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nines.availability.incident.IncidentEngine;
import io.nines.availability.incident.Notification;
import io.nines.channels.ChannelOptions;
import io.nines.channels.Channels;
import io.nines.channels.LocalReceiver;
import io.nines.common.testing.ManualTimeSource;
import io.nines.config.Fleet;
import io.nines.config.FleetLoader;
import io.nines.store.alerts.Delivery;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's notifications as the channels render them: times to the second, details in one
 * naming convention with no fact twice, and a recovery that names what the team was told.
 */
class ChannelSenderTest {
  /** The engine writes instants as {@link Instant#toString} does: to the nanosecond. */
  static final Instant START = Instant.parse("2026-12-06T22:40:02.274812478Z");

  @TempDir Path dir;
  Vertx vertx;
  LocalReceiver receiver;
  Channels channels;
  ChannelSender sender;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    receiver = new LocalReceiver(vertx, r -> new LocalReceiver.Response(200, "{}"));
    Files.writeString(
        dir.resolve("fleet.yaml"),
        """
        locations: [eu-west]
        teams:
          web-team: { webhook: { url: "%s" } }
          shop-team: { webhook: { url: "%s" } }
        services:
          web: { tier: critical, owners: [web-team], runbook: "https://runbooks.example/web" }
          shop: { tier: important, owners: [shop-team], depends-on: [web] }
        checks:
          - { id: w, service: web, http: { get: "http://127.0.0.1:1/" } }
          - { id: s, service: shop, http: { get: "http://127.0.0.1:1/" } }
        """
            .formatted(receiver.url("/hooks/web"), receiver.url("/hooks/shop")));
    ManualTimeSource time = new ManualTimeSource(START.plusSeconds(1));
    Fleet fleet = new FleetLoader(time, Map.of(), Map.of()).load(dir);
    channels =
        Channels.create(
            vertx,
            new SimpleMeterRegistry(),
            time,
            ChannelOptions.defaults(),
            ref -> ref.resolve(Map.of()));
    sender = new ChannelSender(channels, () -> fleet, time, "http://nines.example");
  }

  @AfterEach
  void stop() throws Exception {
    await(channels.close());
    receiver.close();
    await(vertx.close());
  }

  /** A notification as {@link IncidentEngine} writes it, camelCase details and all. */
  static Notification engineNotification(
      String team, Notification.Kind kind, Instant at, String summary) {
    Map<String, String> details = new LinkedHashMap<>();
    details.put("check", "w");
    details.put("location", "eu-west");
    details.put("failureKind", "HTTP");
    details.put("failingStep", "pay");
    details.put("actual", "status 503");
    details.put("runbook", "https://runbooks.example/web");
    details.put("tier", "critical");
    details.put("target", "99.9");
    details.put("since", START.toString());
    if (kind == Notification.Kind.UPSTREAM) {
      details.put("exposedServices", "shop");
    }
    String incident = "web@" + START.getEpochSecond();
    return new Notification(
        incident + "/" + team + "/webhook/" + kind.name().toLowerCase(),
        incident,
        "web",
        team,
        "webhook",
        kind,
        at,
        summary,
        details);
  }

  @Test
  void whenTheNewestFailureHasAScreenshot_thenThePageLinksToTheDashboardsViewOfIt()
      throws Exception {
    Notification page =
        engineNotification("web-team", Notification.Kind.PAGE, START, "Web is DOWN");
    Map<String, String> details = new LinkedHashMap<>(page.details());
    details.put(Alerting.SCREENSHOT_DETAIL, "0123456789abcdef0123456789abcdef");

    await(sender.send(withDetails(page, details)));

    JsonObject body = new JsonObject(receiver.requests().get(0).body());
    assertThat(body.getJsonObject("links").getString("screenshot"))
        .isEqualTo("http://nines.example/ui/#/screenshot/0123456789abcdef0123456789abcdef");
    assertThat(body.getJsonObject("details").containsKey("screenshot")).isFalse();
  }

  @Test
  void whenTheScreenshotDetailIsNotAnId_thenNoLinkIsMade() throws Exception {
    Notification page =
        engineNotification("web-team", Notification.Kind.PAGE, START, "Web is DOWN");
    Map<String, String> details = new LinkedHashMap<>(page.details());
    details.put(Alerting.SCREENSHOT_DETAIL, "../../admin?x=<script>");

    await(sender.send(withDetails(page, details)));

    JsonObject body = new JsonObject(receiver.requests().get(0).body());
    assertThat(body.getJsonObject("links").getValue("screenshot")).isNull();
    assertThat(body.encode()).doesNotContain("admin?x");
  }

  static Notification withDetails(Notification n, Map<String, String> details) {
    return new Notification(
        n.key(),
        n.incidentId(),
        n.serviceId(),
        n.team(),
        n.channelKind(),
        n.kind(),
        n.at(),
        n.summary(),
        details);
  }

  @Test
  void whenTheEngineWritesNanoseconds_thenTheWebhookShowsSeconds() throws Exception {
    Delivery d =
        await(
            sender.send(
                engineNotification(
                    "web-team", Notification.Kind.PAGE, START, "Web is DOWN since " + START)));

    assertThat(d.ok()).as(d.message()).isTrue();
    JsonObject body = new JsonObject(receiver.requests().get(0).body());
    assertThat(body.getString("summary")).isEqualTo("Web is DOWN since 2026-12-06T22:40:02Z");
    assertThat(body.getString("headline"))
        .isEqualTo("DOWN web: Web is DOWN since 2026-12-06T22:40:02Z");
    assertThat(body.getString("started_at")).isEqualTo("2026-12-06T22:40:02Z");
    assertThat(body.getString("at")).isEqualTo("2026-12-06T22:40:02Z");
    assertThat(body.encode()).doesNotContain(".274812478");
  }

  @Test
  void whenTheEngineWritesNanoseconds_thenTheInboxAndTheApiShowSecondsToo() {
    Notification n =
        engineNotification("web-team", Notification.Kind.PAGE, START, "Web is DOWN since " + START);

    assertThat(n.summary()).isEqualTo("Web is DOWN since 2026-12-06T22:40:02Z");
    assertThat(n.details()).containsEntry("since", "2026-12-06T22:40:02Z");
  }

  @Test
  void whenDetailsAreSent_thenEveryKeyIsSnakeCaseAndNoFactIsRepeated() throws Exception {
    await(
        sender.send(
            engineNotification(
                "shop-team", Notification.Kind.UPSTREAM, START, "Web is down since " + START)));

    JsonObject body = new JsonObject(receiver.requests().get(0).body());
    List<String> keys = List.copyOf(body.getJsonObject("details").fieldNames());
    assertThat(keys)
        .containsExactlyInAnyOrder(
            "location",
            "failing_step",
            "actual",
            "target",
            "check",
            "failure_kind",
            "exposed_services");
    assertThat(keys.subList(0, 4))
        .as("the well-known ones first")
        .containsExactly("location", "failing_step", "actual", "target");
    assertThat(body.getJsonObject("details").getString("exposed_services")).isEqualTo("shop");
    // Shown once each, in their own fields.
    assertThat(body.getJsonObject("service").getString("tier")).isEqualTo("critical");
    assertThat(body.getJsonObject("links").getString("runbook"))
        .isEqualTo("https://runbooks.example/web");
    assertThat(body.getString("started_at")).isEqualTo("2026-12-06T22:40:02Z");
  }

  @Test
  void whenARecoveryGoesToADependentTeam_thenItEndsTheUpstreamNoticeNotAnOutageOfItsOwn()
      throws Exception {
    Instant up = START.plusSeconds(300);
    await(sender.send(engineNotification("shop-team", Notification.Kind.RESOLVE, up, "Web is UP")));
    await(sender.send(engineNotification("web-team", Notification.Kind.RESOLVE, up, "Web is UP")));

    JsonObject toDependent = new JsonObject(receiver.requests().get(0).body());
    assertThat(toDependent.getString("kind")).isEqualTo("resolve");
    assertThat(toDependent.getString("topic")).isEqualTo("upstream_outage");
    assertThat(toDependent.getString("severity")).isEqualTo("warning");
    JsonObject toOwner = new JsonObject(receiver.requests().get(1).body());
    assertThat(toOwner.getString("topic")).isEqualTo("outage");
    assertThat(toOwner.getString("severity")).isEqualTo("critical");
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
