package io.nines.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nines.channels.ChannelOptions;
import io.nines.channels.Channels;
import io.nines.channels.PagerDutyReceiver;
import io.nines.channels.SmtpSettings;
import io.nines.common.ProbeResult;
import io.nines.common.ResultBatch;
import io.nines.config.FleetLoader;
import io.nines.coordinator.alerting.ChannelSender;
import io.nines.store.testing.TestFleets;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One outage, three services, three teams, through the real coordinator: results posted over HTTP,
 * alerting on a manual clock, the real PagerDuty and email channels delivering to a local PagerDuty
 * receiver and a local SMTP server (GreenMail), all on port 0.
 *
 * <p>{@code web} (owned by core) goes down; {@code shop} and {@code cart}, which depend on it, go
 * down with it five seconds later. storefront owns both dependants, mobile owns {@code cart} too.
 * The confirmation time is the default ({@code 3 failures}); checks run every 5 s from three
 * locations and are DOWN when two of them fail.
 */
class RootCauseRoutingIT {
  private static final String FLEET =
      """
      locations: [eu, us, ap]
      teams:
        core:
          pagerduty: { routing-key: "${env:PD_CORE}", url: "%1$s" }
          email: [core@shop.test]
          escalation: { steps: [ { after: 0m, notify: [pagerduty] } ] }
        storefront:
          pagerduty: { routing-key: "${env:PD_STOREFRONT}", url: "%1$s" }
          email: [storefront@shop.test]
        mobile:
          pagerduty: { routing-key: "${env:PD_MOBILE}", url: "%1$s" }
          email: [mobile@shop.test]
      services:
        web: { tier: critical, owners: [core] }
        shop: { tier: important, owners: [storefront], depends-on: [web] }
        cart: { tier: important, owners: [storefront, mobile], depends-on: [web] }
      checks:
        - { id: web-home, service: web, every: 5s, down-when: 2 of 3 locations fail, http: { get: "http://127.0.0.1:1/" } }
        - { id: shop-home, service: shop, every: 5s, down-when: 2 of 3 locations fail, http: { get: "http://127.0.0.1:1/" } }
        - { id: cart-api, service: cart, every: 5s, down-when: 2 of 3 locations fail, http: { get: "http://127.0.0.1:1/" } }
      """;

  private static final Map<String, String> ENV =
      Map.of(
          "PD_CORE", "core0000000000000000000000000001",
          "PD_STOREFRONT", "storefront0000000000000000000002",
          "PD_MOBILE", "mobile00000000000000000000000003");

  @TempDir Path dir;
  private Vertx vertx;
  private GreenMail mail;
  private PagerDutyReceiver pagerDuty;
  private ApiFixture api;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    ServerSetup smtp = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort();
    smtp.setServerStartupTimeout(20_000);
    mail = new GreenMail(smtp);
    mail.start();
    pagerDuty = new PagerDutyReceiver(vertx);
    api = new ApiFixture();
    Files.writeString(dir.resolve("fleet.yaml"), FLEET.formatted(pagerDuty.url()));
    api.fleet.set(new FleetLoader(api.time, Map.of(), ENV).load(dir));
    Channels channels =
        Channels.create(
            vertx,
            new SimpleMeterRegistry(),
            api.time,
            ChannelOptions.defaults()
                .withSmtp(
                    SmtpSettings.plain("127.0.0.1", mail.getSmtp().getPort(), "nines@nines.test")),
            ref -> ref.resolve(ENV));
    api.sender = new ChannelSender(channels, api.fleet::get, api.time, "http://nines.test");
    api.start(vertx, b -> b, Set.of());
  }

  @AfterEach
  void stop() throws Exception {
    api.stop();
    pagerDuty.close();
    mail.stop();
    ApiFixture.await(vertx.close());
  }

  /** One run of every check at the clock's now, then one alerting run a second later. */
  private void run(boolean webOk, boolean shopOk, boolean cartOk) throws Exception {
    post("web-home", webOk);
    post("shop-home", shopOk);
    post("cart-api", cartOk);
    api.time.advance(Duration.ofSeconds(1));
    ApiFixture.await(api.coordinator.alerting().runOnce());
    api.time.advance(Duration.ofSeconds(4));
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

  private List<JsonObject> events(String routingKeyEnv) {
    return pagerDuty.accepted().stream()
        .filter(e -> e.getString("routing_key").equals(ENV.get(routingKeyEnv)))
        .toList();
  }

  private List<String> subjects(String to) throws Exception {
    List<String> out = new ArrayList<>();
    for (MimeMessage m : mail.getReceivedMessages()) {
      if (Arrays.stream(m.getAllRecipients()).anyMatch(a -> a.toString().equals(to))) {
        out.add(m.getSubject());
      }
    }
    return out;
  }

  @Test
  void whenARootCauseTakesTwoDependantsDown_thenOnePageToItsOwnersOneNoticePerTeamAndOneRecovery()
      throws Exception {
    run(true, true, true);
    run(false, true, true); // web goes down
    for (int i = 0; i < 12; i++) {
      run(false, false, false); // shop and cart go down because of it, for a minute
    }
    run(true, true, true);
    run(true, true, true);

    List<JsonObject> core = events("PD_CORE");
    assertThat(core)
        .extracting(e -> e.getString("event_action"))
        .containsExactly("trigger", "resolve");
    String incident = core.get(0).getString("dedup_key");
    assertThat(incident).startsWith("web@");
    assertThat(core.get(1).getString("dedup_key")).isEqualTo(incident);
    assertThat(core.get(0).getJsonObject("payload").getString("severity")).isEqualTo("critical");
    assertThat(events("PD_STOREFRONT")).as("nobody else is paged").isEmpty();
    assertThat(events("PD_MOBILE")).as("nobody else is paged").isEmpty();

    List<String> storefront = subjects("storefront@shop.test");
    assertThat(storefront).hasSize(2);
    assertThat(storefront.get(0)).startsWith("[Nines] UPSTREAM OUTAGE web: web is down since");
    assertThat(storefront.get(0)).endsWith("your services shop, cart depend on it");
    assertThat(storefront.get(1)).startsWith("[Nines] RECOVERED web:");
    List<String> mobile = subjects("mobile@shop.test");
    assertThat(mobile).hasSize(2);
    assertThat(mobile.get(0))
        .startsWith("[Nines] UPSTREAM OUTAGE web:")
        .endsWith("your services cart depend on it");
    assertThat(mobile.get(1)).startsWith("[Nines] RECOVERED web:");
    // core's escalation pages through PagerDuty only; its mail carries the budget burn that a
    // minute down costs a 99.99 % service, a notice that goes to non-paging channels.
    assertThat(subjects("core@shop.test"))
        .containsExactly(
            "[Nines] BUDGET BURN web: web is burning its downtime budget fast enough to spend it"
                + " before the month ends");

    // The dependants' own incidents are on record, with their root cause, and told nobody.
    JsonObject shop =
        api.get("/api/v1/incidents").bodyAsJsonObject().getJsonArray("items").stream()
            .map(JsonObject.class::cast)
            .filter(i -> i.getString("service").equals("shop"))
            .findFirst()
            .orElseThrow();
    assertThat(shop.encode()).contains("\"web\"");
  }

  @Test
  void whenABudgetBurns_thenOnlyATeamThatAskedIsPagedAndItsPageResolvesWhenTheBurnStops()
      throws Exception {
    Files.writeString(
        dir.resolve("fleet.yaml"),
        """
        locations: [eu, us, ap]
        teams:
          core:
            pagerduty: { routing-key: "${env:PD_CORE}", url: "%1$s" }
            notices: { budget: page }
          storefront:
            pagerduty: { routing-key: "${env:PD_STOREFRONT}", url: "%1$s" }
        services:
          web: { tier: critical, owners: [core] }
          shop: { tier: critical, owners: [storefront] }
          cart: { tier: critical, owners: [storefront] }
        checks:
          - { id: web-home, service: web, every: 5s, down-when: 2 of 3 locations fail, http: { get: "http://127.0.0.1:1/" } }
          - { id: shop-home, service: shop, every: 5s, down-when: 2 of 3 locations fail, http: { get: "http://127.0.0.1:1/" } }
          - { id: cart-api, service: cart, every: 5s, down-when: 2 of 3 locations fail, http: { get: "http://127.0.0.1:1/" } }
        """
            .formatted(pagerDuty.url()));
    api.fleet.set(new FleetLoader(api.time, Map.of(), ENV).load(dir));
    run(true, true, true);
    for (int i = 0; i < 13; i++) {
      run(false, false, true); // a minute down: a fast burn of a 99.99 % budget
    }
    run(true, true, true);
    List<String> core =
        events("PD_CORE").stream()
            .map(e -> e.getString("event_action") + " " + e.getString("dedup_key"))
            .toList();
    assertThat(core).contains("trigger budget/web/2026-04-10");
    assertThat(events("PD_STOREFRONT"))
        .as("a team with only PagerDuty and budget notices hears of no budget on PagerDuty")
        .noneMatch(e -> e.getString("dedup_key").startsWith("budget/"));

    // Six hours later the burn has stopped (nothing down in the last 6 h): the page resolves.
    api.time.advance(Duration.ofHours(6));
    run(true, true, true);
    List<String> after =
        events("PD_CORE").stream()
            .filter(e -> e.getString("dedup_key").startsWith("budget/"))
            .map(e -> e.getString("event_action") + " " + e.getString("dedup_key"))
            .toList();
    assertThat(after)
        .containsExactly("trigger budget/web/2026-04-10", "resolve budget/web/2026-04-10");
  }

  @Test
  void whenABlipIsShorterThanTheConfirmationTime_thenNobodyIsPagedButTheFiguresCountIt()
      throws Exception {
    run(true, true, true);
    run(false, true, true); // web fails two runs: a 6-second outage seen by checks every 5 s
    run(false, true, true);
    for (int i = 0; i < 3; i++) {
      run(true, true, true);
    }

    assertThat(pagerDuty.accepted()).isEmpty();
    assertThat(mail.getReceivedMessages()).isEmpty();
    assertThat(api.get("/api/v1/incidents").bodyAsJsonObject().getJsonArray("items")).isEmpty();
    JsonObject web = api.get("/api/v1/services/web/availability").bodyAsJsonObject();
    assertThat(web.getDouble("downSeconds")).isGreaterThanOrEqualTo(10.0);
    assertThat(web.getJsonArray("outages")).hasSize(1);
  }
}
