package io.nines.coordinator.screenshots;

import io.nines.common.Checks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a store holds, oldest first, with its total size: decides what to forget. Not thread-safe;
 * its store guards it.
 */
final class Index {
  private record Entry(Instant storedAt, long bytes) {}

  /** In the order stored: re-storing an id moves it to the end. */
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();

  private final long capacityBytes;
  private final Supplier<Duration> retention;
  private long totalBytes;

  /**
   * @param capacityBytes the most bytes kept together
   * @param retention how long one is kept; null from the supplier keeps them until the capacity
   *     pushes them out
   */
  Index(long capacityBytes, Supplier<Duration> retention) {
    this.capacityBytes = Checks.checkPositive(capacityBytes, "capacityBytes");
    this.retention = Checks.notNull(retention, "retention");
  }

  void add(String id, Instant storedAt, long bytes) {
    Entry old = entries.remove(id);
    if (old != null) {
      totalBytes -= old.bytes();
    }
    entries.put(id, new Entry(storedAt, bytes));
    totalBytes += bytes;
  }

  boolean live(String id, Instant now) {
    Entry e = entries.get(id);
    return e != null && !expired(e, now);
  }

  /** Removes and returns the ids that have expired as of {@code now} or are over the capacity. */
  List<String> evict(Instant now) {
    List<String> gone = new ArrayList<>();
    Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Entry> e = it.next();
      if (totalBytes <= capacityBytes && !expired(e.getValue(), now)) {
        break;
      }
      totalBytes -= e.getValue().bytes();
      gone.add(e.getKey());
      it.remove();
    }
    return gone;
  }

  long totalBytes() {
    return totalBytes;
  }

  int size() {
    return entries.size();
  }

  private boolean expired(Entry e, Instant now) {
    Duration keep = retention.get();
    return keep != null && e.storedAt().plus(keep).isBefore(now);
  }
}
