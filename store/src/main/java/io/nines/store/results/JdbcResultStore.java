package io.nines.store.results;

import io.nines.availability.Timeline;
import io.nines.common.Checks;
import io.nines.common.ProbeResult;
import io.nines.common.TimeRange;
import io.nines.config.Fleet;
import io.nines.store.StoreUnavailableException;
import io.nines.store.checklog.CheckLog;
import io.nines.store.checklog.PendingChange;
import io.nines.store.jdbc.Database;
import io.nines.store.jdbc.internal.CheckRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A durable {@link ResultStore} for a single coordinator (what {@code nines up} and single-node
 * installs use): the {@link InMemoryResultStore}'s logic and memory, with every change written
 * through to a {@link Database} before the append's future succeeds. On opening it loads what the
 * database holds, so a restarted coordinator answers as before.
 *
 * <p><i>Why not a one-member cluster with the MapStore?</i> The same guarantees for less: no
 * Hazelcast start-up (about 3 CPU-seconds more on a cold JVM), and an agent hears "accepted" only
 * once its results are on disk, where write-behind would acknowledge them from memory. Both paths
 * share the log code ({@code CheckLog}) and the SQL.
 *
 * <p><b>Threads.</b> Appends apply in memory on the caller's thread (as the in-memory store does),
 * then write on the worker pool {@value #WORKER_POOL}, which has one thread, so writes never race
 * and never run on an event loop. Futures complete on the caller's Vert.x context. If a write
 * fails, its changes stay queued and go with the next write; meanwhile the append fails with {@link
 * StoreUnavailableException}, and the agent's resend counts as duplicates (already applied in
 * memory) which succeed once the queued changes are written.
 */
public final class JdbcResultStore implements ResultStore, AutoCloseable {

  /** The worker pool that runs this store's JDBC. */
  public static final String WORKER_POOL = "nines-store-jdbc";

  private final InMemoryResultStore memory;
  private final CheckRepository repository;
  private final Database database;
  private final WorkerExecutor writer;
  private final List<PendingChange> unwritten;

  private JdbcResultStore(
      Map<String, CheckLog> loaded,
      CheckRepository repository,
      Database database,
      WorkerExecutor writer,
      List<PendingChange> unwritten) {
    this.repository = repository;
    this.database = database;
    this.writer = writer;
    this.unwritten = unwritten;
    this.memory = new InMemoryResultStore(loaded, this::queue);
  }

  /**
   * Opens the store on {@code database}, loading every check it holds (on the worker pool).
   *
   * @return a future of the store, failed when the database cannot be read
   */
  public static Future<JdbcResultStore> open(Vertx vertx, Database database) {
    Checks.notNull(vertx, "vertx");
    Checks.notNull(database, "database");
    CheckRepository repository =
        new CheckRepository(database.dataSource(), database.options().url());
    WorkerExecutor writer = vertx.createSharedWorkerExecutor(WORKER_POOL, 1);
    return writer
        .executeBlocking(() -> repository.loadAll(repository.checkIds()))
        .map(loaded -> new JdbcResultStore(loaded, repository, database, writer, new ArrayList<>()))
        .onFailure(e -> writer.close());
  }

  /** Called by the in-memory store under the changed check's lock; in order for each check. */
  private void queue(PendingChange change) {
    synchronized (unwritten) {
      unwritten.add(change);
    }
  }

  @Override
  public Future<AppendOutcome> append(Collection<ProbeResult> results, Fleet fleet, Instant now) {
    AppendOutcome outcome = memory.append(results, fleet, now).result();
    return writer.executeBlocking(
        () -> {
          flush();
          return outcome;
        },
        false);
  }

  /** Writes everything queued; on the writer thread only. */
  private void flush() {
    List<PendingChange> batch;
    synchronized (unwritten) {
      batch = List.copyOf(unwritten);
      unwritten.clear();
    }
    try {
      repository.write(batch);
    } catch (SQLException | RuntimeException e) {
      synchronized (unwritten) {
        unwritten.addAll(0, batch);
      }
      throw new StoreUnavailableException(
          "the database could not store " + batch.size() + " change(s): " + e.getMessage(), e);
    }
  }

  @Override
  public Future<Map<String, List<ProbeResult>>> resultsByLocation(
      String checkId, Instant from, Instant to) {
    return memory.resultsByLocation(checkId, from, to);
  }

  @Override
  public Future<Map<String, Timeline>> locationTimelines(String checkId, TimeRange span) {
    return memory.locationTimelines(checkId, span);
  }

  @Override
  public Future<List<ProbeResult>> recent(String checkId, int limit) {
    return memory.recent(checkId, limit);
  }

  @Override
  public Future<Optional<Evaluation>> evaluation(String checkId) {
    return memory.evaluation(checkId);
  }

  @Override
  public Future<Long> size() {
    return memory.size();
  }

  /**
   * Deletes from the database what has left the retentions as of {@code now} (memory forgets it on
   * every append). Run it every few minutes; see {@link Database#deleteExpired}.
   */
  public Future<long[]> deleteExpired(Instant now, Duration raw, Duration rollup) {
    return writer.executeBlocking(() -> database.deleteExpired(now, raw, rollup), false);
  }

  /** The database this store writes to. */
  public Database database() {
    return database;
  }

  /** How many changes wait for the database (after failed writes); 0 normally. */
  public int unwrittenChanges() {
    synchronized (unwritten) {
      return unwritten.size();
    }
  }

  /** Closes the worker pool; the database stays open (it is the caller's). */
  @Override
  public void close() {
    writer.close();
  }
}
