package io.nines.store.checklog;

import io.nines.availability.Interval;
import io.nines.availability.State;
import io.nines.common.Checks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The timeline of one check at one location, as far back as {@code retention.rollup}: the stretches
 * where its state was known ({@link State#UP} or {@link State#DOWN}), each the longest possible
 * (two neighbours that touch never share a state). Time no stretch covers is {@link State#UNKNOWN}.
 *
 * <p>Instants are nanoseconds since the epoch ({@link #nanos}), so that a stretch costs one map
 * entry of two longs and a state. The representation is canonical: two histories describing the
 * same states at every instant hold the same stretches, whatever order they were written in.
 *
 * <p>Pure and not thread-safe, like the {@link CheckLog} it belongs to.
 */
public final class LocationHistory {
  /** One hour, in nanoseconds: the unit that is compacted and written to the database. */
  public static final long HOUR_NANOS = 3_600_000_000_000L;

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private static final long[] NO_TIMES = new long[0];
  private static final State[] NO_STATES = new State[0];

  /**
   * The stretches in order, {@code [starts[i], ends[i])} in {@code states[i]} for i below {@code
   * size}: they do not overlap, so the ends are in order too. Arrays rather than a {@code TreeMap}
   * of start to stretch: a result placed at the end of a location's timeline cost about eight tree
   * walks over boxed keys (8 % of a 2-member cluster's CPU in {@code bench/cluster}, owner and
   * backup alike); here a binary search over longs and an array copy at most.
   */
  private long[] starts = NO_TIMES;

  private long[] ends = NO_TIMES;
  private State[] states = NO_STATES;
  private int size;

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
    int first = firstEndingAfter(start);
    int last = firstStartingAtOrAfter(end); // exclusive
    if (first >= last) {
      return;
    }
    long leftStart = starts[first];
    State leftState = states[first];
    long rightEnd = ends[last - 1];
    State rightState = states[last - 1];
    boolean left = leftStart < start;
    boolean right = rightEnd > end;
    int at = resize(first, last, (left ? 1 : 0) + (right ? 1 : 0));
    if (left) {
      set(at++, leftStart, start, leftState);
    }
    if (right) {
      set(at, end, rightEnd, rightState);
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
    // Cleared: the stretches before p end by start, those from p on start at end or later.
    int p = firstStartingAtOrAfter(start);
    long s = start;
    long e = end;
    int from = p;
    int to = p;
    if (p > 0 && ends[p - 1] == start && states[p - 1] == state) {
      s = starts[p - 1];
      from = p - 1;
    }
    if (p < size && starts[p] == end && states[p] == state) {
      e = ends[p];
      to = p + 1;
    }
    set(resize(from, to, 1), s, e, state);
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
    int i = firstEndingAfter(from);
    if (i == size) {
      return Long.MAX_VALUE;
    }
    return starts[i] <= from ? floorHour(from) : floorHour(starts[i]);
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
    return size == 0;
  }

  /** How many stretches are held. */
  public int size() {
    return size;
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
    for (int i = firstEndingAfter(from); i < size && starts[i] < to; i++) {
      long s = Math.max(from, starts[i]);
      long e = Math.min(to, ends[i]);
      if (e > s) {
        visitor.visit(s, e, states[i]);
      }
    }
  }

  /** The first stretch that ends after {@code t} (the one holding {@code t}, or the next). */
  private int firstEndingAfter(long t) {
    int low = 0;
    int high = size;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (ends[mid] > t) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }
    return low;
  }

  /** The first stretch that starts at {@code t} or later. */
  private int firstStartingAtOrAfter(long t) {
    int low = 0;
    int high = size;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (starts[mid] >= t) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }
    return low;
  }

  /**
   * Replaces the stretches {@code [from, to)} by {@code count} slots, to be {@link #set}; returns
   * {@code from}, the first slot.
   */
  private int resize(int from, int to, int count) {
    int newSize = size - (to - from) + count;
    if (newSize > starts.length) {
      int capacity = Math.max(4, Math.max(newSize, starts.length * 2));
      starts = Arrays.copyOf(starts, capacity);
      ends = Arrays.copyOf(ends, capacity);
      states = Arrays.copyOf(states, capacity);
    }
    System.arraycopy(starts, to, starts, from + count, size - to);
    System.arraycopy(ends, to, ends, from + count, size - to);
    System.arraycopy(states, to, states, from + count, size - to);
    size = newSize;
    return from;
  }

  private void set(int i, long start, long end, State state) {
    starts[i] = start;
    ends[i] = end;
    states[i] = state;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LocationHistory other
        && other.size == size
        && Arrays.equals(other.starts, 0, size, starts, 0, size)
        && Arrays.equals(other.ends, 0, size, ends, 0, size)
        && Arrays.equals(other.states, 0, size, states, 0, size);
  }

  @Override
  public int hashCode() {
    int h = 1;
    for (int i = 0; i < size; i++) {
      h = 31 * h + Long.hashCode(starts[i]);
      h = 31 * h + Long.hashCode(ends[i]);
      h = 31 * h + states[i].hashCode();
    }
    return h;
  }

  @Override
  public String toString() {
    return all().toString();
  }
}
