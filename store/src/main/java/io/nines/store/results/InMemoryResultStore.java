package io.nines.store.results;

import io.nines.availability.Timeline;
import io.nines.common.Checks;
import io.nines.common.ProbeResult;
import io.nines.common.TimeRange;
import io.nines.config.Check;
import io.nines.config.Fleet;
import io.nines.store.checklog.CheckLog;
import io.nines.store.checklog.CheckRules;
import io.nines.store.checklog.PendingChange;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * A {@link ResultStore} in this process's memory: for a single coordinator and for tests. It keeps
 * one {@link CheckLog} per check, as each entry of the cluster's map does, so both stores apply
 * results by the same code.
 *
 * <p>Memory stays bounded: every append drops, in every check, the results that ran before {@code
 * now - retention.raw}, and forgets checks that have left the configuration and hold no results.
 * Thread-safe, by one read-write lock. Every method does its (in-memory) work on the calling thread
 * and returns a completed future.
 */
public final class InMemoryResultStore implements ResultStore {

  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private final Map<String, CheckLog> checks = new HashMap<>();

  /** Told of every change, under the write lock; null when nobody listens. */
  private final Consumer<PendingChange> changes;

  public InMemoryResultStore() {
    this(Map.of(), null);
  }

  /**
   * A store holding {@code initial} (check id to its log; the logs are taken over, not copied) that
   * tells {@code changes} of every change an append makes, in order, while holding its write lock.
   */
  InMemoryResultStore(Map<String, CheckLog> initial, Consumer<PendingChange> changes) {
    this.checks.putAll(initial);
    this.changes = changes;
  }

  @Override
  public Future<AppendOutcome> append(Collection<ProbeResult> results, Fleet fleet, Instant now) {
    Checks.notNull(fleet, "fleet");
    Checks.notNull(now, "now");
    Duration skew = Duration.ofMillis(MAX_CLOCK_SKEW_MILLIS);
    Batches batches = Batches.split(results, fleet);
    Batches.Combiner outcome = batches.combiner();
    lock.writeLock().lock();
    try {
      batches.byCheck.forEach(
          (checkId, ofCheck) -> {
            Check check = batches.checks.get(checkId);
            CheckLog log = checks.computeIfAbsent(checkId, CheckLog::new);
            CheckRules rules = CheckRules.of(check, fleet.settings(), skew);
            CheckLog.Applied applied = log.apply(ofCheck, rules, now, Evaluation.LOCAL);
            outcome.add(applied.outcome());
            if (changes != null && applied.change() != null) {
              changes.accept(new PendingChange(checkId, applied.change(), now));
            }
          });
      Instant oldest = now.minus(fleet.settings().retentionRaw());
      for (Iterator<CheckLog> it = checks.values().iterator(); it.hasNext(); ) {
        CheckLog log = it.next();
        log.retainFrom(oldest);
        if (log.size() == 0 && fleet.check(log.checkId()).isEmpty()) {
          it.remove();
        }
      }
    } finally {
      lock.writeLock().unlock();
    }
    return Future.succeededFuture(outcome.result());
  }

  @Override
  public Future<Map<String, List<ProbeResult>>> resultsByLocation(
      String checkId, Instant from, Instant to) {
    lock.readLock().lock();
    try {
      CheckLog log = checks.get(checkId);
      return Future.succeededFuture(log == null ? Map.of() : log.resultsByLocation(from, to));
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public Future<Map<String, Timeline>> locationTimelines(String checkId, TimeRange span) {
    Checks.notNull(span, "span");
    lock.readLock().lock();
    try {
      CheckLog log = checks.get(checkId);
      return Future.succeededFuture(log == null ? Map.of() : log.locationTimelines(span));
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public Future<List<ProbeResult>> recent(String checkId, int limit) {
    Checks.checkArgument(limit >= 0, "limit: %s (expected: >= 0)", limit);
    lock.readLock().lock();
    try {
      CheckLog log = checks.get(checkId);
      return Future.succeededFuture(log == null ? List.of() : log.recent(limit));
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public Future<Optional<Evaluation>> evaluation(String checkId) {
    lock.readLock().lock();
    try {
      CheckLog log = checks.get(checkId);
      return Future.succeededFuture(Optional.ofNullable(log == null ? null : log.evaluation()));
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public Future<Long> size() {
    lock.readLock().lock();
    try {
      long n = 0;
      for (CheckLog log : checks.values()) {
        n += log.size();
      }
      return Future.succeededFuture(n);
    } finally {
      lock.readLock().unlock();
    }
  }
}
