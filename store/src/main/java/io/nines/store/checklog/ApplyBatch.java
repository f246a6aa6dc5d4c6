package io.nines.store.checklog;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import io.nines.common.Checks;
import io.nines.common.ProbeResult;
import io.nines.store.results.AppendOutcome;
import io.nines.store.results.Evaluation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Applies one check's share of a batch to its {@link CheckLog}, on the member that owns the check's
 * partition, atomically (Hazelcast runs one operation at a time on a partition).
 *
 * <p>The backups do not run it again: {@link #getBackupProcessor()} hands them a {@link
 * ReplayChange} with the change this run decided, evaluation included. With a synchronous backup,
 * {@code submitToKey} completes only after the backup has applied it, which is when the agent may
 * be told that its results are safe. A run that changes nothing (a replayed batch) has no backup
 * step at all.
 *
 * <p>An instance carries state from {@link #process} to {@link #getBackupProcessor()}: use each
 * instance for one {@code submitToKey} only.
 */
public final class ApplyBatch
    implements EntryProcessor<String, CheckLog, AppendOutcome>, HazelcastInstanceAware {

  /** The user-context key of a member's {@link LongAdder} of evaluations made on that member. */
  public static final String EVALUATIONS_KEY = "nines.evaluations";

  /**
   * The user-context key that says the checks map has a durable store behind it ({@link
   * Boolean#TRUE}): changes are then recorded in the log as {@link PendingChange}s for the store to
   * write. Without it nothing would drain them, so nothing is recorded.
   */
  public static final String DURABLE_KEY = "nines.durable";

  /**
   * How long a backup keeps the changes it replayed, in case it is promoted before its owner wrote
   * them: far longer than the write-behind delay, so only an owner that could not write for that
   * long and then died leaves changes unwritten (they stay in memory, and are lost only if the
   * whole cluster stops too).
   */
  public static final Duration BACKUP_PENDING_WINDOW = Duration.ofMinutes(5);

  final List<ProbeResult> results;
  final CheckRules rules;
  final Instant now;

  private transient String member = "unknown";
  private transient LongAdder evaluations;
  private transient boolean durable;
  private transient CheckLog.Change change;

  public ApplyBatch(List<ProbeResult> results, CheckRules rules, Instant now) {
    this.results = List.copyOf(results);
    this.rules = Checks.notNull(rules, "rules");
    this.now = Checks.notNull(now, "now");
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance hazelcast) {
    member = hazelcast.getCluster().getLocalMember().getUuid().toString();
    Object counter = hazelcast.getUserContext().get(EVALUATIONS_KEY);
    evaluations = counter instanceof LongAdder adder ? adder : null;
    durable = isDurable(hazelcast);
  }

  static boolean isDurable(HazelcastInstance hazelcast) {
    return Boolean.TRUE.equals(hazelcast.getUserContext().get(DURABLE_KEY));
  }

  @Override
  public AppendOutcome process(Map.Entry<String, CheckLog> entry) {
    change = null;
    CheckLog log = entry.getValue() != null ? entry.getValue() : new CheckLog(entry.getKey());
    CheckLog.Applied applied = log.apply(results, rules, now, member, durable);
    change = applied.change();
    if (change != null) {
      if (durable) {
        log.journal().record(new PendingChange(log.checkId(), change, now));
      }
      store(entry, log, rules);
      Evaluation evaluated = change.evaluation();
      if (evaluated != null && evaluations != null) {
        evaluations.increment();
      }
    }
    return applied.outcome();
  }

  @Override
  public EntryProcessor<String, CheckLog, AppendOutcome> getBackupProcessor() {
    CheckLog.Change c = change;
    return c == null ? null : new ReplayChange(c, rules);
  }

  /**
   * Sets the entry's value with an expiry of {@link CheckRules#idleExpiry()}: a check that receives
   * nothing more leaves memory once everything in it is past the retention.
   */
  static void store(Map.Entry<String, CheckLog> entry, CheckLog log, CheckRules rules) {
    if (entry instanceof ExtendedMapEntry<String, CheckLog> extended) {
      extended.setValue(log, rules.idleExpiry().toMillis(), TimeUnit.MILLISECONDS);
    } else {
      entry.setValue(log);
    }
  }

  /**
   * The change an {@link ApplyBatch} made on the owner, made again on a backup: the same results,
   * the same refusals, the same retention cut and the same evaluation, without deciding anything.
   */
  public static final class ReplayChange
      implements EntryProcessor<String, CheckLog, AppendOutcome>, HazelcastInstanceAware {
    final CheckLog.Change change;
    final CheckRules rules;
    private transient boolean durable;

    public ReplayChange(CheckLog.Change change, CheckRules rules) {
      this.change = Checks.notNull(change, "change");
      this.rules = Checks.notNull(rules, "rules");
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcast) {
      durable = isDurable(hazelcast);
    }

    @Override
    public AppendOutcome process(Map.Entry<String, CheckLog> entry) {
      CheckLog log = entry.getValue() != null ? entry.getValue() : new CheckLog(entry.getKey());
      log.replay(change);
      if (durable) {
        // The owner's "now", which the change carries as its retention cut.
        Instant now = change.retainFrom().plus(rules.retention());
        log.journal().record(new PendingChange(log.checkId(), change, now));
        log.journal().forgetBefore(now.minus(BACKUP_PENDING_WINDOW));
      }
      store(entry, log, rules);
      return null;
    }

    @Override
    public EntryProcessor<String, CheckLog, AppendOutcome> getBackupProcessor() {
      return null;
    }
  }
}
