package io.nines.coordinator.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.availability.BurnRate;
import io.nines.availability.State;
import io.nines.availability.incident.IncidentEngine;
import io.nines.availability.incident.IncidentEngine.Context;
import io.nines.availability.incident.Notification;
import io.nines.availability.incident.ServiceAlerts;
import io.nines.common.testing.ManualTimeSource;
import io.nines.config.Fleet;
import io.nines.config.FleetLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who is woken and who is told, once, when one outage takes dependants down with it; the
 * confirmation time before paging; budget pages that resolve. The engine alone, on a manual clock.
 */
class OneNoticePerOutageTest {
  private static final String FLEET =
      """
      locations: [eu-west]
      settings:
        alerting: { page-after: 0s }
      teams:
        core: { pagerduty: { routing-key: "${env:PD}" }, email: [core@shop.example] }
        storefront: { pagerduty: { routing-key: "${env:PD}" }, email: [storefront@shop.example] }
        mobile: { pagerduty: { routing-key: "${env:PD}" }, email: [mobile@shop.example] }
        platform: { pagerduty: { routing-key: "${env:PD}" }, email: [platform@shop.example] }
        pd-only: { pagerduty: { routing-key: "${env:PD}" } }
        pd-paged: { pagerduty: { routing-key: "${env:PD}" }, notices: { budget: page } }
      services:
        web: { tier: critical, owners: [core] }
        shop: { tier: important, owners: [storefront], depends-on: [web] }
        cart: { tier: important, owners: [storefront, mobile], depends-on: [web] }
        db: { tier: critical, owners: [platform] }
        api: { tier: critical, owners: [platform], depends-on: [db] }
        reports: { tier: non-critical, owners: [storefront], depends-on: [api] }
        search: { tier: important, owners: [core] }
        catalog: { tier: important, owners: [storefront], depends-on: [search], page-after: 30s }
        slow: { tier: important, owners: [core], page-after: 30s }
        counted: { tier: important, owners: [core], page-after: 3 failures }
        quiet: { tier: important, owners: [pd-only] }
        loud: { tier: important, owners: [pd-paged] }
      checks:
        - { id: web-home, service: web, http: { get: "http://127.0.0.1:1/" } }
        - { id: shop-home, service: shop, http: { get: "http://127.0.0.1:1/" } }
        - { id: cart-api, service: cart, http: { get: "http://127.0.0.1:1/" } }
        - { id: db-tcp, service: db, http: { get: "http://127.0.0.1:1/" } }
        - { id: api-health, service: api, http: { get: "http://127.0.0.1:1/" } }
        - { id: reports-home, service: reports, http: { get: "http://127.0.0.1:1/" } }
        - { id: search-api, service: search, http: { get: "http://127.0.0.1:1/" } }
        - { id: catalog-api, service: catalog, http: { get: "http://127.0.0.1:1/" } }
        - { id: slow-home, service: slow, http: { get: "http://127.0.0.1:1/" } }
        - { id: counted-home, service: counted, http: { get: "http://127.0.0.1:1/" } }
        - { id: quiet-home, service: quiet, http: { get: "http://127.0.0.1:1/" } }
        - { id: loud-home, service: loud, http: { get: "http://127.0.0.1:1/" } }
      """;

  @TempDir Path dir;
  private final ManualTimeSource clock =
      new ManualTimeSource(Instant.parse("2026-04-30T23:00:00Z"));
  private IncidentEngine engine;
  private final Map<String, ServiceAlerts> alerts = new HashMap<>();
  private final Set<String> down = new HashSet<>();
  private final Set<String> maintenance = new HashSet<>();
  private final Map<String, List<Instant>> runs = new HashMap<>();
  private final List<Notification> sent = new ArrayList<>();

  @BeforeEach
  void load() throws Exception {
    Files.writeString(dir.resolve("fleet.yaml"), FLEET);
    Fleet fleet = new FleetLoader(clock, Map.of(), Map.of("PD", "k")).load(dir);
    engine = new IncidentEngine(fleet);
  }

  private ServiceAlerts of(String service) {
    return alerts.computeIfAbsent(service, ServiceAlerts::initial);
  }

  /** As Alerting decides: with every service in maintenance and every service flapping. */
  private Context ctx(String service) {
    Set<String> flapping = new HashSet<>();
    alerts
        .values()
        .forEach(
            a -> {
              if (a.flapping()) {
                flapping.add(a.serviceId());
              }
            });
    return new Context(
        down,
        maintenance.contains(service),
        Map.of("failingStep", "request", "actual", "503"),
        maintenance,
        runs.getOrDefault(service, List.of()),
        flapping);
  }

  private List<Notification> apply(String service, IncidentEngine.Step step) {
    alerts.put(service, step.next());
    sent.addAll(step.notifications());
    return step.notifications();
  }

  /** Sets the states first, then decides for each service, as one alerting run does. */
  private List<Notification> states(Map<String, State> states) {
    states.forEach(
        (service, state) -> {
          if (state == State.DOWN) {
            down.add(service);
          } else {
            down.remove(service);
          }
        });
    List<Notification> out = new ArrayList<>();
    states.forEach(
        (service, state) ->
            out.addAll(
                apply(service, engine.onState(of(service), state, clock.now(), ctx(service)))));
    return out;
  }

  private List<Notification> state(String service, State state) {
    return states(Map.of(service, state));
  }

  private List<Notification> tickAll() {
    List<Notification> out = new ArrayList<>();
    for (String s : List.copyOf(alerts.keySet())) {
      out.addAll(apply(s, engine.tick(of(s), clock.now(), ctx(s))));
    }
    return out;
  }

  private static List<String> who(List<Notification> ns) {
    return ns.stream().map(n -> n.team() + ":" + n.channelKind() + ":" + n.kind()).toList();
  }

  private List<String> sentTo(String team) {
    return who(sent.stream().filter(n -> n.team().equals(team)).toList());
  }

  @Test
  void whenADependantGoesDownBecauseOfItsUpstream_thenItsTeamHearsOnceNamingEveryExposedService() {
    List<Notification> root = state("web", State.DOWN);
    assertThat(who(root))
        .containsExactlyInAnyOrder(
            "core:pagerduty:PAGE",
            "core:email:PAGE",
            "storefront:email:UPSTREAM",
            "mobile:email:UPSTREAM");
    Notification storefront =
        root.stream().filter(n -> n.team().equals("storefront")).findFirst().orElseThrow();
    assertThat(storefront.serviceId()).isEqualTo("web");
    assertThat(storefront.details()).containsEntry("exposedServices", "shop, cart");
    assertThat(storefront.summary()).contains("web is down", "shop, cart depend on it");

    clock.advance(Duration.ofSeconds(5));
    assertThat(states(Map.of("shop", State.DOWN, "cart", State.DOWN))).isEmpty();
    assertThat(of("shop").incident().rootCause()).isEqualTo("web");
    for (int i = 0; i < 20; i++) {
      clock.advance(Duration.ofMinutes(1));
      assertThat(tickAll()).isEmpty();
    }

    List<Notification> recovery =
        states(Map.of("web", State.UP, "shop", State.UP, "cart", State.UP));
    assertThat(who(recovery))
        .containsExactlyInAnyOrder(
            "core:pagerduty:RESOLVE",
            "core:email:RESOLVE",
            "storefront:email:RESOLVE",
            "mobile:email:RESOLVE");
    assertThat(sentTo("storefront"))
        .containsExactly("storefront:email:UPSTREAM", "storefront:email:RESOLVE");
    assertThat(sentTo("mobile")).containsExactly("mobile:email:UPSTREAM", "mobile:email:RESOLVE");
    Notification recovered =
        recovery.stream().filter(n -> n.team().equals("mobile")).findFirst().orElseThrow();
    var channel = new ChannelSender(null, () -> null, clock, "").toChannel(recovered, null);
    assertThat(channel.topic())
        .as("resolves the upstream notice")
        .isEqualTo(io.nines.channels.Notification.Topic.UPSTREAM_OUTAGE);
    assertThat(channel.incidentId()).isEqualTo(storefront.incidentId());
  }

  @Test
  void whenATeamOwnsTheRootCauseAndADependant_thenItIsPagedOnceAndToldNothingMore() {
    assertThat(who(state("db", State.DOWN)))
        .containsExactlyInAnyOrder(
            "platform:pagerduty:PAGE", "platform:email:PAGE", "storefront:email:UPSTREAM");
    clock.advance(Duration.ofSeconds(10));
    assertThat(state("api", State.DOWN)).isEmpty();
    assertThat(state("reports", State.DOWN)).as("told already, through db's incident").isEmpty();
    clock.advance(Duration.ofMinutes(5));
    states(Map.of("db", State.UP, "api", State.UP, "reports", State.UP));
    assertThat(sentTo("platform"))
        .containsExactlyInAnyOrder(
            "platform:pagerduty:PAGE",
            "platform:email:PAGE",
            "platform:pagerduty:RESOLVE",
            "platform:email:RESOLVE");
    assertThat(sentTo("storefront"))
        .containsExactly("storefront:email:UPSTREAM", "storefront:email:RESOLVE");
    Notification upstream =
        sent.stream().filter(n -> n.team().equals("storefront")).findFirst().orElseThrow();
    assertThat(upstream.details()).containsEntry("exposedServices", "reports");
  }

  @Test
  void whenADependantIsDownWithNoUpstreamDown_thenItIsItsOwnRootCauseAndPagesItsOwners() {
    assertThat(who(state("shop", State.DOWN)))
        .containsExactlyInAnyOrder("storefront:pagerduty:PAGE", "storefront:email:PAGE");
    assertThat(of("shop").incident().rootCause()).isNull();
    assertThat(sentTo("core")).isEmpty();
  }

  @Test
  void whenTheRootCauseIsInMaintenance_thenTheDependantsOwnersGetOneOutageNoticeAndNoPage() {
    maintenance.add("web");
    assertThat(state("web", State.DOWN)).isEmpty();
    List<Notification> out = state("shop", State.DOWN);
    assertThat(who(out)).containsExactly("storefront:email:ROOT_CAUSE");
    assertThat(out.get(0).summary()).contains("shop is DOWN", "probably because web is down");
    var channel =
        new ChannelSender(null, () -> null, clock, "").toChannel(out.get(0), null).topic();
    assertThat(channel)
        .as("about the team's own service, not an upstream one")
        .isEqualTo(io.nines.channels.Notification.Topic.OUTAGE);
  }

  @Test
  void whenTheRootCauseFlapsWhileADependantStaysDown_thenTheDependantsOwnersArePagedAtLast() {
    state("search", State.DOWN);
    state("catalog", State.DOWN);
    // search flaps every 20 s (its owners get one flapping notice, and no incident while it
    // flaps); catalog, which depends on it, stays DOWN all along, 20 minutes.
    for (int i = 0; i < 60; i++) {
      clock.advance(Duration.ofSeconds(20));
      state("search", i % 2 == 0 ? State.UP : State.DOWN);
      tickAll();
    }
    assertThat(of("catalog").incident()).isNotNull();
    assertThat(sentTo("storefront"))
        .as("catalog has been down for 20 minutes: its owners must be paged")
        .contains("storefront:pagerduty:PAGE");
    assertThat(sentTo("storefront").stream().filter(w -> w.endsWith(":PAGE")))
        .as("once")
        .containsExactlyInAnyOrder("storefront:pagerduty:PAGE", "storefront:email:PAGE");

    // Once search is stable and catalog UP again, the page resolves.
    clock.advance(Duration.ofMinutes(20));
    states(Map.of("search", State.UP, "catalog", State.UP));
    tickAll();
    assertThat(of("catalog").incident()).isNull();
    assertThat(sentTo("storefront")).contains("storefront:pagerduty:RESOLVE");
  }

  @Test
  void whenARootCauseNoticeResolves_thenTheRecoveryCarriesTheNoticesTopicAndSeverity() {
    maintenance.add("web");
    state("web", State.DOWN);
    Notification notice = state("shop", State.DOWN).get(0);
    clock.advance(Duration.ofMinutes(5));
    List<Notification> recovery = state("shop", State.UP);

    assertThat(who(recovery)).containsExactly("storefront:email:RESOLVE");
    ChannelSender sender = new ChannelSender(null, () -> null, clock, "");
    var told = sender.toChannel(notice, null);
    var recovered = sender.toChannel(recovery.get(0), null);
    assertThat(recovered.topic()).isEqualTo(told.topic());
    assertThat(recovered.severity())
        .as("Alertmanager's labels are the alert's identity: the recovery must name the notice's")
        .isEqualTo(told.severity());
  }

  @Test
  void whenATeamToldOfTheRootCauseIsPagedLater_thenTheRecoveryCarriesThePagesSeverity() {
    maintenance.add("search");
    state("search", State.DOWN);
    assertThat(who(state("catalog", State.DOWN))).isEmpty();
    clock.advance(Duration.ofSeconds(30));
    assertThat(who(tickAll())).containsExactly("storefront:email:ROOT_CAUSE");
    state("search", State.UP);
    tickAll(); // the same alerting run decides for catalog: its root cause recovered
    clock.advance(Duration.ofSeconds(30));
    List<Notification> pages = tickAll();
    assertThat(who(pages)).contains("storefront:email:PAGE");
    Notification page =
        pages.stream().filter(n -> n.channelKind().equals("email")).findFirst().orElseThrow();
    clock.advance(Duration.ofMinutes(1));
    List<Notification> recovery = state("catalog", State.UP);

    ChannelSender sender = new ChannelSender(null, () -> null, clock, "");
    var email =
        recovery.stream().filter(n -> n.channelKind().equals("email")).findFirst().orElseThrow();
    assertThat(sender.toChannel(email, null).severity())
        .as("the page is what the team was woken by")
        .isEqualTo(sender.toChannel(page, null).severity());
  }

  @Test
  void whenTheDependantOutlastsItsRootCause_thenItsOwnersArePagedOnlyAfterItsConfirmationTime() {
    state("search", State.DOWN);
    state("catalog", State.DOWN);
    clock.advance(Duration.ofSeconds(30));
    assertThat(tickAll()).isEmpty();
    assertThat(of("catalog").incident()).isNotNull();
    // search recovers; catalog's next result, a few seconds later, shows it up too: no page.
    assertThat(who(state("search", State.UP))).contains("storefront:email:RESOLVE");
    clock.advance(Duration.ofSeconds(5));
    assertThat(tickAll()).isEmpty();
    assertThat(state("catalog", State.UP)).isEmpty();
    assertThat(sentTo("storefront"))
        .containsExactly("storefront:email:UPSTREAM", "storefront:email:RESOLVE");

    // Again, but catalog stays down: paged 30 s (its page-after) after search recovered.
    clock.advance(Duration.ofMinutes(10));
    state("search", State.DOWN);
    state("catalog", State.DOWN);
    clock.advance(Duration.ofMinutes(1));
    tickAll();
    state("search", State.UP);
    tickAll(); // the same alerting run decides for catalog: its root cause recovered
    clock.advance(Duration.ofSeconds(29));
    assertThat(tickAll()).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    assertThat(who(tickAll()))
        .containsExactlyInAnyOrder("storefront:pagerduty:PAGE", "storefront:email:PAGE");
  }

  @Test
  void whenABlipIsShorterThanPageAfter_thenNobodyIsToldAndNoIncidentOpens() {
    Instant blip = clock.now();
    state("slow", State.DOWN);
    clock.advance(Duration.ofSeconds(29));
    assertThat(tickAll()).isEmpty();
    assertThat(state("slow", State.UP)).isEmpty();
    assertThat(of("slow").incident()).isNull();
    assertThat(of("slow").resolved()).isEmpty();
    assertThat(of("slow").lastChange()).isAfter(blip);

    clock.advance(Duration.ofMinutes(1));
    Instant outage = clock.now();
    state("slow", State.DOWN);
    clock.advance(Duration.ofSeconds(29));
    assertThat(tickAll()).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    assertThat(who(tickAll())).containsExactlyInAnyOrder("core:pagerduty:PAGE", "core:email:PAGE");
    assertThat(of("slow").incident().start()).as("from its first second").isEqualTo(outage);
  }

  @Test
  void whenPageAfterCountsFailures_thenTheThirdConsecutiveFailedRunPages() {
    Instant t0 = clock.now();
    runs.put("counted", List.of(t0));
    assertThat(state("counted", State.DOWN)).isEmpty();
    clock.advance(Duration.ofSeconds(5));
    runs.put("counted", List.of(t0.plusSeconds(5), t0));
    assertThat(tickAll()).isEmpty();
    clock.advance(Duration.ofSeconds(5));
    runs.put("counted", List.of(t0.plusSeconds(10), t0.plusSeconds(5), t0));
    assertThat(who(tickAll())).containsExactlyInAnyOrder("core:pagerduty:PAGE", "core:email:PAGE");
    assertThat(of("counted").incident().start()).isEqualTo(t0);
  }

  @Test
  void whenATeamHasOnlyPagerDutyAndBudgetNotices_thenABudgetBurnOpensNoPagerDutyAlert() {
    List<Notification> out =
        apply(
            "quiet",
            engine.onBudget(of("quiet"), BurnRate.Verdict.FAST_BURN, clock.now(), Map.of()));
    assertThat(out).isEmpty();
    assertThat(
            engine
                .onBudget(of("quiet"), BurnRate.Verdict.SPENT, clock.now(), Map.of())
                .notifications())
        .isEmpty();
  }

  @Test
  void whenATeamAskedForBudgetPages_thenABurnPageResolvesWhenTheBurnStops() {
    ChannelSender mapping = new ChannelSender(null, () -> null, clock, "");
    List<Notification> trigger =
        apply(
            "loud", engine.onBudget(of("loud"), BurnRate.Verdict.FAST_BURN, clock.now(), Map.of()));
    assertThat(who(trigger)).containsExactly("pd-paged:pagerduty:BUDGET_BURN");
    // Still burning the next day: the open page is not paged again.
    clock.advance(Duration.ofHours(2));
    assertThat(
            apply(
                "loud",
                engine.onBudget(of("loud"), BurnRate.Verdict.FAST_BURN, clock.now(), Map.of())))
        .isEmpty();
    clock.advance(Duration.ofMinutes(30));
    List<Notification> resolve =
        apply("loud", engine.onBudget(of("loud"), BurnRate.Verdict.OK, clock.now(), Map.of()));
    assertThat(who(resolve)).containsExactly("pd-paged:pagerduty:RESOLVE");
    var t = mapping.toChannel(trigger.get(0), null);
    var r = mapping.toChannel(resolve.get(0), null);
    assertThat(r.incidentId()).as("PagerDuty's dedup_key").isEqualTo(t.incidentId());
    assertThat(t.incidentId()).isEqualTo("budget/loud/2026-04-30");
    assertThat(r.kind()).isEqualTo(io.nines.channels.Notification.Kind.RESOLVE);
    assertThat(r.topic()).isEqualTo(t.topic());
    assertThat(r.details()).doesNotContainKey(Notification.RESOLVES);
    assertThat(of("loud").budgetPages()).isEmpty();
    assertThat(
            engine.onBudget(of("loud"), BurnRate.Verdict.OK, clock.now(), Map.of()).notifications())
        .isEmpty();
  }

  @Test
  void whenATeamAskedForBudgetPages_thenASpentPageResolvesWhenTheMonthEnds() {
    List<Notification> trigger =
        apply("loud", engine.onBudget(of("loud"), BurnRate.Verdict.SPENT, clock.now(), Map.of()));
    assertThat(who(trigger)).containsExactly("pd-paged:pagerduty:BUDGET_SPENT");
    clock.advance(Duration.ofMinutes(30));
    assertThat(
            apply(
                "loud", engine.onBudget(of("loud"), BurnRate.Verdict.SPENT, clock.now(), Map.of())))
        .isEmpty();
    clock.advance(Duration.ofMinutes(31)); // 2026-05-01T00:01Z: a new month, a new budget
    List<Notification> resolve =
        apply("loud", engine.onBudget(of("loud"), BurnRate.Verdict.OK, clock.now(), Map.of()));
    assertThat(who(resolve)).containsExactly("pd-paged:pagerduty:RESOLVE");
    assertThat(resolve.get(0).key()).startsWith("budget/loud/2026-04/");
    assertThat(resolve.get(0).summary()).contains("new downtime budget");
  }
}
