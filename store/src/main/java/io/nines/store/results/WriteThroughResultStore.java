package io.nines.store.results;

import io.nines.availability.Timeline;
import io.nines.common.Checks;
import io.nines.common.ProbeResult;
import io.nines.common.TimeRange;
import io.nines.config.Check;
import io.nines.config.CheckIndex;
import io.nines.config.Fleet;
import io.nines.store.StoreUnavailableException;
import io.nines.store.jdbc.Database;
import io.nines.store.jdbc.internal.CheckRepository;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A cluster's {@link ResultStore} with a database: an append is acknowledged only once its results
 * are applied on their checks' owners and synchronous backups ({@link HazelcastResultStore})
 * <i>and</i> committed to the {@link Database}. So a result the agent heard "accepted" for survives
 * the loss of every member at once; the members load it back when the cluster restarts.
 *
 * <p><b>Order: apply, then insert, then acknowledge.</b> {@link #append} applies the batch in the
 * cluster as {@link HazelcastResultStore#append} does; then it inserts idempotently ({@code ON
 * CONFLICT DO NOTHING}), in one transaction, every result a check's log could have accepted, judged
 * without its state: of a check in the fleet, that ran within {@code retention.raw} before {@code
 * now} and at most {@link ResultStore#MAX_CLOCK_SKEW_MILLIS} after it; the first of each key {@code
 * (check, agent, sequence)} in the batch. The results the cluster counted as duplicates are among
 * them on purpose: if the first attempt died between the two steps (a member, the database, or the
 * whole cluster), the agent, unanswered, sends the batch again; the cluster then says "duplicate"
 * and the insert stores what the first attempt did not, or changes nothing. Inserting first would
 * break this: the checks map loads a check it does not hold from the database, so a check's first
 * batch (and every check's, after a restart) would come back already consumed, be counted as
 * duplicates, and never be evaluated. Refused sequences, evaluations and timeline history are still
 * written behind by the checks map's store ({@link Database#mapStoreConfig(boolean)}); see {@code
 * docs/storage.md} for what a full-cluster crash can cost them.
 *
 * <p><b>Failures.</b> When the cluster fails, nothing is inserted; when the database refuses or
 * cannot be reached, the results stay applied in the cluster but the append fails with {@link
 * StoreUnavailableException}: either way nothing is acknowledged, the agent keeps the results in
 * its spool and sends them again later.
 *
 * <p><b>Threads and group commit.</b> The inserts run on the worker pool {@value #WORKER_POOL}, one
 * thread per member, never on an event loop: appends that arrive while a transaction runs are
 * committed together by the next one (up to {@value #MAX_GROUP_RESULTS} results), so a member holds
 * one write-through transaction at a time, amortizes the commit over many appends, and concurrent
 * appends never wait on each other's roll-up rows (parallel transactions did, until H2's lock
 * timeout failed them). The cluster step and the returned future complete on the caller's Vert.x
 * context. Reads go to the cluster only.
 */
public final class WriteThroughResultStore implements ResultStore, AutoCloseable {

  /** The worker pool that runs the inserts. */
  public static final String WORKER_POOL = "nines-store-writethrough";

  /**
   * SQLSTATEs worth one more try: a unique violation (two members inserted one key at once; H2
   * reports it), a detected deadlock and a serialization failure (two members' transactions touched
   * the same roll-up rows in different orders; PostgreSQL aborts one).
   */
  private static final Set<String> RETRYABLE = Set.of("23505", "40P01", "40001");

  private static final int ATTEMPTS = 3;

  private static final Comparator<ProbeResult> BY_KEY =
      Comparator.comparing(ProbeResult::checkId)
          .thenComparing(ProbeResult::agentId)
          .thenComparingLong(ProbeResult::sequence);

  /** The most results one transaction takes from the queue (more wait for the next). */
  private static final int MAX_GROUP_RESULTS = 10_000;

  private final HazelcastResultStore cluster;
  private final CheckRepository repository;
  private final Vertx vertx;
  private final WorkerExecutor writer;
  private final Object lock = new Object();

  /** Appends waiting for the writer, oldest first; guarded by {@link #lock}. */
  private final ArrayDeque<Waiting> queued = new ArrayDeque<>();

  /** Whether a drain is scheduled or running; guarded by {@link #lock}. */
  private boolean writing;

  /** One append's results and what completes when they are committed (or could not be). */
  private record Waiting(List<ProbeResult> results, CompletableFuture<Void> done) {}

  /**
   * @param cluster the store on the checks map, whose MapStore does not write raw results ({@link
   *     Database#mapStoreConfig(boolean) mapStoreConfig(true)})
   * @param database where results are written through; stays the caller's to close
   */
  public WriteThroughResultStore(HazelcastResultStore cluster, Database database, Vertx vertx) {
    this.cluster = Checks.notNull(cluster, "cluster");
    Checks.notNull(database, "database");
    this.vertx = Checks.notNull(vertx, "vertx");
    this.repository = new CheckRepository(database.dataSource(), database.options().url(), false);
    this.writer = vertx.createSharedWorkerExecutor(WORKER_POOL, 1);
  }

  @Override
  public Future<AppendOutcome> append(Collection<ProbeResult> results, Fleet fleet, Instant now) {
    Checks.notNull(results, "results");
    Checks.notNull(fleet, "fleet");
    Checks.notNull(now, "now");
    Context context = vertx.getOrCreateContext();
    List<ProbeResult> durable = acceptable(results, fleet, now);
    Future<AppendOutcome> applied = cluster.append(results, fleet, now);
    if (durable.isEmpty()) {
      return applied;
    }
    return applied.compose(outcome -> written(durable, context).map(outcome));
  }

  /**
   * Queues {@code durable} for the writer, starting it if idle; the future completes on {@code
   * context} once they are committed.
   */
  private Future<Void> written(List<ProbeResult> durable, Context context) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    boolean start;
    synchronized (lock) {
      queued.add(new Waiting(durable, done));
      start = !writing;
      writing = true;
    }
    if (start) {
      writer
          .executeBlocking(
              () -> {
                drain();
                return null;
              },
              false)
          .onFailure(this::failQueued);
    }
    return Future.fromCompletionStage(done, context);
  }

  /**
   * On the writer thread: commits what is queued, one group of appends per transaction (those that
   * arrived while the previous one ran), until the queue is empty.
   */
  private void drain() {
    while (true) {
      List<Waiting> group = new ArrayList<>();
      int size = 0;
      synchronized (lock) {
        while (!queued.isEmpty()
            && (group.isEmpty() || size + queued.peek().results().size() <= MAX_GROUP_RESULTS)) {
          Waiting w = queued.poll();
          group.add(w);
          size += w.results().size();
        }
        if (group.isEmpty()) {
          writing = false;
          return;
        }
      }
      try {
        insert(merged(group));
        group.forEach(w -> w.done().complete(null));
      } catch (SQLException | RuntimeException e) {
        group.forEach(w -> w.done().completeExceptionally(unavailable(w.results().size(), e)));
      }
    }
  }

  /** When the writer could not even start (its pool closed): fails everything queued. */
  private void failQueued(Throwable e) {
    List<Waiting> failed;
    synchronized (lock) {
      failed = new ArrayList<>(queued);
      queued.clear();
      writing = false;
    }
    Exception cause = e instanceof Exception ex ? ex : new IllegalStateException(e);
    failed.forEach(w -> w.done().completeExceptionally(unavailable(w.results().size(), cause)));
  }

  /** The group's results, the first of each key, sorted by key. */
  private static List<ProbeResult> merged(List<Waiting> group) {
    if (group.size() == 1) {
      return group.get(0).results();
    }
    Set<String> keys = new HashSet<>();
    List<ProbeResult> out = new ArrayList<>();
    for (Waiting w : group) {
      for (ProbeResult r : w.results()) {
        if (keys.add(r.checkId() + '\n' + r.id())) {
          out.add(r);
        }
      }
    }
    out.sort(BY_KEY);
    return out;
  }

  /**
   * The results a check's log could accept at {@code now}, judged without its state (so a result it
   * has consumed before is among them: inserting it again stores it if an earlier attempt did not,
   * and is a no-op if it did): the first of each key, of a known check, within the raw retention
   * and the clock skew; sorted by key, so that concurrent inserts lock rows in one order.
   */
  static List<ProbeResult> acceptable(Collection<ProbeResult> results, Fleet fleet, Instant now) {
    Instant oldest = now.minus(fleet.settings().retentionRaw());
    Instant newest = now.plusMillis(MAX_CLOCK_SKEW_MILLIS);
    // The fleet's index (built once per fleet): Fleet.check scans the list, 500 times a batch.
    Map<String, Check> known = CheckIndex.of(fleet);
    Set<String> keys = new HashSet<>();
    List<ProbeResult> out = new ArrayList<>(results.size());
    for (ProbeResult r : results) {
      if (known.containsKey(r.checkId())
          && !r.startedAt().isBefore(oldest)
          && !r.startedAt().isAfter(newest)
          && keys.add(r.checkId() + '\n' + r.id())) {
        out.add(r);
      }
    }
    out.sort(BY_KEY);
    return out;
  }

  /**
   * On the writer: inserts in one transaction, retrying a race with another member's transaction
   * ({@link #RETRYABLE}).
   */
  private int insert(List<ProbeResult> durable) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      try {
        return repository.insertResults(durable);
      } catch (SQLException e) {
        if (attempt >= ATTEMPTS || !RETRYABLE.contains(e.getSQLState())) {
          throw e;
        }
      }
    }
  }

  private static StoreUnavailableException unavailable(int count, Exception e) {
    return new StoreUnavailableException(
        "the database could not store "
            + count
            + " result(s), so none was acknowledged; send them again later ("
            + e.getMessage()
            + ")",
        e);
  }

  @Override
  public Future<Map<String, List<ProbeResult>>> resultsByLocation(
      String checkId, Instant from, Instant to) {
    return cluster.resultsByLocation(checkId, from, to);
  }

  @Override
  public Future<Map<String, Timeline>> locationTimelines(String checkId, TimeRange span) {
    return cluster.locationTimelines(checkId, span);
  }

  @Override
  public Future<List<ProbeResult>> recent(String checkId, int limit) {
    return cluster.recent(checkId, limit);
  }

  @Override
  public Future<Optional<Evaluation>> evaluation(String checkId) {
    return cluster.evaluation(checkId);
  }

  @Override
  public Future<Long> size() {
    return cluster.size();
  }

  /** The store on the cluster's map that this one applies to after writing. */
  public HazelcastResultStore cluster() {
    return cluster;
  }

  /** Closes the worker pool; the database stays open (it is the caller's). */
  @Override
  public void close() {
    writer.close();
  }
}
