package io.nines.store.checklog;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.EntryProcessor;
import io.nines.common.Checks;
import io.nines.store.results.AppendOutcome;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The backup step of an {@link ApplyPartition}: each check's {@link ApplyBatch.ReplayChange} (the
 * decision its owner made), replayed on a backup replica in ONE backup operation for the whole
 * partition. A key without a replay (a check whose batch changed nothing and held no duplicate) is
 * left as it is.
 *
 * <p>This class travels in the first format (a Compact record per check, per change, per result);
 * {@link ReplayColumns} is the same step in the flat format that members of this version send each
 * other. Both are read.
 */
public class ReplayPartition
    implements EntryProcessor<String, CheckLog, AppendOutcome>, HazelcastInstanceAware {

  final Map<String, ApplyBatch.ReplayChange> byCheck;

  /**
   * @param byCheck each check's replay, by check id
   */
  public ReplayPartition(Map<String, ApplyBatch.ReplayChange> byCheck) {
    Checks.notNull(byCheck, "byCheck");
    this.byCheck = new LinkedHashMap<>(byCheck);
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance hazelcast) {
    boolean durable = ApplyBatch.isDurable(hazelcast);
    for (ApplyBatch.ReplayChange r : byCheck.values()) {
      r.init(durable);
    }
  }

  @Override
  public AppendOutcome process(Map.Entry<String, CheckLog> entry) {
    ApplyBatch.ReplayChange replay = byCheck.get(entry.getKey());
    return replay == null ? null : replay.process(entry);
  }

  @Override
  public EntryProcessor<String, CheckLog, AppendOutcome> getBackupProcessor() {
    return null;
  }
}
