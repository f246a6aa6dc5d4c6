package io.nines.store.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.availability.State;
import io.nines.availability.incident.IncidentEngine;
import io.nines.availability.incident.ServiceAlerts;
import io.nines.store.jdbc.DatabaseOptions;
import io.nines.store.testing.FailingDocuments;
import io.nines.store.testing.ReopenableDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The alert store contract on a real database, with a durable outbox written ahead as the
 * coordinator wires them, plus what durability adds: after a restart every service's state is back,
 * and deciding again queues nothing twice. One subclass per database (H2, PostgreSQL).
 */
abstract class JdbcAlertStoreContract extends AlertStoreContract {
  static Vertx vertx;
  static WorkerExecutor writer;

  /** One database per class (migrations take a while); each test has collections of its own. */
  static ReopenableDatabase database;

  static int tests;
  String kind;
  JdbcOutbox outbox;

  /** Options of an empty database, different for every call. */
  abstract DatabaseOptions freshDatabase();

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
    writer = vertx.createSharedWorkerExecutor("alerts-contract-writer", 1);
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
    if (database != null) {
      database.close();
      database = null;
    }
  }

  @Override
  AlertStore newStore() {
    if (database == null) {
      database = new ReopenableDatabase(freshDatabase());
    }
    kind = "t" + ++tests + "-";
    return load();
  }

  FailingDocuments documents;

  private AlertStore load() {
    outbox = new JdbcOutbox(database.get().documents(kind + JdbcOutbox.KIND), writer, 1000);
    await(outbox.load());
    documents = new FailingDocuments(database.get().documents(kind + JdbcAlertStore.KIND));
    JdbcAlertStore s = new JdbcAlertStore(FLEET, documents, writer, outbox);
    await(s.load());
    return s;
  }

  @Override
  Outbox writeAhead() {
    return outbox;
  }

  @Test
  void whenReopened_thenEveryServiceIsAsDecidedAndDecidingAgainQueuesNothingTwice() {
    IncidentEngine.Step opened = apply("racy", down(T0));
    apply("calm", up(T0));
    var before = await(store.all());

    database.reopen();
    store = load();

    assertThat(await(store.all())).containsExactlyInAnyOrderElementsOf(before);
    assertThat(get("racy")).isEqualTo(opened.next());
    assertThat(apply("racy", down(T0.plusSeconds(30))).notifications())
        .as("the incident is still open: no second page")
        .isEmpty();
    assertThat(await(outbox.ofIncident(opened.next().incident().id())))
        .extracting(OutboxEntry::notification)
        .containsExactlyInAnyOrderElementsOf(opened.notifications());
  }

  @Test
  void whenAWriteFails_thenApplyFailsTheStateIsKeptInMemoryAndGoesWithTheNextWrite() {
    documents.failNext(1);
    assertThat(store.apply("racy", down(T0)).toCompletionStage())
        .failsWithin(java.time.Duration.ofSeconds(20))
        .withThrowableThat()
        .havingCause()
        .isInstanceOf(IllegalStateException.class)
        .withMessageContaining("'racy'");
    ServiceAlerts decided = get("racy");
    assertThat(decided.incident()).as("the decision stands in memory").isNotNull();

    apply("calm", up(T0.plusSeconds(1)));
    database.reopen();
    store = load();

    assertThat(get("racy")).isEqualTo(decided);
    assertThat(get("calm").state()).isEqualTo(State.UP);
  }

  @Test
  void whenTheOutboxCannotQueueADecisionsPages_thenApplyFailsAndTheNextDecisionQueuesThem() {
    FlakyOutbox flaky = new FlakyOutbox(outbox);
    JdbcAlertStore jdbc = new JdbcAlertStore(FLEET, documents, writer, flaky);
    await(jdbc.load());
    store = jdbc;
    flaky.failNext = 1;

    assertThat(store.apply("racy", down(T0)).toCompletionStage())
        .failsWithin(java.time.Duration.ofSeconds(20));
    IncidentEngine.Step next = apply("racy", down(T0.plusSeconds(30)));

    assertThat(next.notifications())
        .as("the page the outbox could not queue is decided again, not lost")
        .isNotEmpty();
    assertThat(await(outbox.ofIncident(next.next().incident().id()))).isNotEmpty();
  }

  /** An outbox whose next {@code failNext} enqueues fail, as a database that went away does. */
  static final class FlakyOutbox implements Outbox {
    private final Outbox delegate;
    int failNext;

    FlakyOutbox(Outbox delegate) {
      this.delegate = delegate;
    }

    @Override
    public io.vertx.core.Future<Integer> enqueue(
        java.util.List<io.nines.availability.incident.Notification> notifications,
        java.time.Instant now) {
      if (failNext > 0) {
        failNext--;
        return io.vertx.core.Future.failedFuture(new IllegalStateException("database gone"));
      }
      return delegate.enqueue(notifications, now);
    }

    @Override
    public io.vertx.core.Future<java.util.List<OutboxEntry>> take(
        java.time.Instant now, int max, long leaseSeconds) {
      return delegate.take(now, max, leaseSeconds);
    }

    @Override
    public io.vertx.core.Future<Void> record(
        String key, Delivery delivery, java.time.Instant nextAttemptAt) {
      return delegate.record(key, delivery, nextAttemptAt);
    }

    @Override
    public io.vertx.core.Future<java.util.List<OutboxEntry>> ofIncident(String incidentId) {
      return delegate.ofIncident(incidentId);
    }

    @Override
    public io.vertx.core.Future<java.util.List<OutboxEntry>> recent(int limit) {
      return delegate.recent(limit);
    }
  }
}
