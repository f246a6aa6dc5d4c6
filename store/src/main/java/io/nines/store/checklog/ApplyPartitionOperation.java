package io.nines.store.checklog;

import com.hazelcast.internal.serialization.Data;
import com.hazelcast.map.impl.operation.MultipleEntryOperation;
import io.nines.store.results.AppendOutcome;
import java.util.Set;

/**
 * ONE partition operation that applies several checks' {@link ApplyBatch}es (an {@link
 * ApplyPartition}) on the partition thread, with ONE <b>synchronous</b> backup operation that
 * replays every check's decision ({@link ReplayPartition}).
 *
 * <p>It is Hazelcast's {@link MultipleEntryOperation} (the operation {@code IMap.submitToKeys} runs
 * per partition: each key through the same entry machinery as {@code submitToKey}'s {@code
 * EntryOperation}: the record store, expiry set through {@code ExtendedMapEntry}, the write-behind
 * queue, events; and with a MapStore the same offloaded steps), with three differences:
 *
 * <ul>
 *   <li>its backups are <b>synchronous</b>: {@link #getSyncBackupCount()} is the map's {@code
 *       backupCount} and {@link #getAsyncBackupCount()} its {@code asyncBackupCount}, as for {@code
 *       EntryOperation} (Hazelcast's own returns 0 and the total: asynchronous backups). So the
 *       invocation completes only once every synchronous backup acknowledged, and with {@code
 *       hazelcast.operation.fail.on.indeterminate.state} it fails when they did not within the
 *       backup timeout;
 *   <li>it answers with the sum of the checks' {@link AppendOutcome}s, not a map of per-key
 *       results;
 *   <li>it serializes under its own factory and class id ({@link NinesOperations}), so that a
 *       member it is sent to (the partition migrated between grouping and invocation; Hazelcast
 *       retries on the new owner) reads it as this class, never as a plain {@code
 *       MultipleEntryOperation}.
 * </ul>
 */
public final class ApplyPartitionOperation extends MultipleEntryOperation {

  /** For deserialization ({@link NinesOperations}). */
  public ApplyPartitionOperation() {}

  /**
   * @param mapName the checks map
   * @param keys the serialized check ids, all of one partition, exactly those of {@code batch}
   * @param batch the checks' processors
   */
  public ApplyPartitionOperation(String mapName, Set<Data> keys, ApplyPartition batch) {
    super(mapName, keys, batch);
  }

  @Override
  public void innerBeforeRun() throws Exception {
    super.innerBeforeRun();
    ((ApplyPartition) entryProcessor).reset();
  }

  @Override
  public Object getResponse() {
    return ((ApplyPartition) entryProcessor).outcome();
  }

  @Override
  public int getSyncBackupCount() {
    return mapContainer.getBackupCount();
  }

  @Override
  public int getAsyncBackupCount() {
    return mapContainer.getAsyncBackupCount();
  }

  @Override
  public int getFactoryId() {
    return NinesOperations.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return NinesOperations.APPLY_PARTITION;
  }
}
