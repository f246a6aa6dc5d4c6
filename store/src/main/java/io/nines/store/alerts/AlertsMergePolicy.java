package io.nines.store.alerts;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.spi.merge.MergingValue;
import com.hazelcast.spi.merge.SplitBrainMergePolicy;
import io.nines.availability.incident.AlertsMerge;
import io.nines.availability.incident.ServiceAlerts;

/**
 * How the alerts map ({@value HazelcastAlertStore#MAP_NAME}) heals after a split brain: the two
 * sides' states of a service are united by {@link AlertsMerge}, so that of two incidents both sides
 * opened for one outage one is kept and the other's pages are resolved by the next decision (no
 * page stays open at a pager that no member knows). Hazelcast's default ({@code PutIfAbsent}) would
 * keep the larger side's state and drop the other's open incident.
 *
 * <p>The map's values are the JSON of {@link ServiceAlerts} ({@link AlertJson}); so is the merged
 * value. Hazelcast creates the policy by class name on every member, hence public with a
 * no-argument constructor; it has no state to serialize.
 */
public final class AlertsMergePolicy
    implements SplitBrainMergePolicy<Object, MergingValue<Object>, Object> {

  public AlertsMergePolicy() {}

  @Override
  public Object merge(MergingValue<Object> merging, MergingValue<Object> existing) {
    if (existing == null || existing.getValue() == null) {
      return merging.getRawValue();
    }
    if (merging.getValue() == null) {
      return existing.getRawValue();
    }
    return union((String) existing.getValue(), (String) merging.getValue());
  }

  /** The JSON of both sides' states of one service, united. */
  public static String union(String existing, String merging) {
    if (existing.equals(merging)) {
      return existing;
    }
    return AlertJson.encode(
        AlertsMerge.merge(
            AlertJson.decodeServiceAlerts(existing), AlertJson.decodeServiceAlerts(merging)));
  }

  @Override
  public void writeData(ObjectDataOutput out) {}

  @Override
  public void readData(ObjectDataInput in) {}
}
