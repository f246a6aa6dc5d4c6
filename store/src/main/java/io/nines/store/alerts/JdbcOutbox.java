package io.nines.store.alerts;

import io.nines.availability.incident.Notification;
import io.nines.common.Checks;
import io.nines.store.documents.Documents;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A durable {@link Outbox} for a single coordinator: the {@link InMemoryOutbox}'s logic, with every
 * queued entry and every recorded attempt written through to {@link Documents} (kind {@value
 * #KIND}) before the future completes. {@link #load} reads them back when the coordinator starts,
 * so a notification queued but not sent before a crash is sent after it: at least once, with the
 * same key (the receivers' idempotency key), and a second time when the crash came between the
 * receiver's answer and its record. Delivery leases stay in memory: a restart forgets them, so an
 * attempt that was in flight is made again.
 *
 * <p>JDBC runs on {@code writer} (one thread), never on an event loop. A write that fails fails the
 * future, and its keys go with the next write; memory already holds the change, so delivery goes
 * on. Thread-safe.
 */
public final class JdbcOutbox implements Outbox {
  /** The documents' kind. */
  public static final String KIND = HazelcastOutbox.KIND;

  private final InMemoryOutbox memory;
  private final Documents documents;
  private final WorkerExecutor writer;
  private final Set<String> dirty = new LinkedHashSet<>();
  private final Map<String, String> written = new HashMap<>();

  /**
   * @param documents where the entries go, e.g. {@code database.documents(KIND)}
   * @param writer a worker pool of one thread for the blocking writes
   * @param capacity the most entries kept; the oldest finished ones are deleted first
   */
  public JdbcOutbox(Documents documents, WorkerExecutor writer, int capacity) {
    Checks.checkPositive(capacity, "capacity");
    this.memory = new InMemoryOutbox(capacity);
    this.documents = Checks.notNull(documents, "documents");
    this.writer = Checks.notNull(writer, "writer");
  }

  /** Reads every stored entry back; call once, before anything else. */
  public Future<Void> load() {
    return writer.executeBlocking(
        () -> {
          List<OutboxEntry> loaded = new ArrayList<>();
          for (String json : documents.all().values()) {
            OutboxEntry e = AlertJson.decodeOutboxEntry(json);
            loaded.add(e);
            synchronized (dirty) {
              written.put(e.notification().key(), AlertJson.encode(e, null));
            }
          }
          memory.restore(loaded);
          return null;
        },
        false);
  }

  @Override
  public Future<Integer> enqueue(List<Notification> notifications, Instant now) {
    if (notifications.isEmpty()) {
      return Future.succeededFuture(0);
    }
    int added = memory.enqueue(notifications, now).result();
    List<String> keys = new ArrayList<>(memory.drainDropped());
    notifications.forEach(n -> keys.add(n.key()));
    return write(keys).map(added);
  }

  @Override
  public Future<List<OutboxEntry>> take(Instant now, int max, long leaseSeconds) {
    return memory.take(now, max, leaseSeconds);
  }

  @Override
  public Future<Void> record(String key, Delivery delivery, Instant nextAttemptAt) {
    memory.record(key, delivery, nextAttemptAt);
    return write(List.of(key));
  }

  private Future<Void> write(List<String> keys) {
    synchronized (dirty) {
      dirty.addAll(keys);
    }
    return writer.executeBlocking(
        () -> {
          flush();
          return null;
        },
        false);
  }

  /** Writes (or deletes) the entries marked since the last write; on the writer only. */
  private void flush() {
    List<String> keys;
    synchronized (dirty) {
      keys = List.copyOf(dirty);
      dirty.clear();
    }
    for (int i = 0; i < keys.size(); i++) {
      String key = keys.get(i);
      OutboxEntry e = memory.entry(key);
      String json = e == null ? null : AlertJson.encode(e, null);
      try {
        String before;
        synchronized (dirty) {
          before = written.get(key);
        }
        if (json == null) {
          if (before != null) {
            documents.remove(key);
          }
        } else if (!json.equals(before)) {
          documents.put(key, json);
        }
        synchronized (dirty) {
          if (json == null) {
            written.remove(key);
          } else {
            written.put(key, json);
          }
        }
      } catch (RuntimeException ex) {
        synchronized (dirty) {
          dirty.addAll(keys.subList(i, keys.size()));
        }
        throw ex;
      }
    }
  }

  @Override
  public Future<List<OutboxEntry>> ofIncident(String incidentId) {
    return memory.ofIncident(incidentId);
  }

  @Override
  public Future<List<OutboxEntry>> recent(int limit) {
    return memory.recent(limit);
  }
}
