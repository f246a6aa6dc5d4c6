package io.nines.store.alerts;

import io.nines.availability.incident.Command;
import io.nines.availability.incident.IncidentEngine;
import io.nines.availability.incident.ServiceAlerts;
import io.nines.common.Checks;
import io.nines.config.Fleet;
import io.nines.store.documents.Documents;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A durable {@link AlertStore} for a single coordinator: the {@link InMemoryAlertStore}'s logic,
 * with each service's changed state written through to {@link Documents} (kind {@value #KIND})
 * before {@link #apply}'s future completes. {@link #load} reads them back when the coordinator
 * starts, so an incident open before a crash is still open after it.
 *
 * <p>When an {@link Outbox} is given, the notifications a decision makes are queued there (durably,
 * when it is a {@link JdbcOutbox}) <em>before</em> the state that records them is written: a crash
 * in between leaves the old state, the next period decides again and queues the same keys, which
 * the outbox ignores, so no page is lost. A decision whose notifications the outbox refused is
 * taken back in memory too, and {@link #apply} fails, so the next period makes them again.
 *
 * <p>JDBC runs on {@code writer} (one thread, so writes keep their order), never on an event loop.
 * A write that fails fails the future; the service stays marked and goes with the next write.
 * Thread-safe.
 */
public final class JdbcAlertStore implements AlertStore {
  /** The documents' kind. */
  public static final String KIND = HazelcastAlertStore.KIND;

  private final InMemoryAlertStore memory;
  private final Documents documents;
  private final WorkerExecutor writer;
  private final Outbox writeAhead;
  private final Set<String> dirty = new LinkedHashSet<>();
  private final Map<String, String> written = new HashMap<>();

  /**
   * @param documents where the states go, e.g. {@code database.documents(KIND)}
   * @param writer a worker pool of one thread for the blocking writes
   * @param writeAhead where a decision's notifications are queued before its state is written; null
   *     to leave queueing to the caller only
   */
  public JdbcAlertStore(
      Supplier<Fleet> fleet, Documents documents, WorkerExecutor writer, Outbox writeAhead) {
    this.memory = new InMemoryAlertStore(Checks.notNull(fleet, "fleet"));
    this.documents = Checks.notNull(documents, "documents");
    this.writer = Checks.notNull(writer, "writer");
    this.writeAhead = writeAhead;
  }

  /** Reads every stored state back; call once, before the first {@link #apply}. */
  public Future<Void> load() {
    return writer.executeBlocking(
        () -> {
          List<ServiceAlerts> loaded = new ArrayList<>();
          for (String json : documents.all().values()) {
            ServiceAlerts a = AlertJson.decodeServiceAlerts(json);
            loaded.add(a);
            synchronized (dirty) {
              written.put(a.serviceId(), AlertJson.encode(a));
            }
          }
          memory.restore(loaded);
          return null;
        },
        false);
  }

  @Override
  public Future<IncidentEngine.Step> apply(String serviceId, Command command) {
    InMemoryAlertStore.Applied applied = memory.decide(serviceId, command);
    IncidentEngine.Step step = applied.step();
    synchronized (dirty) {
      dirty.add(serviceId);
    }
    // A decision whose notifications could not be queued is taken back: kept, it would record
    // pages that were never queued, and the next decision would not make them again.
    Future<Integer> queued =
        step.notifications().isEmpty() || writeAhead == null
            ? Future.succeededFuture(0)
            : writeAhead
                .enqueue(step.notifications(), command.at())
                .onFailure(ex -> memory.undo(serviceId, applied));
    return queued.compose(
        n ->
            writer.executeBlocking(
                () -> {
                  flush();
                  return step;
                },
                false));
  }

  /** Writes the states of the services marked since the last write; on the writer only. */
  private void flush() {
    List<String> ids;
    synchronized (dirty) {
      ids = List.copyOf(dirty);
      dirty.clear();
    }
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      ServiceAlerts now = memory.current(id);
      String json = now == null ? null : AlertJson.encode(now);
      try {
        synchronized (dirty) {
          if (json == null || json.equals(written.get(id))) {
            continue;
          }
        }
        documents.put(id, json);
        synchronized (dirty) {
          written.put(id, json);
        }
      } catch (RuntimeException e) {
        synchronized (dirty) {
          dirty.addAll(ids.subList(i, ids.size()));
        }
        throw e;
      }
    }
  }

  @Override
  public Future<Optional<ServiceAlerts>> get(String serviceId) {
    return memory.get(serviceId);
  }

  @Override
  public Future<List<ServiceAlerts>> all() {
    return memory.all();
  }
}
