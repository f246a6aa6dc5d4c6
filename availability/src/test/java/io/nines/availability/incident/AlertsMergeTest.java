package io.nines.availability.incident;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.availability.State;
import io.nines.availability.incident.IncidentEngine.Context;
import io.nines.common.testing.ManualTimeSource;
import io.nines.config.Fleet;
import io.nines.config.FleetLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A split brain healed: both sides opened an incident for one outage and paged; the merge keeps one
 * and the next decision resolves every page of the other, once.
 */
class AlertsMergeTest {
  private static final String FLEET =
      """
      locations: [eu-west]
      settings:
        alerting: { page-after: 0s }
      teams:
        payments:
          pagerduty: { routing-key: "k" }
          email: [payments@shop.example]
          escalation:
            steps:
              - { after: 0m, notify: [pagerduty] }
              - { after: 10m, notify: [pagerduty, email] }
        storefront:
          email: [storefront@shop.example]
      services:
        payments: { tier: critical, owners: [payments] }
        checkout: { tier: critical, owners: [storefront], depends-on: [payments] }
      checks:
        - { id: payments-api, service: payments, http: { get: "http://127.0.0.1:1/p" } }
        - { id: checkout-api, service: checkout, http: { get: "http://127.0.0.1:1/k" } }
      """;

  static final Instant T0 = Instant.parse("2026-04-07T10:00:00Z");

  @TempDir Path dir;
  IncidentEngine engine;

  @BeforeEach
  void load() throws Exception {
    Files.writeString(dir.resolve("fleet.yaml"), FLEET);
    Fleet fleet = new FleetLoader(new ManualTimeSource(T0), Map.of(), Map.of()).load(dir);
    engine = new IncidentEngine(fleet);
  }

  final List<Notification> sent = new ArrayList<>();

  ServiceAlerts step(ServiceAlerts s, State state, Instant at) {
    IncidentEngine.Step step =
        engine.onState(
            s, state, at, Context.of(state == State.DOWN ? Set.of("payments") : Set.of()));
    sent.addAll(step.notifications());
    return step.next();
  }

  /** One side of the split: payments DOWN at {@code downAt}, paged by this side. */
  ServiceAlerts side(Instant downAt) {
    return step(ServiceAlerts.initial("payments"), State.DOWN, downAt);
  }

  @Test
  void whenBothSidesOpenedAnIncident_thenTheEarlierIsKeptAndEveryPageOfTheOtherResolvesOnce() {
    ServiceAlerts larger = side(T0.plusSeconds(1));
    ServiceAlerts smaller = side(T0);
    larger = step(larger, State.DOWN, T0.plusSeconds(601)); // step 2 fired on this side
    String kept = "payments@" + T0.getEpochSecond();
    String other = "payments@" + (T0.getEpochSecond() + 1);
    assertThat(sent.stream().filter(Notification::isPage).map(Notification::incidentId))
        .containsOnly(kept, other);

    ServiceAlerts merged = AlertsMerge.merge(larger, smaller);
    assertThat(merged.incident().id()).as("the earlier incident is kept").isEqualTo(kept);
    assertThat(merged.superseded()).extracting(Incident::id).containsExactly(other);
    assertThat(merged.state()).isEqualTo(State.DOWN);
    assertThat(AlertsMerge.merge(smaller, larger))
        .as("either side merging into the other gives the same")
        .isEqualTo(merged);
    assertThat(AlertsMerge.merge(merged, smaller)).as("merged twice").isEqualTo(merged);
    assertThat(AlertsMerge.merge(merged, larger)).as("merged twice").isEqualTo(merged);

    // The next decision (a tick: still DOWN) resolves every channel the superseded one told.
    int before = sent.size();
    ServiceAlerts after = step(merged, State.DOWN, T0.plusSeconds(610));
    List<Notification> settled = sent.subList(before, sent.size());
    assertThat(settled)
        .filteredOn(n -> n.incidentId().equals(other))
        .extracting(Notification::key)
        .containsExactlyInAnyOrder(
            other + "/payments/pagerduty/resolve",
            other + "/payments/email/resolve",
            other + "/storefront/email/resolve");
    assertThat(settled)
        .filteredOn(n -> n.incidentId().equals(other))
        .allSatisfy(n -> assertThat(n.kind()).isEqualTo(Notification.Kind.RESOLVE));
    assertThat(settled)
        .as("the kept incident goes on: its step 2 is due")
        .filteredOn(n -> n.incidentId().equals(kept))
        .allSatisfy(n -> assertThat(n.kind()).isEqualTo(Notification.Kind.PAGE));
    assertThat(after.superseded()).isEmpty();
    assertThat(after.resolved()).extracting(Incident::id).containsExactly(other);
    assertThat(after.incident().id()).isEqualTo(kept);

    // Merging the stale side again (a second merge) resolves nothing again.
    ServiceAlerts again = AlertsMerge.merge(after, larger);
    assertThat(again.superseded()).isEmpty();
    assertThat(again.incident().id()).isEqualTo(kept);
    before = sent.size();
    ServiceAlerts later = step(again, State.DOWN, T0.plusSeconds(620));
    assertThat(sent.subList(before, sent.size()))
        .noneMatch(n -> n.kind() == Notification.Kind.RESOLVE);

    // The outage ends: the kept incident resolves. Every page has exactly one resolve by key.
    step(later, State.UP, T0.plusSeconds(900));
    assertEveryPageResolvedOnce();
  }

  @Test
  void whenOneSideResolvedTheIncidentTheOtherStillHoldsOpen_thenOnlyTheUntoldChannelsResolve() {
    ServiceAlerts a = side(T0);
    ServiceAlerts b = a;
    a = step(a, State.UP, T0.plusSeconds(60)); // resolved on side A (pagerduty told)
    b = step(b, State.DOWN, T0.plusSeconds(601)); // side B paged step 2 (pagerduty and email)
    ServiceAlerts merged = AlertsMerge.merge(a, b);
    assertThat(merged.incident()).isNull();
    assertThat(merged.state()).as("the later change").isEqualTo(State.UP);
    int before = sent.size();
    ServiceAlerts after = step(merged, State.UP, T0.plusSeconds(620));
    assertThat(sent.subList(before, sent.size()))
        .extracting(Notification::key)
        .containsExactly("payments@" + T0.getEpochSecond() + "/payments/email/resolve");
    assertThat(after.resolved()).hasSize(1);
    assertEveryPageResolvedOnce();
  }

  @Test
  void whenBothSidesOpenedTheSameIncident_thenItIsOneWithTheStepsFiredOnEither() {
    ServiceAlerts a = side(T0);
    ServiceAlerts b = step(a, State.DOWN, T0.plusSeconds(601));
    a = engine.acknowledge(a, "payments@" + T0.getEpochSecond(), "ann", T0.plusSeconds(30)).next();
    ServiceAlerts merged = AlertsMerge.merge(a, b);
    assertThat(merged.superseded()).isEmpty();
    assertThat(merged.incident().acknowledgedBy()).isEqualTo("ann");
    assertThat(merged.incident().paging().get("payments").stepsFired()).isEqualTo(2);
    assertThat(merged.incident().log())
        .extracting(Notification::key)
        .doesNotHaveDuplicates()
        .containsAll(b.incident().log().stream().map(Notification::key).toList());
  }

  void assertEveryPageResolvedOnce() {
    Map<String, Long> resolves =
        sent.stream()
            .filter(n -> n.kind() == Notification.Kind.RESOLVE)
            .collect(Collectors.groupingBy(Notification::key, Collectors.counting()));
    assertThat(resolves).allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1L));
    Map<String, Notification> pages =
        sent.stream()
            .filter(Notification::isPage)
            .collect(Collectors.toMap(Notification::key, Function.identity(), (x, y) -> x));
    for (Notification p : pages.values()) {
      assertThat(resolves)
          .as("a resolve for page %s", p.key())
          .containsKey(p.incidentId() + "/" + p.team() + "/" + p.channelKind() + "/resolve");
    }
  }
}
