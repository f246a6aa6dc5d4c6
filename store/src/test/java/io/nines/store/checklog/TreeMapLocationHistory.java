package io.nines.store.checklog;

import io.nines.availability.Interval;
import io.nines.availability.State;
import io.nines.common.Checks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * {@link LocationHistory} as it was before it held its stretches in arrays (a {@code TreeMap} of
 * start to stretch): the reference model {@code LocationHistoryModelTest} compares it with.
 */
final class TreeMapLocationHistory {
  /** One hour, in nanoseconds: the unit that is compacted and written to the database. */
  public static final long HOUR_NANOS = 3_600_000_000_000L;

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  /** start -> the stretch that starts there. */
  private final TreeMap<Long, Stretch> stretches = new TreeMap<>();

  /** A known state over {@code [start, end)} (the start is the map key). */
  private record Stretch(long end, State state) {}

  /** Nanoseconds since the epoch; exact from 1677 to 2262. */
  public static long nanos(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), NANOS_PER_SECOND), t.getNano());
  }

  public static Instant instant(long nanos) {
    return Instant.ofEpochSecond(
        Math.floorDiv(nanos, NANOS_PER_SECOND), Math.floorMod(nanos, NANOS_PER_SECOND));
  }

  /** The start of the hour {@code t} falls in. */
  public static long floorHour(long t) {
    return Math.floorDiv(t, HOUR_NANOS) * HOUR_NANOS;
  }

  /** Makes {@code [start, end)} unknown. */
  public void clear(long start, long end) {
    if (end <= start) {
      return;
    }
    Map.Entry<Long, Stretch> lower = stretches.lowerEntry(start);
    if (lower != null && lower.getValue().end() > start) {
      Stretch s = lower.getValue();
      stretches.put(lower.getKey(), new Stretch(start, s.state()));
      if (s.end() > end) {
        stretches.put(end, new Stretch(s.end(), s.state()));
        return;
      }
    }
    NavigableMap<Long, Stretch> inside = stretches.subMap(start, true, end, false);
    Map.Entry<Long, Stretch> last = inside.lastEntry();
    Stretch tail = last != null && last.getValue().end() > end ? last.getValue() : null;
    inside.clear();
    if (tail != null) {
      stretches.put(end, tail);
    }
  }

  /**
   * Sets the state over {@code [start, end)}, replacing what was there; {@link State#UNKNOWN}
   * clears it. Only UP and DOWN are held (a location is never DEGRADED).
   */
  public void put(long start, long end, State state) {
    Checks.checkArgument(
        state != State.DEGRADED, "state: DEGRADED (expected: UP, DOWN or UNKNOWN at a location)");
    clear(start, end);
    if (end <= start || state == State.UNKNOWN) {
      return;
    }
    long s = start;
    long e = end;
    Map.Entry<Long, Stretch> left = stretches.lowerEntry(start);
    if (left != null && left.getValue().end() == start && left.getValue().state() == state) {
      s = left.getKey();
    }
    Stretch right = stretches.get(end);
    if (right != null && right.state() == state) {
      e = right.end();
      stretches.remove(end);
    }
    stretches.put(s, new Stretch(e, state));
  }

  /** Replaces what this history holds over {@code [from, to)} by {@code intervals}. */
  public void replace(long from, long to, List<Interval> intervals) {
    clear(from, to);
    for (Interval iv : intervals) {
      put(Math.max(from, nanos(iv.start())), Math.min(to, nanos(iv.end())), iv.state());
    }
  }

  /** Forgets everything before {@code t}. */
  public void dropBefore(long t) {
    clear(Long.MIN_VALUE, t);
  }

  /** The known stretches overlapping {@code [from, to)}, clipped to it, in order. */
  public List<Interval> between(long from, long to) {
    List<Interval> out = new ArrayList<>();
    forEachIn(from, to, (s, e, state) -> out.add(new Interval(instant(s), instant(e), state)));
    return out;
  }

  /** How many stretches overlap {@code [from, to)}. */
  int countIn(long from, long to) {
    int[] n = {0};
    forEachIn(from, to, (s, e, state) -> n[0]++);
    return n[0];
  }

  /**
   * The end of the last stretch overlapping {@code [from, to)}, clipped to {@code to}; {@code from}
   * when none does.
   */
  long lastEndIn(long from, long to) {
    long[] last = {from};
    forEachIn(from, to, (s, e, state) -> last[0] = e);
    return last[0];
  }

  /** Time in each known state within {@code [from, to)}, in nanoseconds. */
  Map<State, Long> durationsIn(long from, long to) {
    Map<State, Long> out = new EnumMap<>(State.class);
    forEachIn(from, to, (s, e, state) -> out.merge(state, e - s, Long::sum));
    return out;
  }

  /**
   * The first hour at or after {@code from} that some stretch overlaps, or {@link Long#MAX_VALUE}.
   */
  long nextHourWithData(long from) {
    Map.Entry<Long, Stretch> lower = stretches.floorEntry(from);
    if (lower != null && lower.getValue().end() > from) {
      return floorHour(from);
    }
    Long next = stretches.higherKey(from);
    return next == null ? Long.MAX_VALUE : floorHour(next);
  }

  /**
   * Rewrites the hour starting at {@code hour} as at most two stretches, DOWN then UP, of the
   * lengths the hour held, with its unknown time at its end: the time in each state stays exact,
   * where in the hour it fell is lost.
   */
  void compactHour(long hour) {
    long end = hour + HOUR_NANOS;
    Map<State, Long> d = durationsIn(hour, end);
    long down = d.getOrDefault(State.DOWN, 0L);
    long up = d.getOrDefault(State.UP, 0L);
    clear(hour, end);
    put(hour, hour + down, State.DOWN);
    put(hour + down, hour + down + up, State.UP);
  }

  public boolean isEmpty() {
    return stretches.isEmpty();
  }

  /** How many stretches are held. */
  public int size() {
    return stretches.size();
  }

  /** Every stretch, in order. */
  public List<Interval> all() {
    return between(Long.MIN_VALUE, Long.MAX_VALUE);
  }

  private interface StretchVisitor {
    void visit(long start, long end, State state);
  }

  private void forEachIn(long from, long to, StretchVisitor visitor) {
    if (to <= from) {
      return;
    }
    Long first = stretches.floorKey(from);
    NavigableMap<Long, Stretch> view =
        first == null ? stretches.headMap(to, false) : stretches.subMap(first, true, to, false);
    for (Map.Entry<Long, Stretch> en : view.entrySet()) {
      long s = Math.max(from, en.getKey());
      long e = Math.min(to, en.getValue().end());
      if (e > s) {
        visitor.visit(s, e, en.getValue().state());
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TreeMapLocationHistory other && other.stretches.equals(stretches);
  }

  @Override
  public int hashCode() {
    return stretches.hashCode();
  }

  @Override
  public String toString() {
    return all().toString();
  }
}
