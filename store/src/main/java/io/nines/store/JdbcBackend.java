package io.nines.store;

import io.nines.common.Checks;
import io.nines.config.Fleet;
import io.nines.store.agents.AgentRegistry;
import io.nines.store.agents.InMemoryAgentRegistry;
import io.nines.store.alerts.AlertStore;
import io.nines.store.alerts.JdbcAlertStore;
import io.nines.store.alerts.JdbcOutbox;
import io.nines.store.alerts.Outbox;
import io.nines.store.documents.Documents;
import io.nines.store.jdbc.Database;
import io.nines.store.results.JdbcResultStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.function.Supplier;

/**
 * A single process whose data survives a restart: results, alerting state, the outbox, and the
 * documents (maintenance windows, configuration history) are written through to one {@link
 * Database} (H2 or PostgreSQL) before their futures complete, on named worker pools, never on an
 * event loop. The agent registry stays in memory: agents announce themselves again within seconds.
 * See docs/storage.md.
 */
public final class JdbcBackend implements Backend {
  /** The worker pool (one thread) that writes alerting state and the outbox. */
  public static final String ALERTING_WRITER_POOL = "nines-alerting-jdbc";

  private final JdbcResultStore results;
  private volatile WorkerExecutor writer;
  private volatile Outbox outbox;
  private volatile AlertStore alertStore;
  private volatile AgentRegistry agents;

  /** A backend around {@code results}, an open store, and the database it writes to. */
  public JdbcBackend(JdbcResultStore results) {
    this.results = Checks.notNull(results, "results");
  }

  /**
   * Opens the result store on {@code database} ({@link JdbcResultStore#open}: loads what is stored)
   * and a backend around it. The caller closes the store ({@code results().close()}) and then the
   * database when done.
   */
  public static Future<JdbcBackend> open(Vertx vertx, Database database) {
    return JdbcResultStore.open(vertx, database).map(JdbcBackend::new);
  }

  @Override
  public String mode() {
    return "jdbc";
  }

  @Override
  public JdbcResultStore results() {
    return results;
  }

  @Override
  public Documents documents(String kind) {
    return results.database().documents(kind);
  }

  @Override
  public Database database() {
    return results.database();
  }

  @Override
  public Future<Void> start(Vertx vertx, Supplier<Fleet> fleet) {
    Checks.notNull(vertx, "vertx");
    Checks.notNull(fleet, "fleet");
    WorkerExecutor w = vertx.createSharedWorkerExecutor(ALERTING_WRITER_POOL, 1);
    writer = w;
    Database database = results.database();
    JdbcOutbox durableOutbox =
        new JdbcOutbox(database.documents(JdbcOutbox.KIND), w, MemoryBackend.OUTBOX_CAPACITY);
    JdbcAlertStore durableAlerts =
        new JdbcAlertStore(fleet, database.documents(JdbcAlertStore.KIND), w, durableOutbox);
    outbox = durableOutbox;
    alertStore = durableAlerts;
    agents = new InMemoryAgentRegistry();
    return Future.all(durableOutbox.load(), durableAlerts.load()).mapEmpty();
  }

  @Override
  public Outbox outbox() {
    return Backends.started(outbox);
  }

  @Override
  public AlertStore alertStore() {
    return Backends.started(alertStore);
  }

  @Override
  public AgentRegistry agents() {
    return Backends.started(agents);
  }

  @Override
  public Future<Void> close() {
    WorkerExecutor w = writer;
    writer = null;
    return w == null ? Future.succeededFuture() : w.close();
  }
}
