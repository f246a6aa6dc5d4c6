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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every PagerDuty alert Nines opens is resolved: teams whose only channel is PagerDuty, through an
 * outage, an upstream outage, a root cause in maintenance, flapping, budget burns and fleet health.
 * The engine and fleet health alone, on a manual clock; each notification is mapped to its
 * PagerDuty event ({@code dedup_key} and action) as {@link ChannelSender} maps it.
 */
class EveryPageResolvesTest {
  private static final String FLEET =
      """
      locations: [eu-west]
      settings:
        alerting: { operators: ops, page-after: 0s, flapping: { changes: 4, window: 30m } }
      teams:
        core: { pagerduty: { routing-key: "${env:PD}" }, notices: { budget: page } }
        storefront: { pagerduty: { routing-key: "${env:PD}" } }
        ops: { pagerduty: { routing-key: "${env:PD}" } }
        mixed: { pagerduty: { routing-key: "${env:PD}" }, email: [mixed@shop.example] }
      services:
        web: { tier: critical, owners: [core] }
        shop: { tier: important, owners: [storefront], depends-on: [web] }
        flappy: { tier: important, owners: [storefront] }
        wobbly: { tier: important, owners: [mixed] }
      checks:
        - { id: web-home, service: web, http: { get: "http://127.0.0.1:1/" } }
        - { id: shop-home, service: shop, http: { get: "http://127.0.0.1:1/" } }
        - { id: flappy-home, service: flappy, http: { get: "http://127.0.0.1:1/" } }
        - { id: wobbly-home, service: wobbly, http: { get: "http://127.0.0.1:1/" } }
      """;

  @TempDir Path dir;
  private final ManualTimeSource clock =
      new ManualTimeSource(Instant.parse("2026-04-30T20:00:00Z"));
  private Fleet fleet;
  private IncidentEngine engine;
  private final Map<String, ServiceAlerts> alerts = new HashMap<>();
  private final Set<String> down = new HashSet<>();
  private final Set<String> maintenance = new HashSet<>();
  private final List<Notification> sent = new ArrayList<>();

  @BeforeEach
  void load() throws Exception {
    Files.writeString(dir.resolve("fleet.yaml"), FLEET);
    fleet = new FleetLoader(clock, Map.of(), Map.of("PD", "k")).load(dir);
    engine = new IncidentEngine(fleet);
  }

  private ServiceAlerts of(String service) {
    return alerts.computeIfAbsent(service, ServiceAlerts::initial);
  }

  private List<Notification> apply(String service, IncidentEngine.Step step) {
    alerts.put(service, step.next());
    sent.addAll(step.notifications());
    return step.notifications();
  }

  private List<Notification> state(String service, State state) {
    if (state == State.DOWN) {
      down.add(service);
    } else {
      down.remove(service);
    }
    Context ctx =
        new Context(
            down, maintenance.contains(service), Map.of("actual", "503"), maintenance, List.of());
    return apply(service, engine.onState(of(service), state, clock.now(), ctx));
  }

  private List<Notification> tickAll() {
    List<Notification> out = new ArrayList<>();
    for (String s : List.copyOf(alerts.keySet())) {
      Context ctx = new Context(down, maintenance.contains(s), Map.of(), maintenance, List.of());
      out.addAll(apply(s, engine.tick(of(s), clock.now(), ctx)));
    }
    return out;
  }

  private List<Notification> budget(String service, BurnRate.Verdict verdict) {
    return apply(service, engine.onBudget(of(service), verdict, clock.now(), Map.of()));
  }

  private static List<Notification> toPagerDuty(List<Notification> ns) {
    return ns.stream().filter(n -> n.channelKind().equals("pagerduty")).toList();
  }

  /**
   * The PagerDuty events {@code ns} become, in order, as {@code action dedup_key}: a page or a
   * notice is a trigger, as {@code PagerDutyChannel} sends it.
   */
  private List<String> events(List<Notification> ns) {
    ChannelSender mapping = new ChannelSender(null, () -> fleet, clock, "");
    List<String> out = new ArrayList<>();
    for (Notification n : toPagerDuty(ns)) {
      var c = mapping.toChannel(n, fleet.services().get(n.serviceId()));
      String action =
          switch (c.kind()) {
            case ACKNOWLEDGE -> "acknowledge";
            case RESOLVE -> "resolve";
            default -> "trigger";
          };
      out.add(action + " " + n.team() + " " + c.incidentId());
    }
    return out;
  }

  /** The PagerDuty alerts (team and dedup key) last triggered and not resolved after. */
  private static Set<String> openAlerts(List<String> events) {
    Map<String, String> last = new LinkedHashMap<>();
    for (String e : events) {
      String action = e.substring(0, e.indexOf(' '));
      String alert = e.substring(e.indexOf(' ') + 1);
      if (!action.equals("acknowledge")) {
        last.put(alert, action);
      }
    }
    Set<String> open = new HashSet<>();
    last.forEach(
        (alert, action) -> {
          if (action.equals("trigger")) {
            open.add(alert);
          }
        });
    return open;
  }

  /** Flips {@code service} DOWN and UP, a minute apart, {@code times} times. */
  private void flap(String service, int times) {
    for (int i = 0; i < times; i++) {
      state(service, State.DOWN);
      clock.advance(Duration.ofMinutes(1));
      state(service, State.UP);
      clock.advance(Duration.ofMinutes(1));
    }
  }

  @Test
  void whenAServiceOfATeamWithOnlyPagerDutyFlaps_thenTheFlappingNoticeOpensNoPagerDutyAlert() {
    state("flappy", State.UP);
    flap("flappy", 3);
    assertThat(of("flappy").flapping()).isTrue();
    assertThat(toPagerDuty(sent))
        .extracting(Notification::kind)
        .doesNotContain(Notification.Kind.FLAPPING);
    // Stable again: the flapping ends, and PagerDuty has nothing left open.
    clock.advance(Duration.ofMinutes(20));
    tickAll();
    assertThat(of("flappy").flapping()).isFalse();
    assertThat(openAlerts(events(sent))).isEmpty();
  }

  @Test
  void whenATeamHasAnotherChannel_thenItsFlappingNoticeGoesThereOnly() {
    state("wobbly", State.UP);
    flap("wobbly", 3);
    assertThat(sent.stream().filter(n -> n.kind() == Notification.Kind.FLAPPING).toList())
        .extracting(n -> n.team() + ":" + n.channelKind())
        .containsExactly("mixed:email");
  }

  @Test
  void whenTheOperatorsTeamHasOnlyPagerDuty_thenFleetHealthOpensNoPagerDutyAlert() {
    FleetHealth health = new FleetHealth();
    Instant t0 = clock.now();
    List<Notification> out = new ArrayList<>(health.observe(fleet, Set.of("eu-1"), Set.of(), t0));
    out.addAll(health.observe(fleet, Set.of(), Set.of(), t0.plus(Duration.ofMinutes(3))));
    assertThat(toPagerDuty(out)).isEmpty();
  }

  @Test
  void whenTeamsHaveOnlyPagerDuty_thenEveryAlertOpenedThroughAnOutageFlappingAndBudgetsResolves() {
    for (String s : List.of("web", "shop", "flappy", "wobbly")) {
      state(s, State.UP);
    }
    FleetHealth health = new FleetHealth();
    List<Notification> fleetNotices = new ArrayList<>();

    // An outage of web takes shop down with it; an agent is lost meanwhile.
    clock.advance(Duration.ofMinutes(1));
    state("web", State.DOWN);
    clock.advance(Duration.ofSeconds(5));
    state("shop", State.DOWN);
    fleetNotices.addAll(health.observe(fleet, Set.of("eu-1"), Set.of("eu-west"), clock.now()));
    for (int i = 0; i < 10; i++) {
      clock.advance(Duration.ofMinutes(1));
      tickAll();
    }
    budget("web", BurnRate.Verdict.FAST_BURN);
    budget("shop", BurnRate.Verdict.FAST_BURN);
    state("web", State.UP);
    state("shop", State.UP);
    fleetNotices.addAll(health.observe(fleet, Set.of(), Set.of(), clock.now()));

    // web in maintenance, shop down because of it: shop's owners get a root-cause notice.
    clock.advance(Duration.ofMinutes(5));
    maintenance.add("web");
    state("web", State.DOWN);
    state("shop", State.DOWN);
    clock.advance(Duration.ofMinutes(3));
    tickAll();
    maintenance.remove("web");
    state("web", State.UP);
    state("shop", State.UP);

    // flappy flaps, then holds UP.
    clock.advance(Duration.ofMinutes(5));
    flap("flappy", 4);
    for (int i = 0; i < 20; i++) {
      clock.advance(Duration.ofMinutes(1));
      tickAll();
    }

    // The burn stops; then the budget is spent, and the month ends.
    budget("web", BurnRate.Verdict.OK);
    budget("shop", BurnRate.Verdict.OK);
    budget("web", BurnRate.Verdict.SPENT);
    budget("shop", BurnRate.Verdict.SPENT);
    clock.advance(Duration.ofHours(4)); // 2026-05-01
    budget("web", BurnRate.Verdict.OK);
    budget("shop", BurnRate.Verdict.OK);

    List<Notification> all = new ArrayList<>(sent);
    all.addAll(fleetNotices);
    List<String> events = events(all);
    // The scenario did reach PagerDuty: pages, an upstream notice, a root-cause notice, budget
    // pages.
    assertThat(toPagerDuty(all))
        .extracting(Notification::kind)
        .contains(
            Notification.Kind.PAGE,
            Notification.Kind.UPSTREAM,
            Notification.Kind.ROOT_CAUSE,
            Notification.Kind.BUDGET_BURN,
            Notification.Kind.BUDGET_SPENT,
            Notification.Kind.RESOLVE);
    assertThat(openAlerts(events)).as("PagerDuty alerts never resolved, of %s", events).isEmpty();
  }

  @Test
  void whenAServiceIsNoLongerMonitored_thenItsOpenIncidentAndBudgetPageResolve() {
    state("web", State.UP);
    state("shop", State.UP);
    state("web", State.DOWN);
    budget("web", BurnRate.Verdict.FAST_BURN);
    assertThat(openAlerts(events(sent)))
        .containsExactlyInAnyOrder(
            "core " + of("web").incident().id(),
            "storefront " + of("web").incident().id(),
            "core budget/web/2026-04-30");

    // The configuration no longer has web (or web has no check left): nothing will say it is UP.
    List<Notification> out = apply("web", engine.retire(of("web"), clock.now()));
    assertThat(out)
        .extracting(n -> n.team() + ":" + n.channelKind() + ":" + n.kind())
        .containsExactlyInAnyOrder(
            "core:pagerduty:RESOLVE", "storefront:pagerduty:RESOLVE", "core:pagerduty:RESOLVE");
    assertThat(out).extracting(Notification::summary).allMatch(s -> !s.contains("UP again"));
    assertThat(openAlerts(events(sent))).isEmpty();
    assertThat(of("web").incident()).isNull();
    assertThat(of("web").budgetPages()).isEmpty();
    assertThat(of("web").resolved()).hasSize(1);
    assertThat(engine.retire(of("web"), clock.now()).notifications()).isEmpty();
  }
}
