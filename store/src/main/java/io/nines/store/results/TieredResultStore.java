package io.nines.store.results;

import io.nines.availability.Interval;
import io.nines.availability.Timeline;
import io.nines.availability.Timelines;
import io.nines.common.Checks;
import io.nines.common.ProbeResult;
import io.nines.common.TimeRange;
import io.nines.config.Fleet;
import io.nines.store.StoreUnavailableException;
import io.nines.store.checklog.HistorySlice;
import io.nines.store.checklog.LocationHistory;
import io.nines.store.checklog.ReadCheck;
import io.nines.store.jdbc.Database;
import io.nines.store.jdbc.internal.ColdReads;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * The cluster's {@link ResultStore} when its members have a {@link Database}: the checks map holds
 * only each check's hot part (its results of the last minutes and its open hours of history, see
 * {@code CheckLog.HOT_RAW}), and the database holds the rest. Reads take the hot part from the
 * check's owner and the rest from the database, and merge them; writes, evaluations and counts go
 * to the {@link HazelcastResultStore} unchanged.
 *
 * <p>Each read asks the owner first (one read-only entry processor, as {@link HazelcastResultStore}
 * does), which answers with what the log holds of the window and where the log's cuts lie; then,
 * only if the window reaches before the cut, the database for exactly the part before it (and, for
 * results, not before {@code retention.raw} as of the check's last batch). So a window of the last
 * minutes never touches the database, and nothing is read twice.
 *
 * <p><b>Threads.</b> JDBC runs on the worker pool {@value #WORKER_POOL} (as many threads as the
 * database's connection pool), never on an event loop. Futures complete on the caller's Vert.x
 * context. A database that cannot answer fails the read with {@link StoreUnavailableException}.
 *
 * <p><b>What a read can miss.</b> The database is written behind (every {@code writeDelay}): a
 * result older than the hot window that arrived late, or a closed hour it changed, is in the
 * database only after the next write. Results of the hot window are always read from memory.
 */
public final class TieredResultStore implements ResultStore, AutoCloseable {

  /** The worker pool that runs the database reads. */
  public static final String WORKER_POOL = "nines-store-reads";

  private final HazelcastResultStore hot;
  private final ResultStore writes;
  private final ColdReads cold;
  private final WorkerExecutor worker;

  /**
   * @param hot the cluster's store, on a map whose MapStore writes to {@code database}
   * @param vertx where the worker pool lives
   */
  public TieredResultStore(HazelcastResultStore hot, Database database, Vertx vertx) {
    this(hot, hot, database, vertx);
  }

  /**
   * @param hot the cluster's store, on a map whose MapStore writes to {@code database}
   * @param writes where {@link #append} goes: {@code hot} itself, or a {@link
   *     WriteThroughResultStore} on it
   * @param vertx where the worker pool lives
   */
  public TieredResultStore(
      HazelcastResultStore hot, ResultStore writes, Database database, Vertx vertx) {
    this.hot = Checks.notNull(hot, "hot");
    this.writes = Checks.notNull(writes, "writes");
    Checks.notNull(database, "database");
    this.cold = new ColdReads(database.dataSource());
    this.worker =
        Checks.notNull(vertx, "vertx")
            .createSharedWorkerExecutor(WORKER_POOL, database.options().poolSize());
  }

  @Override
  public Future<AppendOutcome> append(Collection<ProbeResult> results, Fleet fleet, Instant now) {
    return writes.append(results, fleet, now);
  }

  @Override
  public Future<Map<String, List<ProbeResult>>> resultsByLocation(
      String checkId, Instant from, Instant to) {
    Checks.notNull(from, "from");
    Checks.notNull(to, "to");
    return hot.read(checkId, ReadCheck.hot(ReadCheck.between(from, to)))
        .compose(
            read -> {
              Instant coldFrom = later(from, read.retainedFrom());
              Instant coldTo = earlier(to, read.heldFrom());
              if (!read.exists() || !coldFrom.isBefore(coldTo)) {
                return Future.succeededFuture(byLocation(read.results()));
              }
              return blocking(
                  () -> {
                    List<ProbeResult> all =
                        new ArrayList<>(cold.results(checkId, coldFrom, coldTo));
                    all.addAll(read.results());
                    return byLocation(all);
                  });
            });
  }

  @Override
  public Future<List<ProbeResult>> recent(String checkId, int limit) {
    Checks.checkArgument(limit >= 0, "limit: %s (expected: >= 0)", limit);
    return hot.read(checkId, ReadCheck.hot(ReadCheck.recent(limit)))
        .compose(
            read -> {
              int missing = limit - read.results().size();
              Instant coldFrom = later(Instant.EPOCH, read.retainedFrom());
              Instant coldTo = earlier(Instant.MAX, read.heldFrom());
              if (!read.exists() || missing <= 0 || !coldFrom.isBefore(coldTo)) {
                return Future.succeededFuture(read.results());
              }
              return blocking(
                  () -> {
                    List<ProbeResult> older = cold.newest(checkId, coldFrom, coldTo, missing);
                    older.sort(Timelines.BY_START.reversed());
                    List<ProbeResult> all = new ArrayList<>(read.results());
                    all.addAll(older);
                    return List.copyOf(all);
                  });
            });
  }

  @Override
  public Future<Map<String, Timeline>> locationTimelines(String checkId, TimeRange span) {
    Checks.notNull(span, "span");
    Instant from = span.start();
    Instant to = span.end();
    return hot.read(checkId, ReadCheck.hot(ReadCheck.history(from, to)))
        .compose(
            read -> {
              Instant coldFrom = later(from, read.historyKeptFrom());
              Instant coldTo = earlier(to, read.openFrom());
              if (!read.exists() || !coldFrom.isBefore(coldTo)) {
                return Future.succeededFuture(timelines(span, Map.of(), read.slices()));
              }
              return blocking(
                  () -> timelines(span, cold.history(checkId, coldFrom, coldTo), read.slices()));
            });
  }

  @Override
  public Future<Optional<Evaluation>> evaluation(String checkId) {
    return hot.evaluation(checkId);
  }

  /** How many results the cluster's memory holds (the hot windows), over all checks. */
  @Override
  public Future<Long> size() {
    return hot.size();
  }

  /** The cluster's store, which holds the hot part. */
  public HazelcastResultStore hot() {
    return hot;
  }

  /** Closes the worker pool; the store and the database belong to the caller. */
  @Override
  public void close() {
    worker.close();
  }

  private <T> Future<T> blocking(Callable<T> read) {
    return worker
        .<T>executeBlocking(read, false)
        .recover(
            e ->
                Future.failedFuture(
                    e instanceof StoreUnavailableException
                        ? e
                        : new StoreUnavailableException(
                            "the database could not answer: " + e.getMessage(), e)));
  }

  /** Cold history before the open hours, then the log's slices; one timeline per location. */
  private static Map<String, Timeline> timelines(
      TimeRange span, Map<String, List<Interval>> cold, List<HistorySlice> slices) {
    Map<String, List<Interval>> parts = new TreeMap<>();
    cold.forEach((location, intervals) -> parts.put(location, new ArrayList<>(intervals)));
    for (HistorySlice slice : slices) {
      parts.computeIfAbsent(slice.location(), l -> new ArrayList<>()).addAll(slice.intervals());
    }
    Map<String, Timeline> out = new LinkedHashMap<>();
    parts.forEach(
        (location, intervals) -> {
          if (!intervals.isEmpty()) {
            out.put(location, Timeline.of(span, intervals));
          }
        });
    return out;
  }

  /** Results by location, each list in {@link Timelines#BY_START} order, each result once. */
  private static Map<String, List<ProbeResult>> byLocation(List<ProbeResult> results) {
    Map<String, List<ProbeResult>> out = new TreeMap<>();
    Set<String> seen = new HashSet<>();
    for (ProbeResult r : results) {
      if (seen.add(r.id())) {
        out.computeIfAbsent(r.location(), l -> new ArrayList<>()).add(r);
      }
    }
    Map<String, List<ProbeResult>> sorted = new LinkedHashMap<>();
    out.forEach(
        (location, rs) -> {
          rs.sort(Timelines.BY_START);
          sorted.put(location, List.copyOf(rs));
        });
    return sorted;
  }

  private static Instant later(Instant a, long nanos) {
    if (nanos == Long.MIN_VALUE) {
      return a;
    }
    Instant b = LocationHistory.instant(nanos);
    return b.isAfter(a) ? b : a;
  }

  private static Instant earlier(Instant a, long nanos) {
    if (nanos == Long.MIN_VALUE) {
      return Instant.MIN;
    }
    Instant b = LocationHistory.instant(nanos);
    return b.isBefore(a) ? b : a;
  }
}
