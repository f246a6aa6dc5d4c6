package io.nines.store.checklog;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.EntryProcessor;
import io.nines.common.Checks;
import io.nines.store.results.AppendOutcome;
import io.nines.store.results.Rejection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@link ApplyBatch}es of several checks of ONE partition, run by one {@link
 * ApplyPartitionOperation} on that partition's thread: {@link #process} hands each entry to its
 * check's {@link ApplyBatch} (so every check is decided exactly as by its own {@code submitToKey}),
 * and {@link #getBackupProcessor()} is ONE {@link ReplayPartition} carrying every check's decision
 * (each delegate's {@link ApplyBatch.ReplayChange}), for one synchronous backup operation.
 *
 * <p>Not a result per key: {@link #process} returns null, so Hazelcast serializes no per-key
 * answer, and the operation answers with {@link #outcome()}, the sum of the checks' outcomes.
 *
 * <p>Carries state from {@link #process} to {@link #getBackupProcessor()} and {@link #outcome()}:
 * one instance per operation ({@link ApplyPartitionOperation} resets it before each run, so a run
 * retried on this member starts afresh).
 */
public final class ApplyPartition
    implements EntryProcessor<String, CheckLog, AppendOutcome>, HazelcastInstanceAware {

  final List<String> checkIds;
  final List<ApplyBatch> batches;
  private final Map<String, ApplyBatch> byCheck;

  private transient int accepted;
  private transient int duplicates;
  private transient List<Rejection> rejected = new ArrayList<>();
  private transient boolean durable;
  private transient boolean columns;
  private transient ReplayPartition backup;
  private transient boolean backupBuilt;

  /**
   * @param checkIds the checks of one partition, each once
   * @param batches each check's processor, in the order of {@code checkIds}; each used only here
   */
  public ApplyPartition(List<String> checkIds, List<ApplyBatch> batches) {
    this.checkIds = List.copyOf(checkIds);
    this.batches = List.copyOf(batches);
    Checks.checkArgument(
        this.checkIds.size() == this.batches.size(),
        "batches: %s processors for %s checks (expected: one per check)",
        this.batches.size(),
        this.checkIds.size());
    Checks.checkArgument(!this.checkIds.isEmpty(), "checkIds: none (expected: at least one)");
    byCheck = new HashMap<>(this.checkIds.size() * 2);
    for (int i = 0; i < this.checkIds.size(); i++) {
      Checks.checkArgument(
          byCheck.put(this.checkIds.get(i), this.batches.get(i)) == null,
          "checkIds: '%s' twice (expected: each check once)",
          this.checkIds.get(i));
    }
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance hazelcast) {
    String member = hazelcast.getCluster().getLocalMember().getUuid().toString();
    Object counter = hazelcast.getUserContext().get(ApplyBatch.EVALUATIONS_KEY);
    LongAdder evaluations = counter instanceof LongAdder adder ? adder : null;
    durable = ApplyBatch.isDurable(hazelcast);
    columns = ReplayColumns.readByAll(hazelcast.getCluster().getMembers());
    for (ApplyBatch b : batches) {
      b.init(member, evaluations, durable);
    }
  }

  /** Forgets what a previous run decided: called before every run of the operation. */
  void reset() {
    accepted = 0;
    duplicates = 0;
    rejected = new ArrayList<>();
    backup = null;
    backupBuilt = false;
  }

  @Override
  public AppendOutcome process(Map.Entry<String, CheckLog> entry) {
    ApplyBatch batch = byCheck.get(entry.getKey());
    if (batch == null) {
      // Hazelcast hands only the operation's keys, which are exactly these checks.
      throw new IllegalStateException(
          "no batch for check '" + entry.getKey() + "' in a partition operation of " + checkIds);
    }
    AppendOutcome o = batch.process(entry);
    accepted += o.accepted();
    duplicates += o.duplicates();
    rejected.addAll(o.rejected());
    return null;
  }

  /** The sum of the outcomes of the checks processed in this run. */
  public AppendOutcome outcome() {
    return new AppendOutcome(accepted, duplicates, rejected);
  }

  /**
   * ONE processor for the backups that replays every check's decision, or null when no check has a
   * backup step (only refused results). Built once per run: Hazelcast asks twice. In the flat
   * format ({@link ReplayColumns}) when every member of the cluster reads it, else in the first.
   */
  @Override
  public EntryProcessor<String, CheckLog, AppendOutcome> getBackupProcessor() {
    if (!backupBuilt) {
      Map<String, ApplyBatch.ReplayChange> replays = new LinkedHashMap<>();
      for (int i = 0; i < checkIds.size(); i++) {
        EntryProcessor<String, CheckLog, AppendOutcome> b = batches.get(i).getBackupProcessor();
        if (b != null) {
          replays.put(checkIds.get(i), (ApplyBatch.ReplayChange) b);
        }
      }
      backup =
          replays.isEmpty()
              ? null
              : columns ? new ReplayColumns(replays) : new ReplayPartition(replays);
      backupBuilt = true;
    }
    return backup;
  }

  /** How many checks this operation carries. */
  public int size() {
    return checkIds.size();
  }
}
