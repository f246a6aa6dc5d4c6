package io.nines.store;

import io.nines.config.Fleet;
import io.nines.store.agents.AgentRegistry;
import io.nines.store.alerts.AlertStore;
import io.nines.store.alerts.Outbox;
import io.nines.store.documents.Documents;
import io.nines.store.jdbc.Database;
import io.nines.store.results.ResultStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * One storage mode, and every store the coordinator keeps its data in: results, documents of each
 * kind (maintenance windows, configuration history), alerting state, the notification outbox and
 * the agent registry. There is one implementation per mode, and the coordinator asks its backend
 * for each store rather than choosing them itself:
 *
 * <ul>
 *   <li>{@link MemoryBackend}: a single process, everything in memory (what {@code nines up} runs);
 *   <li>{@link JdbcBackend}: a single process whose stores write through to a {@link Database} (H2
 *       or PostgreSQL) before their futures complete, and load from it at {@link #start};
 *   <li>{@link ClusterBackend}: a member of a Hazelcast cluster; every store is a cluster map, with
 *       a synchronous backup, written behind to a database when the member has one.
 * </ul>
 *
 * <p>Lifecycle: {@link #results()} and {@link #documents(String)} are there from construction (the
 * coordinator's registries read them when it is built); {@link #start} once builds the alerting
 * stores and the agent registry and loads what is durable; {@link #close} once undoes {@link
 * #start}. The result store and the database belong to whoever opened them, and outlive both.
 */
public interface Backend {

  /** The storage mode, for logs: {@code memory}, {@code jdbc} or {@code cluster}. */
  String mode();

  /** Where results and each check's last evaluation live. */
  ResultStore results();

  /**
   * Where the documents of {@code kind} are kept (a kind names one small collection, such as {@code
   * maintenance} or {@code config}), or null when this backend keeps them nowhere but in the
   * caller's memory.
   */
  Documents documents(String kind);

  /** The database behind the stores, or null when nothing is durable. */
  Database database();

  /**
   * Builds the alerting stores and the agent registry, and loads what is durable. Call once, before
   * {@link #outbox()}, {@link #alertStore()} and {@link #agents()}.
   *
   * @param vertx where the stores run (in a cluster, the member's own)
   * @param fleet the configuration the alert store decides by; read on every decision
   * @return a future that completes once the stores are loaded
   */
  Future<Void> start(Vertx vertx, Supplier<Fleet> fleet);

  /** Notifications decided and their delivery log. */
  Outbox outbox();

  /** Each service's alerting state; decisions queue their notifications in {@link #outbox()}. */
  AlertStore alertStore();

  /** The agents that have sent a heartbeat. */
  AgentRegistry agents();

  /** Closes what {@link #start} opened (worker pools); a no-op when never started. */
  Future<Void> close();
}
