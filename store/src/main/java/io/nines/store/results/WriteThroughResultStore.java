package io.nines.store.results;

import io.nines.availability.Timeline;
import io.nines.common.Checks;
import io.nines.common.ProbeResult;
import io.nines.common.TimeRange;
import io.nines.config.Fleet;
import io.nines.store.StoreUnavailableException;
import io.nines.store.jdbc.Database;
import io.nines.store.jdbc.internal.CheckRepository;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
 * <p><b>Threads.</b> The insert runs on the worker pool {@value #WORKER_POOL} (as many threads as
 * the database pool has connections), never on an event loop; the cluster step and the returned
 * future complete on the caller's Vert.x context. Reads go to the cluster only.
 */
public final class WriteThroughResultStore implements ResultStore, AutoCloseable {

  /** The worker pool that runs the inserts. */
  public static final String WORKER_POOL = "nines-store-writethrough";

  /** SQLSTATE of a unique violation: two inserts of one key raced (H2 reports it; retried). */
  private static final String UNIQUE_VIOLATION = "23505";

  private static final int ATTEMPTS = 3;

  private static final Comparator<ProbeResult> BY_KEY =
      Comparator.comparing(ProbeResult::checkId)
          .thenComparing(ProbeResult::agentId)
          .thenComparingLong(ProbeResult::sequence);

  private final HazelcastResultStore cluster;
  private final CheckRepository repository;
  private final WorkerExecutor writer;

  /**
   * @param cluster the store on the checks map, whose MapStore does not write raw results ({@link
   *     Database#mapStoreConfig(boolean) mapStoreConfig(true)})
   * @param database where results are written through; stays the caller's to close
   */
  public WriteThroughResultStore(HazelcastResultStore cluster, Database database, Vertx vertx) {
    this.cluster = Checks.notNull(cluster, "cluster");
    Checks.notNull(database, "database");
    Checks.notNull(vertx, "vertx");
    this.repository = new CheckRepository(database.dataSource(), database.options().url(), false);
    this.writer = vertx.createSharedWorkerExecutor(WORKER_POOL, database.options().poolSize());
  }

  @Override
  public Future<AppendOutcome> append(Collection<ProbeResult> results, Fleet fleet, Instant now) {
    Checks.notNull(results, "results");
    Checks.notNull(fleet, "fleet");
    Checks.notNull(now, "now");
    List<ProbeResult> durable = acceptable(results, fleet, now);
    Future<AppendOutcome> applied = cluster.append(results, fleet, now);
    if (durable.isEmpty()) {
      return applied;
    }
    return applied.compose(
        outcome -> writer.executeBlocking(() -> insert(durable), false).map(outcome));
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
    Map<String, Boolean> known = new HashMap<>();
    Set<String> keys = new HashSet<>();
    List<ProbeResult> out = new ArrayList<>(results.size());
    for (ProbeResult r : results) {
      if (known.computeIfAbsent(r.checkId(), id -> fleet.check(id).isPresent())
          && !r.startedAt().isBefore(oldest)
          && !r.startedAt().isAfter(newest)
          && keys.add(r.checkId() + '\n' + r.id())) {
        out.add(r);
      }
    }
    out.sort(BY_KEY);
    return out;
  }

  /** On the worker: inserts, retrying a race between two inserts of one key. */
  private int insert(List<ProbeResult> durable) {
    SQLException last = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        return repository.insertResults(durable);
      } catch (SQLException e) {
        last = e;
        if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
          break;
        }
      } catch (RuntimeException e) {
        throw unavailable(durable.size(), e);
      }
    }
    throw unavailable(durable.size(), last);
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
