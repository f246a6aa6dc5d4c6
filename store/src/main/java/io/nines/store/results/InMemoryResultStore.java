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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A {@link ResultStore} in this process's memory: for a single coordinator and for tests. It keeps
 * one {@link CheckLog} per check, as each entry of the cluster's map does, so both stores apply
 * results by the same code.
 *
 * <p>Thread-safe without a global lock: the checks sit in a concurrent map, and each check's log is
 * locked (its own monitor) only while it is read or changed, so appends to different checks run in
 * parallel and a read waits only for its own check.
 *
 * <p>Memory stays bounded: an append drops the results of its own checks that ran before {@code now
 * - retention.raw} (as {@link CheckLog#apply} does), and at most once every {@link #SWEEP_INTERVAL}
 * of the appends' {@code now} one append also sweeps the other checks: it drops their expired
 * results and forgets the checks that have left the configuration and hold no results, one check's
 * lock at a time. Every method does its (in-memory) work on the calling thread and returns a
 * completed future.
 */
public final class InMemoryResultStore implements ResultStore {
  /** How often, in the appends' time, the checks that received nothing are trimmed. */
  public static final Duration SWEEP_INTERVAL = Duration.ofMinutes(1);

  private final ConcurrentMap<String, CheckLog> checks = new ConcurrentHashMap<>();

  /** When the next sweep is due, in nanoseconds since the epoch of the appends' {@code now}. */
  private final AtomicLong nextSweepNanos = new AtomicLong(Long.MIN_VALUE);

  /** Told of every change, under the changed check's lock; null when nobody listens. */
  private final Consumer<PendingChange> changes;

  public InMemoryResultStore() {
    this(Map.of(), null);
  }

  /**
   * A store holding {@code initial} (check id to its log; the logs are taken over, not copied) that
   * tells {@code changes} of every change an append makes, in order for each check, while holding
   * that check's lock.
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
    batches.byCheck.forEach(
        (checkId, ofCheck) -> {
          Check check = batches.checks.get(checkId);
          CheckRules rules = CheckRules.of(check, fleet.settings(), skew);
          while (true) {
            CheckLog log = checks.computeIfAbsent(checkId, CheckLog::new);
            synchronized (log) {
              if (checks.get(checkId) != log) {
                continue; // a sweep forgot it meanwhile: take the new one
              }
              CheckLog.Applied applied = log.apply(ofCheck, rules, now, Evaluation.LOCAL);
              outcome.add(applied.outcome());
              if (changes != null && applied.change() != null) {
                changes.accept(new PendingChange(checkId, applied.change(), now));
              }
              break;
            }
          }
        });
    sweepIfDue(fleet, now);
    return Future.succeededFuture(outcome.result());
  }

  /**
   * Trims every check to {@code now - retention.raw} and forgets the empty checks that have left
   * {@code fleet}, when a sweep is due; only the append that claims it sweeps.
   */
  private void sweepIfDue(Fleet fleet, Instant now) {
    long nowNanos = nanos(now);
    long due = nextSweepNanos.get();
    if (nowNanos < due
        || !nextSweepNanos.compareAndSet(due, saturatedAdd(nowNanos, SWEEP_INTERVAL.toNanos()))) {
      return;
    }
    Instant oldest = now.minus(fleet.settings().retentionRaw());
    for (Map.Entry<String, CheckLog> e : checks.entrySet()) {
      CheckLog log = e.getValue();
      synchronized (log) {
        log.retainFrom(oldest);
        if (log.size() == 0 && fleet.check(log.checkId()).isEmpty()) {
          checks.remove(e.getKey(), log);
        }
      }
    }
  }

  private static long nanos(Instant t) {
    try {
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    } catch (ArithmeticException e) {
      return t.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }

  @Override
  public Future<Map<String, List<ProbeResult>>> resultsByLocation(
      String checkId, Instant from, Instant to) {
    CheckLog log = checks.get(checkId);
    if (log == null) {
      return Future.succeededFuture(Map.of());
    }
    synchronized (log) {
      return Future.succeededFuture(log.resultsByLocation(from, to));
    }
  }

  @Override
  public Future<Map<String, Timeline>> locationTimelines(String checkId, TimeRange span) {
    Checks.notNull(span, "span");
    CheckLog log = checks.get(checkId);
    if (log == null) {
      return Future.succeededFuture(Map.of());
    }
    synchronized (log) {
      return Future.succeededFuture(log.locationTimelines(span));
    }
  }

  @Override
  public Future<List<ProbeResult>> recent(String checkId, int limit) {
    Checks.checkArgument(limit >= 0, "limit: %s (expected: >= 0)", limit);
    CheckLog log = checks.get(checkId);
    if (log == null) {
      return Future.succeededFuture(List.of());
    }
    synchronized (log) {
      return Future.succeededFuture(log.recent(limit));
    }
  }

  @Override
  public Future<Optional<Evaluation>> evaluation(String checkId) {
    CheckLog log = checks.get(checkId);
    if (log == null) {
      return Future.succeededFuture(Optional.empty());
    }
    synchronized (log) {
      return Future.succeededFuture(Optional.ofNullable(log.evaluation()));
    }
  }

  @Override
  public Future<Long> size() {
    long n = 0;
    for (CheckLog log : checks.values()) {
      synchronized (log) {
        n += log.size();
      }
    }
    return Future.succeededFuture(n);
  }
}
