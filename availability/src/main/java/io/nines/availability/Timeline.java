package io.nines.availability;

import io.nines.common.Checks;
import io.nines.common.TimeRange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * What happened over a span of time: ordered, contiguous, coalesced {@link Interval}s that tile
 * {@code span} exactly.
 *
 * <p>Invariants, checked on construction: the first interval starts at {@code span.start()}, each
 * next one starts where the previous ended, the last ends at {@code span.end()}, and two neighbours
 * never share a state (they would have been merged). An empty span has no intervals. Time about
 * which nothing is known is an explicit {@link State#UNKNOWN} interval, so the durations by state
 * always add up to the span's length.
 *
 * @param span the time this timeline describes
 * @param intervals the tiling of {@code span}
 */
public record Timeline(TimeRange span, List<Interval> intervals) {

  public Timeline {
    Checks.notNull(span, "span");
    intervals = List.copyOf(intervals);
    Instant cursor = span.start();
    State previous = null;
    for (int i = 0; i < intervals.size(); i++) {
      Interval iv = intervals.get(i);
      Checks.checkArgument(
          iv.start().equals(cursor),
          "intervals[%s].start: %s (expected: %s, where the previous interval or the span ends)",
          i,
          iv.start(),
          cursor);
      Checks.checkArgument(
          iv.state() != previous,
          "intervals[%s].state: %s (expected: not the previous interval's state; coalesce them)",
          i,
          iv.state());
      cursor = iv.end();
      previous = iv.state();
    }
    Checks.checkArgument(
        cursor.equals(span.end()),
        "intervals end at %s (expected: the span's end %s)",
        cursor,
        span.end());
  }

  /** One state over the whole span. */
  public static Timeline constant(TimeRange span, State state) {
    return span.isEmpty()
        ? new Timeline(span, List.of())
        : new Timeline(span, List.of(new Interval(span.start(), span.end(), state)));
  }

  /**
   * Builds a timeline over {@code span} from parts that need not be contiguous.
   *
   * <p>Parts are clipped to {@code span}; time that no part covers is {@link State#UNKNOWN}; equal
   * neighbours are coalesced.
   *
   * @param parts in any order, but no two may overlap
   * @throws IllegalArgumentException when two parts overlap
   */
  public static Timeline of(TimeRange span, Collection<Interval> parts) {
    List<Interval> sorted = parts.stream().sorted(Comparator.comparing(Interval::start)).toList();
    Builder b = new Builder(span);
    Instant previousEnd = null;
    for (Interval p : sorted) {
      Checks.checkArgument(
          previousEnd == null || !p.start().isBefore(previousEnd),
          "parts: an interval starting at %s overlaps one ending at %s (expected: no overlap)",
          p.start(),
          previousEnd);
      previousEnd = p.end();
      b.add(p.start(), p.end(), p.state());
    }
    return b.build();
  }

  /** The length of {@code span}. */
  public Duration length() {
    return span.length();
  }

  /**
   * This timeline seen through {@code window}: the result's span is exactly {@code window}; parts
   * of this timeline outside it are cut off, and parts of the window this timeline does not cover
   * are {@link State#UNKNOWN}.
   */
  public Timeline clip(TimeRange window) {
    Builder b = new Builder(window);
    for (Interval iv : intervals) {
      b.add(iv.start(), iv.end(), iv.state());
    }
    return b.build();
  }

  /** Time spent in each state; every state has an entry, and the values sum to {@link #length}. */
  public Map<State, Duration> durations() {
    EnumMap<State, Duration> out = new EnumMap<>(State.class);
    for (State s : State.values()) {
      out.put(s, Duration.ZERO);
    }
    for (Interval iv : intervals) {
      out.merge(iv.state(), iv.duration(), Duration::plus);
    }
    return out;
  }

  /** Time spent in {@code state}. */
  public Duration duration(State state) {
    Duration sum = Duration.ZERO;
    for (Interval iv : intervals) {
      if (iv.state() == state) {
        sum = sum.plus(iv.duration());
      }
    }
    return sum;
  }

  /** Time inside both this span and the union of {@code ranges}; overlapping ranges count once. */
  public Duration overlap(Collection<TimeRange> ranges) {
    return TimeRanges.total(TimeRanges.clip(ranges, span));
  }

  /**
   * Time in {@code state} that lies inside the union of {@code ranges}; overlapping ranges count
   * once.
   */
  public Duration overlap(Collection<TimeRange> ranges, State state) {
    List<TimeRange> union = TimeRanges.union(ranges);
    Duration sum = Duration.ZERO;
    int j = 0;
    for (Interval iv : intervals) {
      if (iv.state() != state) {
        continue;
      }
      while (j < union.size() && !union.get(j).end().isAfter(iv.start())) {
        j++;
      }
      for (int k = j; k < union.size() && union.get(k).start().isBefore(iv.end()); k++) {
        sum = sum.plus(union.get(k).intersect(iv.range()).length());
      }
    }
    return sum;
  }

  /** The maximal contiguous stretches in {@code state}, in order. */
  public List<TimeRange> stretches(State state) {
    return intervals.stream().filter(iv -> iv.state() == state).map(Interval::range).toList();
  }

  /** This timeline with {@code state} written over the parts of the span inside {@code ranges}. */
  public Timeline overlay(Collection<TimeRange> ranges, State state) {
    List<TimeRange> union = TimeRanges.clip(ranges, span);
    if (union.isEmpty()) {
      return this;
    }
    Builder b = new Builder(span);
    List<TimeRange> outside = TimeRanges.subtract(List.of(span), union);
    List<Interval> parts = new ArrayList<>();
    for (Interval iv : intervals) {
      for (TimeRange keep : TimeRanges.clip(outside, iv.range())) {
        parts.add(new Interval(keep.start(), keep.end(), iv.state()));
      }
    }
    for (TimeRange r : union) {
      parts.add(new Interval(r.start(), r.end(), state));
    }
    parts.sort(Comparator.comparing(Interval::start));
    for (Interval p : parts) {
      b.add(p.start(), p.end(), p.state());
    }
    return b.build();
  }

  /** The state at instant {@code t}; {@link State#UNKNOWN} outside the span. */
  public State stateAt(Instant t) {
    for (Interval iv : intervals) {
      if (!t.isBefore(iv.start()) && t.isBefore(iv.end())) {
        return iv.state();
      }
    }
    return State.UNKNOWN;
  }

  /**
   * The state at the end of the span, which is the current state when the span ends at {@code now};
   * {@link State#UNKNOWN} for an empty span.
   */
  public State lastState() {
    return intervals.isEmpty() ? State.UNKNOWN : intervals.get(intervals.size() - 1).state();
  }

  /**
   * Combines timelines instant by instant: over each stretch where no input changes, the result's
   * state is {@code rule} applied to the inputs' states (in input order).
   */
  static Timeline combine(
      TimeRange span, List<Timeline> inputs, Function<List<State>, State> rule) {
    if (span.isEmpty()) {
      return new Timeline(span, List.of());
    }
    List<Timeline> clipped = inputs.stream().map(t -> t.clip(span)).toList();
    TreeSet<Instant> cuts = new TreeSet<>();
    cuts.add(span.start());
    cuts.add(span.end());
    for (Timeline t : clipped) {
      for (Interval iv : t.intervals) {
        cuts.add(iv.start());
      }
    }
    int[] cursor = new int[clipped.size()];
    Builder b = new Builder(span);
    Instant start = null;
    List<State> states = new ArrayList<>(clipped.size());
    for (Instant cut : cuts) {
      if (start != null) {
        states.clear();
        for (int i = 0; i < clipped.size(); i++) {
          List<Interval> ivs = clipped.get(i).intervals;
          while (!ivs.get(cursor[i]).end().isAfter(start)) {
            cursor[i]++;
          }
          states.add(ivs.get(cursor[i]).state());
        }
        b.add(start, cut, rule.apply(List.copyOf(states)));
      }
      start = cut;
    }
    return b.build();
  }

  /**
   * Appends parts in start order, clipping to the span, filling gaps with UNKNOWN and coalescing.
   */
  private static final class Builder {
    private final TimeRange span;
    private final List<Interval> out = new ArrayList<>();
    private Instant cursor;

    Builder(TimeRange span) {
      this.span = span;
      this.cursor = span.start();
    }

    /** Adds {@code [start, end)}; parts must arrive in order and must not overlap. */
    void add(Instant start, Instant end, State state) {
      Instant s = start.isBefore(cursor) ? cursor : start;
      Instant e = end.isAfter(span.end()) ? span.end() : end;
      if (!e.isAfter(s)) {
        return;
      }
      if (s.isAfter(cursor)) {
        append(cursor, s, State.UNKNOWN);
      }
      append(s, e, state);
    }

    private void append(Instant s, Instant e, State state) {
      if (!out.isEmpty() && out.get(out.size() - 1).state() == state) {
        Interval last = out.remove(out.size() - 1);
        out.add(new Interval(last.start(), e, state));
      } else {
        out.add(new Interval(s, e, state));
      }
      cursor = e;
    }

    Timeline build() {
      if (cursor.isBefore(span.end())) {
        append(cursor, span.end(), State.UNKNOWN);
      }
      return new Timeline(span, out);
    }
  }
}
