package io.nines.store.checklog;

import com.hazelcast.core.HazelcastException;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.core.OperationTimeoutException;
import com.hazelcast.internal.partition.IPartitionService;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.internal.util.ConcurrencyUtil;
import com.hazelcast.map.IMap;
import com.hazelcast.map.impl.MapService;
import com.hazelcast.spi.impl.AbstractDistributedObject;
import com.hazelcast.spi.impl.NodeEngine;
import com.hazelcast.spi.impl.operationservice.OperationService;
import io.nines.common.Checks;
import io.nines.store.results.AppendOutcome;
import io.nines.store.results.Rejection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * One partition owner's share of a batch: several checks' {@link ApplyBatch}es, sent to that owner
 * in ONE cluster operation (an executor task, {@code IExecutorService.submitToMember}) and applied
 * there by {@link #applyAll}: the share's checks are grouped by partition, and each partition gets
 * ONE {@link ApplyPartitionOperation}, invoked through Hazelcast's operation service ({@code
 * invokeOnPartition}; a local invocation on the owner: no network hop, no serialization). It runs
 * on the partition thread and hands each check's entry to that check's {@link ApplyBatch}, so every
 * guarantee of the per-check processor holds: the owner decides (duplicates, refusals, retention,
 * the evaluation, once per check that stored something), the entry's expiry is set, the durable
 * journal records the change. Its backup is ONE synchronous backup operation per partition whose
 * processor ({@link ReplayPartition}) replays every check's decision ({@link
 * ApplyBatch.ReplayChange}); the invocation completes only after the backup acknowledged, and
 * {@link #call} returns only after every partition's did. A partition whose operation fails fails
 * the whole task; what did apply is duplicates when the batch comes again, so a retry is safe.
 * (Writing through to the database is not the processor's business: {@code WriteThroughResultStore}
 * does it around the append.)
 *
 * <p><b>Cost.</b> With {@code submitToKey} per check, each check was its own operation with its own
 * backup operation, backup acknowledgement and future: a profile of two members found the per-check
 * backups 42.6 % of the Java samples. Now a live batch of 500 results over 271 partitions is about
 * 228 operations and as many backups instead of 500 of each (2.2 checks per operation); larger
 * batches put more checks in each. The per-check work (deciding, replaying, serializing each
 * check's change) stays: docs/capacity.md ("Ingest CPU") has what it saved.
 *
 * <p><b>Why not {@code IMap.submitToKeys} with one multi-check processor.</b> It was the first
 * design, and Hazelcast's source (5.3.8, the version vertx-hazelcast 5.0.7 brings; read from the
 * jar's bytecode) rules it out for acknowledged writes:
 *
 * <ul>
 *   <li>{@code MapProxySupport.submitToKeysInternal} builds one {@code
 *       MultipleEntryOperationFactory} for all the keys and calls {@code
 *       OperationService.invokeOnPartitionsAsync}: one {@code PartitionIteratingOperation} per
 *       member, which on that member asks the factory for one {@code MultipleEntryOperation} per
 *       partition and runs them on the partition threads concurrently ({@code
 *       OperationServiceImpl.executeOnPartitions}).
 *   <li>{@code MultipleEntryOperationFactory.createOperation} hands every partition's operation the
 *       SAME processor instance and the WHOLE key set (each operation skips the keys of other
 *       partitions); on the caller's own member the instance is the caller's object, unserialized.
 *   <li>{@code MultipleEntryOperation.getSyncBackupCount()} returns {@code 0} and {@code
 *       getAsyncBackupCount()} the map's total backup count: <b>its backups are asynchronous</b>,
 *       and the {@code PartitionIteratingOperation}'s response handler cannot wait for backup
 *       acknowledgements. A result acknowledged that way is lost if its owner dies right after.
 * </ul>
 *
 * <p>{@link ApplyPartitionOperation} keeps what is right in {@code MultipleEntryOperation} (one
 * operation, every key of one partition through the same entry machinery as {@code submitToKey})
 * and changes the rest: synchronous backups (the map's {@code backupCount}, as {@code
 * EntryOperation}), one fresh processor per operation holding only its partition's checks, one
 * summed outcome as its answer, and its own serialization ids ({@link NinesOperations}).
 *
 * <p><b>Migration.</b> The caller groups checks by the owner it sees and the owner by the
 * partitions it sees; if a partition moves before its operation runs, Hazelcast retries the
 * operation on the partition's new owner (a remote invocation then, which reads it through {@link
 * NinesOperations}), so correctness holds; only the saving of the local call is lost for that
 * partition. {@code hazelcast.operation.fail.on.indeterminate.state} applies as to any backup-aware
 * operation: a backup that does not acknowledge within the backup timeout, or an owner that leaves
 * mid-way, fails the invocation instead of completing it.
 *
 * <p><b>Rolling upgrade.</b> A member of a version before these operations cannot read one: it logs
 * the serialization failure and its invocation is retried (Hazelcast treats it so) until the
 * share's bound fails the batch with {@code 503}, and the agent sends it again. That happens only
 * when an operation must go to such a member (a partition that moved between grouping and
 * invocation, or a share applied from the caller after its owner left); a share sent to it as a
 * task ({@link ApplyBatches}, which it knows) runs its own per-check code. So a rolling upgrade
 * costs at most some resent batches while partitions move, never a wrong acknowledgement. (A
 * per-check fallback on the serialization failure was tried: the failure never reaches the caller
 * before Hazelcast's retries run out, minutes later.)
 *
 * <p>This class travels in the first format (a Compact record per check and per result); {@link
 * ApplyBatchesColumns} is the same task in the flat format, sent to a member that says it reads it.
 */
public class ApplyBatches implements Callable<AppendOutcome>, HazelcastInstanceAware {

  /**
   * The user-context key of a member's {@link LongAdder} of owner tasks it ran (shares of batches
   * received from other members), for tests and diagnostics.
   */
  public static final String TASKS_KEY = "nines.applyBatchesTasks";

  /**
   * The user-context keys of a member's {@link LongAdder}s of the partition operations it invoked
   * ({@link #applyAll}) and of the checks they carried, for diagnostics and {@code bench/cluster}
   * (checks per operation).
   */
  public static final String PARTITION_OPERATIONS_KEY = "nines.partitionOperations";

  /** See {@link #PARTITION_OPERATIONS_KEY}. */
  public static final String PARTITION_CHECKS_KEY = "nines.partitionOperationChecks";

  /**
   * The most {@link #call} waits for its checks' operations, as long as the sender waits for the
   * task ({@code HazelcastResultStore.SHARE_TIMEOUT}): Hazelcast bounds an operation that is never
   * answered only after its call timeout plus its heartbeat timeout (2 minutes), and a task waiting
   * on one would hold its executor thread that long.
   */
  public static final Duration TASK_TIMEOUT = Duration.ofSeconds(10);

  final String mapName;
  final List<String> checkIds;
  final List<ApplyBatch> batches;

  private transient HazelcastInstance hazelcast;

  /**
   * @param mapName the checks map
   * @param checkIds the checks of this share, each once
   * @param batches the processor of each check, in the order of {@code checkIds}
   */
  public ApplyBatches(String mapName, List<String> checkIds, List<ApplyBatch> batches) {
    this.mapName = Checks.notNull(mapName, "mapName");
    this.checkIds = List.copyOf(checkIds);
    this.batches = List.copyOf(batches);
    Checks.checkArgument(
        this.checkIds.size() == this.batches.size(),
        "batches: %s processors for %s checks (expected: one per check)",
        this.batches.size(),
        this.checkIds.size());
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance hazelcast) {
    this.hazelcast = hazelcast;
  }

  /**
   * Submits every check's processor to its key on this member's map, and waits (on an executor
   * thread, never a partition thread) until all completed: their backups acknowledged.
   */
  @Override
  public AppendOutcome call() {
    Object counter = hazelcast.getUserContext().get(TASKS_KEY);
    if (counter instanceof LongAdder adder) {
      adder.increment();
    }
    CompletableFuture<AppendOutcome> all = applyAll(hazelcast.getMap(mapName), checkIds, batches);
    try {
      return all.get(TASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // The caller has given up by now (its own bound is as long); free this executor thread.
      throw new OperationTimeoutException(
          checkIds.size()
              + " check(s) of a share (first: '"
              + checkIds.get(0)
              + "') not applied within "
              + TASK_TIMEOUT.toMillis()
              + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HazelcastException("interrupted while applying a share", e);
    } catch (ExecutionException e) {
      // The cause is Hazelcast's (member left, timeout...) or a bug; send that, not the wrapper.
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new CompletionException(cause);
    }
  }

  /**
   * Applies {@code batches.get(i)} to {@code checkIds.get(i)} for every i, without blocking: ONE
   * {@link ApplyPartitionOperation} per partition (on this member, when it owns them), each with
   * one synchronous backup operation. The future completes with the sum of their outcomes once all
   * completed, i.e. once every backup acknowledged, or fails with the first failure.
   */
  public static CompletableFuture<AppendOutcome> applyAll(
      IMap<String, CheckLog> map, List<String> checkIds, List<ApplyBatch> batches) {
    if (!(map instanceof AbstractDistributedObject<?> member)) {
      throw new IllegalStateException(
          "map '" + map.getName() + "': not a member's map (expected: this member's proxy)");
    }
    NodeEngine engine = member.getNodeEngine();
    SerializationService ss = engine.getSerializationService();
    IPartitionService partitions = engine.getPartitionService();
    Map<Integer, Partition> byPartition = new LinkedHashMap<>();
    for (int i = 0; i < checkIds.size(); i++) {
      // As IMap does for a map without a partitioning strategy (the checks map has none), and as
      // HazelcastResultStore finds each check's owner: the key's serialized form decides.
      Data key = ss.toData(checkIds.get(i));
      byPartition
          .computeIfAbsent(partitions.getPartitionId(key), p -> new Partition())
          .add(key, checkIds.get(i), batches.get(i));
    }
    Map<String, Object> context = engine.getHazelcastInstance().getUserContext();
    if (context.get(PARTITION_OPERATIONS_KEY) instanceof LongAdder ops
        && context.get(PARTITION_CHECKS_KEY) instanceof LongAdder checks) {
      ops.add(byPartition.size());
      checks.add(checkIds.size());
    }
    OperationService operations = engine.getOperationService();
    List<CompletableFuture<AppendOutcome>> each = new ArrayList<>(byPartition.size());
    byPartition.forEach(
        (partitionId, p) -> {
          ApplyPartitionOperation op =
              new ApplyPartitionOperation(
                  map.getName(), p.keys, new ApplyPartition(p.checkIds, p.batches));
          // Bridged into a plain future: Hazelcast's keeps its own state and does not implement
          // every method of CompletableFuture (exceptionallyCompose, for one). On the thread that
          // completes it, as IMap's own futures do: its default executor for callbacks is a NEW
          // THREAD per callback on a machine of 2 cores (ForkJoinPool's common pool has one thread
          // then), which tripled the CPU per result in bench/cluster.
          CompletableFuture<AppendOutcome> done = new CompletableFuture<>();
          operations
              .<AppendOutcome>invokeOnPartition(MapService.SERVICE_NAME, op, partitionId)
              .whenCompleteAsync(
                  (r, e) -> {
                    if (e == null) {
                      done.complete(r);
                    } else {
                      done.completeExceptionally(e);
                    }
                  },
                  ConcurrencyUtil.CALLER_RUNS);
          each.add(done);
        });
    return sum(each);
  }

  /** The checks of one partition, for one operation. */
  private static final class Partition {
    final Set<Data> keys = new HashSet<>();
    final List<String> checkIds = new ArrayList<>();
    final List<ApplyBatch> batches = new ArrayList<>();

    void add(Data key, String checkId, ApplyBatch batch) {
      keys.add(key);
      checkIds.add(checkId);
      batches.add(batch);
    }
  }

  private static CompletableFuture<AppendOutcome> sum(List<CompletableFuture<AppendOutcome>> each) {
    return CompletableFuture.allOf(each.toArray(new CompletableFuture<?>[0]))
        .thenApply(
            done -> {
              int accepted = 0;
              int duplicates = 0;
              List<Rejection> rejected = new ArrayList<>();
              for (CompletableFuture<AppendOutcome> f : each) {
                AppendOutcome o = f.join();
                accepted += o.accepted();
                duplicates += o.duplicates();
                rejected.addAll(o.rejected());
              }
              return new AppendOutcome(accepted, duplicates, rejected);
            });
  }
}
