package io.nines.store.jdbc;

import io.nines.common.Checks;
import io.nines.common.TimeSource;
import io.nines.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Removes what has left the retentions from the database every {@code period}: raw results after
 * {@code retention.raw}, per-minute roll-ups after 30 days (rolled into per-hour ones first),
 * roll-ups after {@code retention.rollup} ({@link Database#deleteExpired}). On PostgreSQL it drops
 * whole day partitions rather than deleting rows, and creates the partitions of the next days, so
 * each run also keeps the partitions ahead of the clock. The work runs on the worker pool {@value
 * #WORKER_POOL}, never on an event loop. In a cluster every member may run one: on PostgreSQL one
 * member at a time does the work (an advisory lock; the others skip that run), on H2 there is one
 * member; each run removes only what expired since the last.
 */
public final class RetentionTask implements AutoCloseable {
  /** The worker pool the deletes run on. */
  public static final String WORKER_POOL = "nines-store-retention";

  private static final Logger LOG = Logger.getLogger(RetentionTask.class.getName());

  private final Vertx vertx;
  private final Database database;
  private final Supplier<Settings> settings;
  private final TimeSource timeSource;
  private final WorkerExecutor worker;
  private final long timerId;

  private RetentionTask(
      Vertx vertx,
      Database database,
      Supplier<Settings> settings,
      TimeSource timeSource,
      Duration period) {
    this.vertx = vertx;
    this.database = database;
    this.settings = settings;
    this.timeSource = timeSource;
    this.worker = vertx.createSharedWorkerExecutor(WORKER_POOL, 1);
    this.timerId = vertx.setPeriodic(period.toMillis(), id -> runOnce());
  }

  /**
   * Starts deleting every {@code period} (the first run after one period).
   *
   * @param settings the current retentions; may return null while no configuration is loaded (the
   *     run is then skipped)
   */
  public static RetentionTask start(
      Vertx vertx,
      Database database,
      Supplier<Settings> settings,
      TimeSource timeSource,
      Duration period) {
    Checks.notNull(vertx, "vertx");
    Checks.notNull(database, "database");
    Checks.notNull(settings, "settings");
    Checks.notNull(timeSource, "timeSource");
    Checks.notNull(period, "period");
    Checks.checkArgument(
        period.compareTo(Duration.ofSeconds(1)) >= 0, "period: %s (expected: >= 1s)", period);
    return new RetentionTask(vertx, database, settings, timeSource, period);
  }

  /**
   * Deletes now, on the worker pool.
   *
   * @return rows deleted (raw results, refused sequences, evaluations, roll-ups), or null when no
   *     configuration was loaded
   */
  public Future<long[]> runOnce() {
    Settings s = settings.get();
    if (s == null) {
      return Future.succeededFuture();
    }
    return worker
        .executeBlocking(
            () -> database.deleteExpired(timeSource.now(), s.retentionRaw(), s.retentionRollup()),
            false)
        .onFailure(e -> LOG.log(Level.WARNING, "deleting expired rows failed; will retry", e));
  }

  @Override
  public void close() {
    vertx.cancelTimer(timerId);
    worker.close();
  }
}
