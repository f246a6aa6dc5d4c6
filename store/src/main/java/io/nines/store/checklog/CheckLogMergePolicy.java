package io.nines.store.checklog;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.spi.merge.MergingValue;
import com.hazelcast.spi.merge.SplitBrainMergePolicy;

/**
 * How the checks map heals after a split brain: the two histories of a check are united, so that a
 * result acknowledged on either side of the split is kept, and no result is counted twice (the
 * union is by {@code (agentId, sequence)}). See {@link CheckLog#mergeFrom}.
 *
 * <p>Hazelcast creates it by class name on every member, hence public with a no-argument
 * constructor; it has no state to serialize. It needs only the values (not per-entry statistics,
 * which the map keeps off).
 */
public final class CheckLogMergePolicy
    implements SplitBrainMergePolicy<Object, MergingValue<Object>, Object> {

  public CheckLogMergePolicy() {}

  @Override
  public Object merge(MergingValue<Object> merging, MergingValue<Object> existing) {
    if (existing == null || existing.getValue() == null) {
      return merging.getRawValue();
    }
    if (merging.getValue() == null) {
      return existing.getRawValue();
    }
    return union((CheckLog) existing.getValue(), (CheckLog) merging.getValue());
  }

  /** A new log holding both histories; neither argument is changed. */
  public static CheckLog union(CheckLog existing, CheckLog merging) {
    CheckLog merged = existing.copy();
    merged.mergeFrom(merging);
    return merged;
  }

  @Override
  public void writeData(ObjectDataOutput out) {}

  @Override
  public void readData(ObjectDataInput in) {}
}
