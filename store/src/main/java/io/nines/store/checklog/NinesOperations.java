package io.nines.store.checklog;

import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/**
 * The factory of Nines' own Hazelcast operations, registered in every member's configuration by
 * {@code HazelcastResultStore.configure}: a member that receives one (an operation retried on a
 * partition's new owner) builds it as our class. Ids are part of the wire format between members:
 * never reuse one.
 */
public final class NinesOperations implements DataSerializableFactory {

  /** Nines' factory id: positive (Hazelcast's own are negative), "N9" in ASCII. */
  public static final int FACTORY_ID = 0x4E39;

  /** {@link ApplyPartitionOperation}. */
  public static final int APPLY_PARTITION = 1;

  @Override
  public IdentifiedDataSerializable create(int typeId) {
    return typeId == APPLY_PARTITION ? new ApplyPartitionOperation() : null;
  }
}
