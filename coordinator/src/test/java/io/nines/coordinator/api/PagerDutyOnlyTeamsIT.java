package io.nines.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nines.availability.incident.Notification;
import io.nines.channels.ChannelOptions;
import io.nines.channels.Channels;
import io.nines.channels.Notification.Topic;
import io.nines.channels.PagerDutyReceiver;
import io.nines.common.ProbeResult;
import io.nines.common.ResultBatch;
import io.nines.config.FleetLoader;
import io.nines.coordinator.alerting.ChannelSender;
import io.nines.coordinator.alerting.Sender;
import io.nines.store.alerts.Delivery;
import io.nines.store.testing.TestFleets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Teams whose only channel is PagerDuty, through the real coordinator: results posted over HTTP,
 * agents' heartbeats, alerting on a manual clock, the real PagerDuty channel delivering to a local
 * PagerDuty receiver on port 0. Every alert PagerDuty receives a {@code trigger} for is resolved by
 * the end: pages, upstream notices and budget pages resolve; flapping and fleet notices, which
 * belong to no incident, never reach PagerDuty.
 *
 * <p>{@code web} (core) goes down and takes {@code shop} (storefront) with it; {@code flappy}
 * (storefront) flaps; the lone agent stops sending heartbeats and comes back. core asked for budget
 * pages; ops is the operators team.
 */
class PagerDutyOnlyTeamsIT {
  private static final String FLEET =
      """
      locations: [eu, us, ap]
      settings:
        alerting: { operators: ops, flapping: { changes: 4, window: 10m } }
      teams:
        core:
          pagerduty: { routing-key: "${env:PD_CORE}", url: "%1$s" }
          notices: { budget: page }
        storefront:
          pagerduty: { routing-key: "${env:PD_STOREFRONT}", url: "%1$s" }
        ops:
          pagerduty: { routing-key: "${env:PD_OPS}", url: "%1$s" }
      services:
        web: { tier: critical, owners: [core] }
        shop: { tier: important, owners: [storefront], depends-on: [web] }
        flappy: { tier: important, owners: [storefront] }
      checks:
        - { id: web-home, service: web, every: 5s, down-when: 2 of 3 locations fail, http: { get: "http://127.0.0.1:1/" } }
        - { id: shop-home, service: shop, every: 5s, down-when: 2 of 3 locations fail, http: { get: "http://127.0.0.1:1/" } }
        - { id: flappy-home, service: flappy, every: 5s, down-when: 2 of 3 locations fail, http: { get: "http://127.0.0.1:1/" } }
      """;

  private static final Map<String, String> ENV =
      Map.of(
          "PD_CORE", "core0000000000000000000000000001",
          "PD_STOREFRONT", "storefront0000000000000000000002",
          "PD_OPS", "ops00000000000000000000000000003");

  @TempDir Path dir;
  private Vertx vertx;
  private PagerDutyReceiver pagerDuty;
  private ApiFixture api;
  private ChannelSender channelSender;

  /** Pages of web fail (retryably) this many more times before reaching the channel. */
  private int webPagesToFail;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    pagerDuty = new PagerDutyReceiver(vertx);
    api = new ApiFixture();
    Files.writeString(dir.resolve("fleet.yaml"), FLEET.formatted(pagerDuty.url()));
    api.fleet.set(new FleetLoader(api.time, Map.of(), ENV).load(dir));
    Channels channels =
        Channels.create(
            vertx,
            new SimpleMeterRegistry(),
            api.time,
            ChannelOptions.defaults(),
            ref -> ref.resolve(ENV));
    channelSender = new ChannelSender(channels, api.fleet::get, api.time, "http://nines.test");
    api.sender =
        new Sender() {
          @Override
          public Future<Delivery> send(Notification n) {
            if (n.kind() == Notification.Kind.PAGE
                && n.serviceId().equals("web")
                && webPagesToFail > 0) {
              webPagesToFail--;
              return Future.succeededFuture(
                  new Delivery(api.time.now(), false, "503", "PagerDuty is having trouble", true));
            }
            return channelSender.send(n);
          }
        };
    api.start(vertx, b -> b, Set.of());
  }

  @AfterEach
  void stop() throws Exception {
    api.stop();
    pagerDuty.close();
    ApiFixture.await(vertx.close());
  }

  /**
   * One run of every check at the clock's now, then one alerting run a second later; the agent
   * sends its heartbeat unless it is {@code lost}.
   */
  private void run(boolean webOk, boolean shopOk, boolean flappyOk, boolean lost) throws Exception {
    if (!lost) {
      var r =
          api.post(
              "/api/v1/agents/heartbeat",
              new JsonObject().put("id", "a1").put("location", "eu"),
              ApiFixture.AGENT);
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    }
    post("web-home", webOk);
    post("shop-home", shopOk);
    post("flappy-home", flappyOk);
    api.time.advance(Duration.ofSeconds(1));
    ApiFixture.await(api.coordinator.alerting().runOnce());
    api.time.advance(Duration.ofSeconds(4));
  }

  private void run(boolean webOk, boolean shopOk, boolean flappyOk) throws Exception {
    run(webOk, shopOk, flappyOk, false);
  }

  /** One run of {@code check} from the three locations; a failing run fails in two of them. */
  private void post(String check, boolean ok) throws Exception {
    List<ProbeResult> results = new ArrayList<>();
    for (String location : List.of("eu", "us", "ap")) {
      results.add(
          ok || location.equals("ap")
              ? TestFleets.ok("a1", ++api.seq, check, location, api.time.now())
              : TestFleets.fail("a1", ++api.seq, check, location, api.time.now()));
    }
    var r = api.post("/api/v1/results", new ResultBatch("a1", results).toJson(), ApiFixture.AGENT);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
  }

  /** Every event received, as {@code routing_key dedup_key} to its actions in order. */
  private Map<String, List<String>> alerts() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (JsonObject e : pagerDuty.accepted()) {
      out.computeIfAbsent(
              e.getString("routing_key") + " " + e.getString("dedup_key"), k -> new ArrayList<>())
          .add(e.getString("event_action"));
    }
    return out;
  }

  @Test
  void whenTeamsHaveOnlyPagerDuty_thenEveryTriggerReceivedIsResolvedByTheEnd() throws Exception {
    run(true, true, true);
    // web down for five minutes, shop with it: a page, an upstream notice, a budget page.
    for (int i = 0; i < 60; i++) {
      run(false, i == 0, true);
    }
    run(true, true, true);
    run(true, true, true);

    // flappy fails three runs (a page) and recovers, over and over: it flaps.
    for (int cycle = 0; cycle < 4; cycle++) {
      for (int i = 0; i < 3; i++) {
        run(true, true, false);
      }
      run(true, true, true);
    }
    // The agent stops sending heartbeats for a minute: lost, and its location empty.
    for (int i = 0; i < 12; i++) {
      run(true, true, true, true);
    }
    // Stable for longer than half the flap window, the agent back.
    for (int i = 0; i < 70; i++) {
      run(true, true, true);
    }
    Map<String, List<String>> during = alerts();
    assertThat(during.keySet())
        .as("the scenario reached PagerDuty")
        .anyMatch(k -> k.startsWith(ENV.get("PD_CORE") + " web@"))
        .anyMatch(k -> k.startsWith(ENV.get("PD_STOREFRONT") + " web@"))
        .anyMatch(k -> k.startsWith(ENV.get("PD_STOREFRONT") + " flappy@"))
        .anyMatch(k -> k.startsWith(ENV.get("PD_CORE") + " budget/web/"));
    assertThat(pagerDuty.accepted())
        .as("no flapping or fleet notice reaches PagerDuty")
        .noneMatch(
            e ->
                e.getJsonObject("payload") != null
                    && Set.of(Topic.FLAPPING.wire(), Topic.FLEET.wire())
                        .contains(e.getJsonObject("payload").getString("class")))
        .noneMatch(e -> e.getString("routing_key").equals(ENV.get("PD_OPS")));

    // The burn stops six hours later; the month ends.
    api.time.advance(Duration.ofHours(6));
    run(true, true, true);
    api.time.advance(Duration.between(api.time.now(), Instant.parse("2026-05-01T00:01:00Z")));
    run(true, true, true);

    Map<String, List<String>> open = new LinkedHashMap<>(alerts());
    open.values()
        .removeIf(actions -> actions.lastIndexOf("resolve") > actions.lastIndexOf("trigger"));
    assertThat(open).as("PagerDuty alerts never resolved, of %s", alerts()).isEmpty();
  }

  @Test
  void whenAPageIsStillBeingRetriedWhenItsIncidentResolves_thenTheRetryIsNotSentAfterTheResolve()
      throws Exception {
    webPagesToFail = 2;
    run(true, true, true);
    for (int i = 0; i < 3; i++) {
      run(false, true, true); // confirmed at the third failed run: the page fails
    }
    for (int i = 0; i < 24; i++) {
      run(true, true, true); // recovered at once; two minutes pass, past every retry
    }
    Map<String, List<String>> core = new LinkedHashMap<>(alerts());
    core.keySet().removeIf(k -> !k.startsWith(ENV.get("PD_CORE") + " web@"));
    assertThat(core).as("web's incident reached PagerDuty").hasSize(1);
    List<String> actions = core.values().iterator().next();
    assertThat(actions).contains("resolve");
    assertThat(actions.lastIndexOf("trigger"))
        .as("a trigger after the resolve reopens the alert for good: %s", actions)
        .isLessThan(actions.lastIndexOf("resolve"));
  }

  @Test
  void whenAServiceIsRemovedFromTheConfigurationDuringItsOutage_thenItsAlertsResolve()
      throws Exception {
    run(true, true, true);
    for (int i = 0; i < 6; i++) {
      run(false, true, true);
    }
    assertThat(alerts().keySet())
        .anyMatch(k -> k.startsWith(ENV.get("PD_CORE") + " web@"))
        .anyMatch(k -> k.startsWith(ENV.get("PD_STOREFRONT") + " web@"));

    Files.writeString(
        dir.resolve("fleet.yaml"),
        FLEET
            .formatted(pagerDuty.url())
            .replace(", depends-on: [web]", "")
            .replaceAll("(?m)^\\s+(web:|- \\{ id: web-home).*\\n", ""));
    api.fleet.set(new FleetLoader(api.time, Map.of(), ENV).load(dir));
    assertThat(api.fleet.get().services()).doesNotContainKey("web");
    run(true, true, true);
    run(true, true, true);

    Map<String, List<String>> open = new LinkedHashMap<>(alerts());
    open.values().removeIf(a -> a.lastIndexOf("resolve") > a.lastIndexOf("trigger"));
    assertThat(open).as("PagerDuty alerts never resolved, of %s", alerts()).isEmpty();
  }
}
