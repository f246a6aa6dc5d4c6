package io.nines.store.checklog;

import com.hazelcast.aggregation.Aggregator;
import java.util.Map;

/**
 * Counts the results held in the checks map, over all members. It reads only each log's size (a
 * single field), so it is safe while partition threads apply batches.
 */
public final class CountResults implements Aggregator<Map.Entry<String, CheckLog>, Long> {
  long count;

  public CountResults() {}

  CountResults(long count) {
    this.count = count;
  }

  @Override
  public void accumulate(Map.Entry<String, CheckLog> entry) {
    CheckLog log = entry.getValue();
    if (log != null) {
      count += log.size();
    }
  }

  @Override
  @SuppressWarnings("rawtypes") // Hazelcast's signature
  public void combine(Aggregator aggregator) {
    count += ((CountResults) aggregator).count;
  }

  @Override
  public Long aggregate() {
    return count;
  }
}
