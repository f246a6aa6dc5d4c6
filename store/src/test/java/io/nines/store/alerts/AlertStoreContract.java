package io.nines.store.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.availability.State;
import io.nines.availability.incident.Command;
import io.nines.availability.incident.Incident;
import io.nines.availability.incident.IncidentEngine;
import io.nines.availability.incident.Notification;
import io.nines.availability.incident.ServiceAlerts;
import io.nines.common.testing.ManualTimeSource;
import io.nines.config.Fleet;
import io.nines.config.FleetLoader;
import io.vertx.core.Future;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link AlertStore} must do: keep each decision's result, and decide atomically per
 * service (an incident opens once, a page goes once, however many callers decide at once). Where
 * the store is given an outbox, a decision's notifications are in it when {@link AlertStore#apply}
 * completes (written ahead). One subclass per implementation.
 */
abstract class AlertStoreContract {
  static final Instant T0 = Instant.parse("2026-04-10T10:00:00Z");
  static Fleet fleet;
  static final Supplier<Fleet> FLEET = () -> fleet;

  @TempDir static Path fleetDir;

  AlertStore store;
  final ExecutorService threads = Executors.newFixedThreadPool(6);

  @BeforeAll
  static void loadFleet() throws Exception {
    Files.writeString(
        fleetDir.resolve("fleet.yaml"),
        """
        locations: [eu]
        teams:
          shop:
            email: [shop@shop.example]
        services:
          racy: { tier: critical, owners: [shop], page-after: 0s }
          calm: { tier: critical, owners: [shop], page-after: 0s }
        checks:
          - { id: racy-api, service: racy, http: { get: "http://127.0.0.1:1/r" } }
          - { id: calm-api, service: calm, http: { get: "http://127.0.0.1:1/c" } }
        """);
    fleet = new FleetLoader(new ManualTimeSource(T0), Map.of(), Map.of()).load(fleetDir);
  }

  /** A store holding nothing; called before every test. */
  abstract AlertStore newStore() throws Exception;

  /** The outbox the store queues a decision's notifications in before keeping it; null if none. */
  abstract Outbox writeAhead();

  @BeforeEach
  void setUp() throws Exception {
    store = newStore();
  }

  @AfterEach
  void stopThreads() {
    threads.shutdownNow();
  }

  static <T> T await(Future<T> f) {
    try {
      return f.await(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("the store did not answer within 20 s", e);
    }
  }

  static Command down(Instant at) {
    return Command.state(State.DOWN, at, Set.of("racy"), false, Map.of());
  }

  static Command up(Instant at) {
    return Command.state(State.UP, at, Set.of(), false, Map.of());
  }

  IncidentEngine.Step apply(String service, Command c) {
    return await(store.apply(service, c));
  }

  ServiceAlerts get(String service) {
    return await(store.get(service)).orElse(null);
  }

  @Test
  void whenNothingWasDecided_thenNoServiceHasAState() {
    assertThat(await(store.get("racy"))).isEmpty();
    assertThat(await(store.all())).isEmpty();
  }

  @Test
  void whenADecisionIsApplied_thenItsResultIsKeptAndReadBack() {
    IncidentEngine.Step step = apply("racy", down(T0));

    assertThat(step.next().state()).isEqualTo(State.DOWN);
    assertThat(step.next().incident().id()).isEqualTo("racy@" + T0.getEpochSecond());
    assertThat(step.notifications()).filteredOn(Notification::isPage).hasSize(1);
    assertThat(get("racy")).isEqualTo(step.next());
    assertThat(await(store.all())).containsExactly(step.next());
  }

  @Test
  void whenDecisionsFollowOneAnother_thenEachStartsFromTheLastKeptState() {
    IncidentEngine.Step opened = apply("racy", down(T0));
    IncidentEngine.Step again = apply("racy", down(T0.plusSeconds(30)));
    assertThat(again.notifications()).as("the incident is open already").isEmpty();
    assertThat(again.next().incident()).isEqualTo(opened.next().incident());

    IncidentEngine.Step acked =
        apply("racy", Command.ack(opened.next().incident().id(), "ann", T0.plusSeconds(40)));
    assertThat(acked.next().incident().acknowledgedBy()).isEqualTo("ann");
    IncidentEngine.Step resolved = apply("racy", up(T0.plusSeconds(60)));

    assertThat(resolved.next().state()).isEqualTo(State.UP);
    assertThat(resolved.next().incident()).isNull();
    assertThat(resolved.next().resolved())
        .extracting(Incident::id)
        .containsExactly(opened.next().incident().id());
    assertThat(resolved.next().resolved().get(0).acknowledgedBy()).isEqualTo("ann");
    assertThat(get("racy")).isEqualTo(resolved.next());
  }

  @Test
  void whenTwoServicesAreDecided_thenEachKeepsItsOwnState() {
    apply("racy", down(T0));
    apply("calm", up(T0));

    assertThat(get("racy").state()).isEqualTo(State.DOWN);
    assertThat(get("calm").state()).isEqualTo(State.UP);
    assertThat(get("calm").incident()).isNull();
    assertThat(await(store.all()))
        .extracting(ServiceAlerts::serviceId)
        .containsExactlyInAnyOrder("racy", "calm");
  }

  @Test
  void whenManyCallersDecideForOneServiceAtOnce_thenTheIncidentOpensOnceAndPagesOnce()
      throws Exception {
    List<java.util.concurrent.Future<IncidentEngine.Step>> started = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Callable<IncidentEngine.Step> decide = () -> apply("racy", down(T0));
      started.add(threads.submit(decide));
    }
    List<Notification> decided = new ArrayList<>();
    for (var f : started) {
      decided.addAll(f.get(30, TimeUnit.SECONDS).notifications());
    }

    assertThat(decided).filteredOn(Notification::isPage).hasSize(1);
    assertThat(get("racy").incident().id()).isEqualTo("racy@" + T0.getEpochSecond());
  }

  @Test
  void whenADecisionNotifies_thenItsNotificationsAreInTheOutboxWhenApplyCompletes() {
    Outbox outbox = writeAhead();
    org.junit.jupiter.api.Assumptions.assumeTrue(
        outbox != null, "this store takes no outbox: its caller queues the notifications");

    IncidentEngine.Step step = apply("racy", down(T0));

    assertThat(await(outbox.ofIncident(step.next().incident().id())))
        .extracting(OutboxEntry::notification)
        .containsExactlyInAnyOrderElementsOf(step.notifications());
  }
}
