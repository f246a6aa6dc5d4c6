package io.nines.coordinator.screenshots;

import io.nines.common.Checks;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Screenshots in this process's memory, for a coordinator without a database: bounded by the
 * retention and by {@code capacityBytes}, oldest first. Lost on restart, as its results are. Does
 * not block.
 */
public final class InMemoryScreenshotStore implements ScreenshotStore {
  private final Index index;
  private final Map<String, Screenshot> shots = new HashMap<>();

  /**
   * @param capacityBytes the most bytes of images kept together
   * @param retention how long each is kept (the fleet's {@code retention.raw}); may return null
   *     while no configuration is loaded
   */
  public InMemoryScreenshotStore(long capacityBytes, Supplier<Duration> retention) {
    this.index = new Index(capacityBytes, retention);
  }

  @Override
  public synchronized void put(Screenshot shot, Instant now) {
    Checks.notNull(shot, "shot");
    shots.put(shot.id(), shot);
    index.add(shot.id(), shot.storedAt(), shot.bytes());
    index.evict(now).forEach(shots::remove);
  }

  @Override
  public synchronized Screenshot get(String id, Instant now) {
    return index.live(id, now) ? shots.get(id) : null;
  }

  /** The bytes of images kept now. */
  public synchronized long totalBytes() {
    return index.totalBytes();
  }

  /** How many are kept now. */
  public synchronized int size() {
    return shots.size();
  }
}
