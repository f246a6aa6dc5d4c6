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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Applies one check's share of a batch to its {@link CheckLog}, on the member that owns the check's
 * partition, atomically (Hazelcast runs one operation at a time on a partition).
 *
 * <p>The backups do not run it again: {@link #getBackupProcessor()} hands them a {@link
 * ReplayChange} with the change this run decided, evaluation included. With a synchronous backup,
 * the operation completes only after the backup has applied it, which is when the agent may be told
 * that its results are safe. A batch's duplicates (results this check stored before, sent again) go
 * to the backups too, with the hours of history they shaped ({@link CheckLog#reaffirm}): the agent
 * sends a batch again when it did not hear "accepted", for instance because the backup did not
 * acknowledge the first time, so "accepted" for a duplicate must also wait for the backups to hold
 * it. A backup that has them already is left as it was; a batch that changes nothing and holds no
 * duplicate (refused results only) has no backup step.
 *
 * <p>Run through an {@link ApplyPartition} (one operation for all the checks of a partition, whose
 * one backup operation replays every check's {@link ReplayChange}); it also works on its own with
 * {@code submitToKey}, as members of earlier versions run it. An instance carries state from {@link
 * #process} to {@link #getBackupProcessor()}: use each instance for one operation only.
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
  private transient CheckLog.Change backup;

  public ApplyBatch(List<ProbeResult> results, CheckRules rules, Instant now) {
    this.results = List.copyOf(results);
    this.rules = Checks.notNull(rules, "rules");
    this.now = Checks.notNull(now, "now");
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance hazelcast) {
    Object counter = hazelcast.getUserContext().get(EVALUATIONS_KEY);
    init(
        hazelcast.getCluster().getLocalMember().getUuid().toString(),
        counter instanceof LongAdder adder ? adder : null,
        isDurable(hazelcast));
  }

  /**
   * What {@link #setHazelcastInstance} sets, given once for all the checks of a partition by {@link
   * ApplyPartition}.
   */
  void init(String member, LongAdder evaluations, boolean durable) {
    this.member = member;
    this.evaluations = evaluations;
    this.durable = durable;
  }

  static boolean isDurable(HazelcastInstance hazelcast) {
    return Boolean.TRUE.equals(hazelcast.getUserContext().get(DURABLE_KEY));
  }

  @Override
  public AppendOutcome process(Map.Entry<String, CheckLog> entry) {
    change = null;
    backup = null;
    CheckLog log = entry.getValue() != null ? entry.getValue() : new CheckLog(entry.getKey());
    CheckLog.Applied applied = log.apply(results, rules, now, member, durable);
    change = applied.change();
    backup = change;
    if (applied.outcome().duplicates() > 0) {
      backup = withDuplicates(log, change);
    }
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
    CheckLog.Change c = backup;
    return c == null ? null : new ReplayChange(c, rules);
  }

  /**
   * {@code change} (null when the batch changed nothing) plus the duplicates of this batch that
   * {@code log} holds, for the backups; see the class comment.
   */
  private CheckLog.Change withDuplicates(CheckLog log, CheckLog.Change change) {
    List<ProbeResult> sentBefore = results;
    if (change != null) {
      Set<String> stored = new HashSet<>();
      change.accepted().forEach(r -> stored.add(r.id()));
      sentBefore = results.stream().filter(r -> !stored.contains(r.id())).toList();
    }
    CheckLog.Change held =
        log.reaffirm(sentBefore, now.minus(rules.retention()), now.minus(rules.rollupRetention()));
    if (held == null) {
      return change;
    }
    if (change == null) {
      return held;
    }
    List<ProbeResult> accepted = new ArrayList<>(change.accepted());
    accepted.addAll(held.accepted());
    // Both hold hours as they are after this batch: an hour in both is written twice, alike.
    List<HistorySlice> history = new ArrayList<>(held.history());
    history.addAll(change.history());
    return new CheckLog.Change(
        accepted,
        change.refused(),
        change.retainFrom(),
        change.evaluation(),
        history,
        change.historyFrom());
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

    /**
     * What {@link #setHazelcastInstance} sets, given once per partition by {@link ReplayPartition}.
     */
    void init(boolean durable) {
      this.durable = durable;
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
