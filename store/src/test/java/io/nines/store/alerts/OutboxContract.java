package io.nines.store.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.availability.incident.Notification;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Outbox} must do (its Javadoc, and what {@code Alerting}'s delivery loop and the
 * incident API rely on); one subclass per implementation.
 */
abstract class OutboxContract {
  static final Instant T0 = Instant.parse("2026-04-10T10:00:00Z");

  Outbox outbox;

  /** An outbox holding nothing; called before every test. */
  abstract Outbox newOutbox() throws Exception;

  @BeforeEach
  void setUp() throws Exception {
    outbox = newOutbox();
  }

  static <T> T await(Future<T> f) {
    try {
      return f.await(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("the outbox did not answer within 20 s", e);
    }
  }

  static Notification notice(String key, String incident, Instant at) {
    return new Notification(
        key, incident, "svc", "shop", "email", Notification.Kind.PAGE, at, "svc is DOWN", Map.of());
  }

  static Notification notice(String key) {
    return notice(key, "svc@1", T0);
  }

  static Delivery sent(Instant at) {
    return new Delivery(at, true, "250", "accepted", false);
  }

  static Delivery refused(Instant at) {
    return new Delivery(at, false, "503", "unavailable", true);
  }

  int enqueue(Instant now, Notification... ns) {
    return await(outbox.enqueue(List.of(ns), now));
  }

  List<String> take(Instant now, int max, long leaseSeconds) {
    return keys(await(outbox.take(now, max, leaseSeconds)));
  }

  OutboxEntry entry(String key) {
    return await(outbox.recent(10_000)).stream()
        .filter(e -> e.notification().key().equals(key))
        .findFirst()
        .orElse(null);
  }

  static List<String> keys(List<OutboxEntry> entries) {
    return entries.stream().map(e -> e.notification().key()).toList();
  }

  @Test
  void whenAKeyIsQueuedAgain_thenNothingChangesAndOnlyTheNewAreCounted() {
    assertThat(enqueue(T0, notice("a"), notice("b"))).isEqualTo(2);
    await(outbox.record("a", sent(T0.plusSeconds(1)), null));

    assertThat(enqueue(T0.plusSeconds(5), notice("b"), notice("a"), notice("c"))).isEqualTo(1);
    assertThat(enqueue(T0.plusSeconds(6))).isZero();
    assertThat(enqueue(T0.plusSeconds(7), notice("d"), notice("d")))
        .as("twice in one call")
        .isOne();

    assertThat(entry("a").status())
        .as("a replay does not re-open a sent entry")
        .isEqualTo(OutboxEntry.Status.SENT);
    assertThat(entry("b").queuedAt()).as("a replay does not re-date an entry").isEqualTo(T0);
    assertThat(entry("c").status()).isEqualTo(OutboxEntry.Status.QUEUED);
    assertThat(await(outbox.recent(100))).hasSize(4);
  }

  @Test
  void whenQueued_thenTheEntryIsDueAtOnceWithAnEmptyLog() {
    enqueue(T0, notice("a"));

    OutboxEntry e = entry("a");
    assertThat(e.notification()).isEqualTo(notice("a"));
    assertThat(e.status()).isEqualTo(OutboxEntry.Status.QUEUED);
    assertThat(e.queuedAt()).isEqualTo(T0);
    assertThat(e.nextAttemptAt()).isEqualTo(T0);
    assertThat(e.deliveries()).isEmpty();
    assertThat(take(T0.minusSeconds(1), 10, 60)).as("not due before it was queued").isEmpty();
    assertThat(take(T0, 10, 60)).containsExactly("a");
  }

  @Test
  void whenTaken_thenNotTakenAgainUntilTheLeaseRunsOutOrAnAttemptIsRecorded() {
    enqueue(T0, notice("a"), notice("b"));
    assertThat(take(T0, 10, 60)).containsExactlyInAnyOrder("a", "b");

    assertThat(take(T0.plusSeconds(59), 10, 60)).as("both leased").isEmpty();
    await(outbox.record("a", refused(T0.plusSeconds(1)), T0.plusSeconds(30)));
    assertThat(take(T0.plusSeconds(30), 10, 60))
        .as("a recorded attempt ends the lease; b is still leased")
        .containsExactly("a");
    assertThat(take(T0.plusSeconds(60), 10, 60))
        .as("b's lease ran out: the attempt in flight is made again")
        .containsExactly("b");
  }

  @Test
  void whenMoreAreDueThanAsked_thenEachTakeReturnsAtMostMaxAndNoEntryTwice() {
    for (int i = 0; i < 5; i++) {
      enqueue(T0, notice("n" + i));
    }
    List<String> all = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      List<String> taken = take(T0, 2, 60);
      assertThat(taken).hasSizeLessThanOrEqualTo(2);
      all.addAll(taken);
    }
    assertThat(all).containsExactlyInAnyOrder("n0", "n1", "n2", "n3", "n4");
    assertThat(take(T0, 2, 60)).isEmpty();
  }

  @Test
  void whenAttemptsAreRecorded_thenTheStatusFollowsAndTheLogKeepsEveryAttemptInOrder() {
    enqueue(T0, notice("ok"), notice("retry"), notice("gave-up"));
    take(T0, 10, 60);
    Instant next = T0.plusSeconds(120);

    await(outbox.record("ok", refused(T0.plusSeconds(1)), T0.plusSeconds(10)));
    await(outbox.record("ok", sent(T0.plusSeconds(11)), null));
    await(outbox.record("retry", refused(T0.plusSeconds(2)), next));
    await(outbox.record("gave-up", refused(T0.plusSeconds(3)), null));

    OutboxEntry ok = entry("ok");
    assertThat(ok.status()).isEqualTo(OutboxEntry.Status.SENT);
    assertThat(ok.nextAttemptAt()).isNull();
    assertThat(ok.deliveries())
        .containsExactly(refused(T0.plusSeconds(1)), sent(T0.plusSeconds(11)));
    assertThat(ok.queuedAt()).isEqualTo(T0);
    assertThat(entry("retry").status()).isEqualTo(OutboxEntry.Status.RETRYING);
    assertThat(entry("retry").nextAttemptAt()).isEqualTo(next);
    assertThat(entry("gave-up").status()).isEqualTo(OutboxEntry.Status.FAILED);
    assertThat(entry("gave-up").nextAttemptAt()).isNull();

    assertThat(take(next.minusSeconds(1), 10, 60)).as("retry not due yet").isEmpty();
    assertThat(take(next.plusSeconds(3600), 10, 60))
        .as("finished entries are never taken again")
        .containsExactly("retry");
  }

  @Test
  void whenAnAttemptIsRecordedForAnUnknownKey_thenItSucceedsAndQueuesNothing() {
    await(outbox.record("nobody", sent(T0), null));

    assertThat(await(outbox.recent(100))).isEmpty();
    assertThat(await(outbox.ofIncident("svc@1"))).isEmpty();
  }

  @Test
  void whenAnIncidentIsAsked_thenItsEntriesComeInQueueingOrderAndNoOthers() {
    enqueue(T0, notice("first", "svc@1", T0));
    enqueue(T0.plusSeconds(5), notice("other", "svc@2", T0.plusSeconds(5)));
    enqueue(T0.plusSeconds(10), notice("second", "svc@1", T0.plusSeconds(10)));
    // A notification about an earlier moment, queued last (e.g. a late resolve of a repost).
    enqueue(T0.plusSeconds(20), notice("third", "svc@1", T0.plusSeconds(1)));
    // One decision's notifications (one per channel), queued together: by key.
    enqueue(
        T0.plusSeconds(30),
        notice("z-webhook", "svc@1", T0.plusSeconds(30)),
        notice("y-email", "svc@1", T0.plusSeconds(30)));

    assertThat(keys(await(outbox.ofIncident("svc@1"))))
        .containsExactly("first", "second", "third", "y-email", "z-webhook");
    assertThat(keys(await(outbox.ofIncident("svc@2")))).containsExactly("other");
    assertThat(await(outbox.ofIncident("svc@9"))).isEmpty();
  }

  @Test
  void whenRecentIsAsked_thenTheNewestNotificationsComeFirstUpToTheLimit() {
    for (int i = 0; i < 5; i++) {
      enqueue(T0.plusSeconds(i), notice("n" + i, "svc@1", T0.plusSeconds(i)));
    }

    assertThat(keys(await(outbox.recent(3)))).containsExactly("n4", "n3", "n2");
    assertThat(keys(await(outbox.recent(100)))).containsExactly("n4", "n3", "n2", "n1", "n0");
    assertThat(await(outbox.recent(0))).isEmpty();
    enqueue(T0.plusSeconds(9), notice("m", "svc@1", T0), notice("a", "svc@1", T0));
    assertThat(keys(await(outbox.recent(100))))
        .as("those of the same instant by key")
        .endsWith("a", "m", "n0");
  }

  @Test
  void whenManyCallersQueueTakeAndRecordAtOnce_thenEveryEntryIsTakenOnceAndEveryRecordKept() {
    int n = 40;
    List<Future<Integer>> queued = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      // Every key twice, from concurrent calls: each is counted new once.
      queued.add(outbox.enqueue(List.of(notice("k" + i)), T0));
      queued.add(outbox.enqueue(List.of(notice("k" + i)), T0));
    }
    int added = 0;
    for (Future<Integer> f : queued) {
      added += await(f);
    }
    assertThat(added).isEqualTo(n);

    List<Future<List<OutboxEntry>>> takes = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      takes.add(outbox.take(T0, 10, 60));
    }
    Set<String> taken = new HashSet<>();
    for (Future<List<OutboxEntry>> f : takes) {
      for (String key : keys(await(f))) {
        assertThat(taken.add(key)).as("%s taken twice while leased", key).isTrue();
      }
    }
    assertThat(taken).hasSize(n);

    List<Future<Void>> records = new ArrayList<>();
    for (String key : taken) {
      records.add(outbox.record(key, sent(T0.plusSeconds(1)), null));
    }
    records.forEach(OutboxContract::await);
    assertThat(await(outbox.recent(1000)))
        .hasSize(n)
        .allMatch(e -> e.status() == OutboxEntry.Status.SENT && e.deliveries().size() == 1);
  }
}
