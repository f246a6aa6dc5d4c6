package io.nines.coordinator.store;

import io.nines.common.Checks;
import io.nines.common.ProbeResult;
import io.nines.config.Fleet;
import io.nines.coordinator.timeline.Timelines;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A {@link ResultStore} in this process's memory: for a single coordinator and for tests.
 *
 * <p>Memory stays bounded: every append drops results that ran before {@code now - retention.raw},
 * and the per-agent record of applied sequences holds at most {@link #MAX_OUT_OF_ORDER} sequences
 * above its contiguous watermark. Thread-safe, by one read-write lock; no method blocks on anything
 * but that lock.
 */
public final class InMemoryResultStore implements ResultStore {

  /**
   * How many applied sequences above an agent's contiguous watermark are remembered one by one.
   * When a gap stays open past that many later results, the watermark jumps over it: a result from
   * the gap arriving afterwards counts as a duplicate.
   */
  public static final int MAX_OUT_OF_ORDER = 100_000;

  private final ReadWriteLock lock = new ReentrantReadWriteLock();

  /** check id -> location -> results ordered by {@link Timelines#BY_START}. */
  private final Map<String, Map<String, TreeSet<ProbeResult>>> byCheck = new HashMap<>();

  private final Map<String, AppliedSequences> applied = new HashMap<>();
  private long size;

  @Override
  public AppendOutcome append(Collection<ProbeResult> results, Fleet fleet, Instant now) {
    Checks.notNull(fleet, "fleet");
    Checks.notNull(now, "now");
    Duration retention = fleet.settings().retentionRaw();
    Instant oldest = now.minus(retention);
    Instant newest = now.plusMillis(MAX_CLOCK_SKEW_MILLIS);
    int accepted = 0;
    int duplicates = 0;
    List<Rejection> rejected = new ArrayList<>();
    lock.writeLock().lock();
    try {
      for (ProbeResult r : results) {
        AppliedSequences seen = applied.computeIfAbsent(r.agentId(), a -> new AppliedSequences());
        if (!seen.add(r.sequence())) {
          duplicates++;
        } else if (fleet.check(r.checkId()).isEmpty()) {
          rejected.add(new Rejection(r.id(), "unknown check '" + r.checkId() + "'"));
        } else if (r.startedAt().isBefore(oldest)) {
          rejected.add(
              new Rejection(
                  r.id(),
                  "startedAt "
                      + r.startedAt()
                      + " is older than the raw retention of "
                      + retention
                      + " (it must be at or after "
                      + oldest
                      + ")"));
        } else if (r.startedAt().isAfter(newest)) {
          rejected.add(
              new Rejection(
                  r.id(),
                  "startedAt "
                      + r.startedAt()
                      + " is more than "
                      + Duration.ofMillis(MAX_CLOCK_SKEW_MILLIS)
                      + " after the coordinator's time "
                      + now
                      + "; check the agent's clock"));
        } else {
          byCheck
              .computeIfAbsent(r.checkId(), c -> new TreeMap<>())
              .computeIfAbsent(r.location(), l -> new TreeSet<>(Timelines.BY_START))
              .add(r);
          size++;
          accepted++;
        }
      }
      dropOlderThan(oldest);
    } finally {
      lock.writeLock().unlock();
    }
    return new AppendOutcome(accepted, duplicates, rejected);
  }

  private void dropOlderThan(Instant oldest) {
    for (Map<String, TreeSet<ProbeResult>> locations : byCheck.values()) {
      for (TreeSet<ProbeResult> results : locations.values()) {
        while (!results.isEmpty() && results.first().startedAt().isBefore(oldest)) {
          results.pollFirst();
          size--;
        }
      }
      locations.values().removeIf(TreeSet::isEmpty);
    }
    byCheck.values().removeIf(Map::isEmpty);
  }

  @Override
  public Map<String, List<ProbeResult>> resultsByLocation(
      String checkId, Instant from, Instant to) {
    Map<String, List<ProbeResult>> out = new LinkedHashMap<>();
    lock.readLock().lock();
    try {
      for (Map.Entry<String, TreeSet<ProbeResult>> e :
          byCheck.getOrDefault(checkId, Map.of()).entrySet()) {
        List<ProbeResult> inRange = new ArrayList<>();
        for (ProbeResult r : e.getValue()) {
          if (!r.startedAt().isBefore(to)) {
            break;
          }
          if (!r.startedAt().isBefore(from)) {
            inRange.add(r);
          }
        }
        if (!inRange.isEmpty()) {
          out.put(e.getKey(), List.copyOf(inRange));
        }
      }
    } finally {
      lock.readLock().unlock();
    }
    return out;
  }

  @Override
  public List<ProbeResult> recent(String checkId, int limit) {
    Checks.checkArgument(limit >= 0, "limit: %s (expected: >= 0)", limit);
    Comparator<ProbeResult> newestFirst = Timelines.BY_START.reversed();
    PriorityQueue<ProbeResult> oldestOnTop = new PriorityQueue<>(Timelines.BY_START);
    lock.readLock().lock();
    try {
      for (NavigableSet<ProbeResult> results : byCheck.getOrDefault(checkId, Map.of()).values()) {
        int taken = 0;
        for (ProbeResult r : results.descendingSet()) {
          if (taken++ >= limit) {
            break;
          }
          oldestOnTop.add(r);
          if (oldestOnTop.size() > limit) {
            oldestOnTop.poll();
          }
        }
      }
    } finally {
      lock.readLock().unlock();
    }
    List<ProbeResult> out = new ArrayList<>(oldestOnTop);
    out.sort(newestFirst);
    return List.copyOf(out);
  }

  @Override
  public long size() {
    lock.readLock().lock();
    try {
      return size;
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * The sequences of one agent that have been applied: all up to {@code watermark}, plus the ones
   * in {@code above}. Not thread-safe; guarded by the store's lock.
   */
  static final class AppliedSequences {
    private long watermark;
    private final TreeSet<Long> above = new TreeSet<>();

    /** Records {@code sequence}; returns false when it had been recorded before. */
    boolean add(long sequence) {
      if (sequence <= watermark || !above.add(sequence)) {
        return false;
      }
      advance();
      if (above.size() > MAX_OUT_OF_ORDER) {
        watermark = above.pollFirst();
        advance();
      }
      return true;
    }

    private void advance() {
      while (!above.isEmpty() && above.first() == watermark + 1) {
        watermark = above.pollFirst();
      }
    }

    long watermark() {
      return watermark;
    }

    int outOfOrder() {
      return above.size();
    }
  }
}
