package io.nines.store;

import io.nines.common.Checks;
import io.nines.config.Fleet;
import io.nines.store.agents.AgentRegistry;
import io.nines.store.agents.InMemoryAgentRegistry;
import io.nines.store.alerts.AlertStore;
import io.nines.store.alerts.InMemoryAlertStore;
import io.nines.store.alerts.InMemoryOutbox;
import io.nines.store.alerts.Outbox;
import io.nines.store.documents.Documents;
import io.nines.store.jdbc.Database;
import io.nines.store.results.InMemoryResultStore;
import io.nines.store.results.ResultStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * A single process that keeps everything in memory: a restart forgets it all. What {@code nines up}
 * and embedded coordinators run.
 */
public final class MemoryBackend implements Backend {
  /** How many notifications the outbox keeps; the oldest finished ones go first. */
  public static final int OUTBOX_CAPACITY = 100_000;

  private final ResultStore results;
  private volatile Outbox outbox;
  private volatile AlertStore alertStore;
  private volatile AgentRegistry agents;

  /** A backend with a fresh {@link InMemoryResultStore}. */
  public MemoryBackend() {
    this(new InMemoryResultStore());
  }

  /**
   * A backend around {@code results}: any store the caller keeps elsewhere (a test's, or one that
   * is durable on its own), with the rest in memory.
   */
  public MemoryBackend(ResultStore results) {
    this.results = Checks.notNull(results, "results");
  }

  @Override
  public String mode() {
    return "memory";
  }

  @Override
  public ResultStore results() {
    return results;
  }

  /** Always null: the registries keep their documents in their own memory. */
  @Override
  public Documents documents(String kind) {
    return null;
  }

  @Override
  public Database database() {
    return null;
  }

  @Override
  public Future<Void> start(Vertx vertx, Supplier<Fleet> fleet) {
    Checks.notNull(vertx, "vertx");
    Checks.notNull(fleet, "fleet");
    outbox = new InMemoryOutbox(OUTBOX_CAPACITY);
    alertStore = new InMemoryAlertStore(fleet);
    agents = new InMemoryAgentRegistry();
    return Future.succeededFuture();
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
    return Future.succeededFuture();
  }
}
