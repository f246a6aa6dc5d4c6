package io.nines.store.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.store.jdbc.DatabaseOptions;
import io.nines.store.testing.FailingDocuments;
import io.nines.store.testing.ReopenableDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The outbox contract on a real database, plus what durability adds: a reopened outbox holds what
 * was queued and recorded, forgets its leases, and keeps within its capacity on disk too. One
 * subclass per database (H2, PostgreSQL).
 */
abstract class JdbcOutboxContract extends OutboxContract {
  static Vertx vertx;
  static WorkerExecutor writer;

  /** One database per class (migrations take a while); each test has a collection of its own. */
  static ReopenableDatabase database;

  static int tests;
  String kind;
  int capacity = 1000;

  /** Options of an empty database, different for every call. */
  abstract DatabaseOptions freshDatabase();

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
    writer = vertx.createSharedWorkerExecutor("outbox-contract-writer", 1);
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
  Outbox newOutbox() {
    if (database == null) {
      database = new ReopenableDatabase(freshDatabase());
    }
    kind = JdbcOutbox.KIND + "-" + ++tests;
    return load();
  }

  FailingDocuments documents;

  private Outbox load() {
    documents = new FailingDocuments(database.get().documents(kind));
    JdbcOutbox o = new JdbcOutbox(documents, writer, capacity);
    await(o.load());
    return o;
  }

  /** Closes the database and loads the outbox again from it, as a restart would. */
  Outbox reopen() {
    database.reopen();
    return load();
  }

  @Test
  void whenReopened_thenEveryEntryAndItsLogAreBackAndAnAttemptInFlightIsMadeAgain() {
    enqueue(T0, notice("sent"), notice("retry"), notice("in-flight"));
    enqueue(T0.plusSeconds(1), notice("waiting", "svc@2", T0.plusSeconds(1)));
    take(T0, 3, 600);
    await(outbox.record("sent", sent(T0.plusSeconds(1)), null));
    await(outbox.record("retry", refused(T0.plusSeconds(2)), T0.plusSeconds(30)));
    var before = await(outbox.recent(100));
    var incidentBefore = keys(await(outbox.ofIncident("svc@1")));

    outbox = reopen();

    assertThat(await(outbox.recent(100))).containsExactlyInAnyOrderElementsOf(before);
    assertThat(keys(await(outbox.ofIncident("svc@1")))).isEqualTo(incidentBefore);
    assertThat(take(T0.plusSeconds(30), 10, 60))
        .as("the lease of the attempt in flight died with the process")
        .containsExactlyInAnyOrder("retry", "in-flight", "waiting");
    assertThat(enqueue(T0.plusSeconds(40), notice("sent"), notice("waiting")))
        .as("a decision replayed after the restart queues nothing twice")
        .isZero();
  }

  @Test
  void whenOverCapacity_thenTheDroppedFinishedEntriesAreGoneAfterARestartToo() {
    capacity = 2;
    outbox = reopen();
    enqueue(T0, notice("sent-1"), notice("sent-2"));
    take(T0, 10, 60);
    await(outbox.record("sent-1", sent(T0), null));
    await(outbox.record("sent-2", sent(T0), null));
    enqueue(T0.plusSeconds(1), notice("q-1"), notice("q-2"));
    assertThat(keys(await(outbox.recent(100)))).containsExactlyInAnyOrder("q-1", "q-2");

    outbox = reopen();

    assertThat(keys(await(outbox.recent(100)))).containsExactlyInAnyOrder("q-1", "q-2");
    assertThat(database.get().documents(kind).all()).hasSize(2);
  }

  @Test
  void whenAWriteFails_thenTheCallFailsDeliveryGoesOnAndTheChangeGoesWithTheNextWrite() {
    documents.failNext(1);
    assertThat(outbox.enqueue(java.util.List.of(notice("a")), T0).toCompletionStage())
        .failsWithin(java.time.Duration.ofSeconds(20))
        .withThrowableThat()
        .havingCause()
        .isInstanceOf(IllegalStateException.class)
        .withMessageContaining("'a'");
    assertThat(take(T0, 10, 60))
        .as("memory holds the entry: delivery goes on")
        .containsExactly("a");

    enqueue(T0.plusSeconds(1), notice("b"));
    await(outbox.record("a", sent(T0.plusSeconds(2)), null));
    outbox = reopen();

    assertThat(entry("a").status()).isEqualTo(OutboxEntry.Status.SENT);
    assertThat(entry("b").status()).isEqualTo(OutboxEntry.Status.QUEUED);
  }
}
