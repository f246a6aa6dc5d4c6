package io.nines.availability.incident;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.availability.BurnRate;
import io.nines.availability.State;
import io.nines.availability.incident.IncidentEngine.Context;
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
 * The alerting scenarios of the routing issue, driven by a manual clock: who got what, and when.
 */
class AlertingScenariosTest {
  private static final String FLEET =
      """
      locations: [eu-west]
      settings:
        # These scenarios are about routing and escalation: page as soon as a service is DOWN.
        alerting: { operators: platform, page-after: 0s, flapping: { changes: 4, window: 30m } }
      teams:
        payments:
          pagerduty: { routing-key: "${env:PD}" }
          email: [payments@shop.example]
          escalation:
            steps:
              - { after: 0m, notify: [pagerduty] }
              - { after: 10m, notify: [pagerduty, email] }
            repeat: 30m
        storefront:
          email: [storefront@shop.example]
          slack: { url: "${env:SLACK}" }
        shop:
          pagerduty: { routing-key: "${env:PD_SHOP}" }
          email: [shop@shop.example]
          notices: { budget: notice }
        search-team:
          email: [search@shop.example]
        community:
          email: [community@shop.example]
          notices: { root-cause-suppression: false }
        platform:
          email: [platform@shop.example]
      services:
        payments: { tier: critical, owners: [payments] }
        search: { tier: important, owners: [search-team] }
        catalog: { tier: important, owners: [storefront], depends-on: [search] }
        checkout: { tier: critical, owners: [shop], depends-on: [payments, catalog], runbook: "https://runbooks.shop.example/checkout" }
        reviews: { tier: non-critical, owners: [community], depends-on: [catalog] }
      checks:
        - { id: payments-api, service: payments, http: { get: "http://127.0.0.1:1/p" } }
        - { id: search-api, service: search, http: { get: "http://127.0.0.1:1/s" } }
        - { id: catalog-api, service: catalog, http: { get: "http://127.0.0.1:1/c" } }
        - { id: checkout-api, service: checkout, http: { get: "http://127.0.0.1:1/k" } }
        - { id: reviews-api, service: reviews, http: { get: "http://127.0.0.1:1/r" } }
      """;

  @TempDir Path dir;
  private final ManualTimeSource clock =
      new ManualTimeSource(Instant.parse("2026-04-07T10:00:00Z"));
  private IncidentEngine engine;
  private final Map<String, ServiceAlerts> alerts = new HashMap<>();
  private final Set<String> down = new HashSet<>();
  private final List<Notification> sent = new ArrayList<>();
  private boolean maintenance;

  @BeforeEach
  void load() throws Exception {
    Files.writeString(dir.resolve("fleet.yaml"), FLEET);
    Fleet fleet =
        new FleetLoader(clock, Map.of(), Map.of("PD", "k", "SLACK", "u", "PD_SHOP", "k")).load(dir);
    engine = new IncidentEngine(fleet);
  }

  private ServiceAlerts of(String service) {
    return alerts.computeIfAbsent(service, ServiceAlerts::initial);
  }

  private Context ctx() {
    return new Context(down, maintenance, Map.of("failingStep", "pay", "actual", "502"));
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
    return apply(service, engine.onState(of(service), state, clock.now(), ctx()));
  }

  private List<Notification> tickAll() {
    List<Notification> out = new ArrayList<>();
    for (String s : List.copyOf(alerts.keySet())) {
      out.addAll(apply(s, engine.tick(of(s), clock.now(), ctx())));
    }
    return out;
  }

  private static List<String> who(List<Notification> ns) {
    return ns.stream().map(n -> n.team() + ":" + n.channelKind() + ":" + n.kind()).toList();
  }

  @Test
  void whenAServiceWithTwoDependentsFails_thenOwnersArePagedAndDependentTeamsToldOnce() {
    List<Notification> out = state("catalog", State.DOWN);
    assertThat(who(out))
        .containsExactlyInAnyOrder(
            "storefront:email:PAGE",
            "storefront:slack:PAGE",
            "shop:email:UPSTREAM",
            "community:email:UPSTREAM");
    Notification upstream =
        out.stream().filter(n -> n.team().equals("shop")).findFirst().orElseThrow();
    assertThat(upstream.details()).containsEntry("exposedServices", "checkout");
    assertThat(upstream.isPage()).isFalse();
    clock.advance(Duration.ofMinutes(5));
    state("catalog", State.DEGRADED);
    state("catalog", State.DOWN);
    assertThat(who(tickAll())).isEmpty();
    assertThat(sent.stream().filter(n -> n.kind() == Notification.Kind.UPSTREAM)).hasSize(2);
  }

  @Test
  void
      whenUpstreamAndDownstreamAreDown_thenDownstreamOwnersHearOnceAndArePagedIfItOutlastsTheCause() {
    List<Notification> root = state("search", State.DOWN);
    assertThat(who(root)).contains("storefront:email:UPSTREAM", "storefront:slack:UPSTREAM");
    clock.advance(Duration.ofMinutes(1));
    // catalog is down because search is: storefront already heard of it, from search's incident.
    List<Notification> out = state("catalog", State.DOWN);
    assertThat(out).isEmpty();
    assertThat(of("catalog").incident().rootCause()).isEqualTo("search");
    clock.advance(Duration.ofMinutes(5));
    state("search", State.UP);
    List<Notification> after = tickAll();
    assertThat(who(after)).contains("storefront:email:PAGE", "storefront:slack:PAGE");
    assertThat(after.get(0).details()).containsEntry("rootCause", "search");
  }

  @Test
  void whenNobodyAcknowledges_thenEscalationReachesStepTwoAndRepeats() {
    assertThat(who(state("payments", State.DOWN))).contains("payments:pagerduty:PAGE");
    clock.advance(Duration.ofMinutes(9));
    assertThat(tickAll()).isEmpty();
    clock.advance(Duration.ofMinutes(1));
    assertThat(who(tickAll()))
        .containsExactlyInAnyOrder("payments:pagerduty:PAGE", "payments:email:PAGE");
    clock.advance(Duration.ofMinutes(29));
    assertThat(tickAll()).isEmpty();
    clock.advance(Duration.ofMinutes(1));
    List<Notification> repeat = tickAll();
    assertThat(who(repeat))
        .containsExactlyInAnyOrder("payments:pagerduty:PAGE", "payments:email:PAGE");
    assertThat(repeat.get(0).key()).endsWith("/repeat-1");
    // A member that was away for two hours fires the missed repeats once, not four times.
    clock.advance(Duration.ofHours(2));
    assertThat(tickAll()).hasSize(2);
  }

  @Test
  void whenAStepAndARepeatFellDueWhileNobodyAsked_thenEachChannelIsPagedOnce() {
    state("payments", State.DOWN);
    // A member that was away (or a maintenance window) for 45 minutes: step 2 (10m) and the first
    // repeat (40m) both fell due meanwhile.
    clock.advance(Duration.ofMinutes(45));
    List<Notification> caughtUp = tickAll();

    assertThat(who(caughtUp))
        .containsExactlyInAnyOrder("payments:pagerduty:PAGE", "payments:email:PAGE");
    clock.advance(Duration.ofMinutes(24));
    assertThat(tickAll()).as("the next repeat keeps its pace: at 70m").isEmpty();
    clock.advance(Duration.ofMinutes(1));
    assertThat(who(tickAll()))
        .containsExactlyInAnyOrder("payments:pagerduty:PAGE", "payments:email:PAGE");
  }

  @Test
  void whenAStepAndARepeatFellDueInMaintenance_thenEachChannelIsPagedOnceAfterIt() {
    state("payments", State.DOWN);
    maintenance = true;
    clock.advance(Duration.ofMinutes(45));
    assertThat(tickAll()).isEmpty();
    maintenance = false;

    assertThat(who(tickAll()))
        .containsExactlyInAnyOrder("payments:pagerduty:PAGE", "payments:email:PAGE");
  }

  @Test
  void whenAcknowledged_thenEscalationStopsAndPagerDutyIsTold() {
    state("payments", State.DOWN);
    String incident = of("payments").incident().id();
    clock.advance(Duration.ofMinutes(3));
    List<Notification> ack =
        apply("payments", engine.acknowledge(of("payments"), incident, "alice", clock.now()));
    assertThat(who(ack)).containsExactly("payments:pagerduty:ACKNOWLEDGE");
    assertThat(of("payments").incident().acknowledgedBy()).isEqualTo("alice");
    clock.advance(Duration.ofHours(3));
    assertThat(tickAll()).isEmpty();
    assertThat(engine.acknowledge(of("payments"), incident, "bob", clock.now()).notifications())
        .isEmpty();
  }

  @Test
  void whenInMaintenance_thenNoIncidentAndNoPage() {
    maintenance = true;
    assertThat(state("catalog", State.DOWN)).isEmpty();
    assertThat(of("catalog").incident()).isNull();
    clock.advance(Duration.ofMinutes(20));
    assertThat(tickAll()).isEmpty();
  }

  @Test
  void whenStillDownAfterMaintenanceEnds_thenPagedThenWithEscalationCountingFromThatPage() {
    maintenance = true;
    Instant down = clock.now();
    assertThat(state("payments", State.DOWN)).isEmpty();
    clock.advance(Duration.ofHours(2));
    assertThat(tickAll()).isEmpty();
    maintenance = false;
    assertThat(who(tickAll()))
        .containsExactlyInAnyOrder("payments:pagerduty:PAGE", "shop:email:UPSTREAM");
    assertThat(of("payments").incident().start()).isEqualTo(down);
    clock.advance(Duration.ofMinutes(9));
    assertThat(tickAll()).isEmpty();
    clock.advance(Duration.ofMinutes(1));
    assertThat(who(tickAll()))
        .containsExactlyInAnyOrder("payments:pagerduty:PAGE", "payments:email:PAGE");
  }

  @Test
  void whenAServiceFlaps_thenOneFlappingNoticeAndNoIncidentPerFlapUntilStable() {
    state("search", State.DOWN); // incident 1: paged
    clock.advance(Duration.ofMinutes(1));
    state("search", State.UP); // resolved
    int before = sent.size();
    for (int i = 0; i < 6; i++) {
      clock.advance(Duration.ofMinutes(1));
      state("search", i % 2 == 0 ? State.DOWN : State.UP);
    }
    List<Notification> during = sent.subList(before, sent.size());
    assertThat(during.stream().filter(n -> n.kind() == Notification.Kind.FLAPPING)).hasSize(1);
    // The one page is the incident that opened before the fourth change made it flapping.
    assertThat(during.stream().filter(Notification::isPage)).hasSize(1);
    clock.advance(Duration.ofMinutes(1));
    state("search", State.DOWN);
    clock.advance(Duration.ofMinutes(14));
    assertThat(tickAll()).isEmpty();
    clock.advance(Duration.ofMinutes(1));
    assertThat(who(tickAll())).contains("search-team:email:PAGE");
    assertThat(of("search").flapping()).isFalse();
  }

  @Test
  void whenTheServiceRecovers_thenEveryoneNotifiedGetsARecoveryNotice() {
    state("payments", State.DOWN);
    clock.advance(Duration.ofMinutes(10));
    tickAll();
    clock.advance(Duration.ofMinutes(5));
    List<Notification> out = state("payments", State.UP);
    assertThat(who(out))
        .containsExactlyInAnyOrder(
            "payments:pagerduty:RESOLVE", "payments:email:RESOLVE", "shop:email:RESOLVE");
    assertThat(of("payments").incident()).isNull();
    Incident done = of("payments").resolved().get(0);
    assertThat(done.resolvedAt()).isEqualTo(clock.now());
    assertThat(done.log()).extracting(Notification::kind).contains(Notification.Kind.RESOLVE);
  }

  @Test
  void whenTheServiceComesBackThroughDegraded_thenTheIncidentResolvesOnUp() {
    state("payments", State.DOWN);
    clock.advance(Duration.ofMinutes(2));
    state("payments", State.DEGRADED);
    assertThat(of("payments").incident()).isNotNull();
    clock.advance(Duration.ofMinutes(1));
    assertThat(who(state("payments", State.UP))).contains("payments:pagerduty:RESOLVE");
    assertThat(of("payments").incident()).isNull();
  }

  @Test
  void whenStatesJitterBetweenUpDegradedAndUnknown_thenItIsNotFlapping() {
    for (int i = 0; i < 20; i++) {
      clock.advance(Duration.ofSeconds(30));
      state("search", List.of(State.UP, State.DEGRADED, State.UNKNOWN).get(i % 3));
    }
    assertThat(sent).isEmpty();
    assertThat(of("search").flapping()).isFalse();
  }

  @Test
  void whenTheBudgetBurnsFast_thenOwnersGetANoticeNotAPage() {
    double budget = BurnRate.budgetSeconds(99.99);
    BurnRate.Verdict v = BurnRate.judge(99.99, 0.03 * budget, 0.03 * budget, 0.03 * budget);
    assertThat(v).isEqualTo(BurnRate.Verdict.FAST_BURN);
    List<Notification> out =
        apply("checkout", engine.onBudget(of("checkout"), v, clock.now(), Map.of()));
    assertThat(who(out)).containsExactly("shop:email:BUDGET_BURN");
    assertThat(out).noneMatch(Notification::isPage);
    assertThat(out.get(0).details())
        .containsEntry("runbook", "https://runbooks.shop.example/checkout");
    clock.advance(Duration.ofHours(2));
    assertThat(engine.onBudget(of("checkout"), v, clock.now(), Map.of()).notifications()).isEmpty();
    List<Notification> spent =
        apply(
            "checkout",
            engine.onBudget(of("checkout"), BurnRate.Verdict.SPENT, clock.now(), Map.of()));
    assertThat(who(spent)).containsExactly("shop:email:BUDGET_SPENT");
    assertThat(
            engine
                .onBudget(of("checkout"), BurnRate.Verdict.SPENT, clock.now(), Map.of())
                .notifications())
        .isEmpty();
  }

  @Test
  void keysAreStableSoARetriedDecisionDeliversOnce() {
    List<Notification> first = state("payments", State.DOWN);
    ServiceAlerts fresh = ServiceAlerts.initial("payments");
    List<Notification> replay =
        engine.onState(fresh, State.DOWN, clock.now(), ctx()).notifications();
    assertThat(replay)
        .extracting(Notification::key)
        .isEqualTo(first.stream().map(Notification::key).toList());
  }
}
