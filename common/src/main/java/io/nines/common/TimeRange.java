package io.nines.common;

import java.time.Duration;
import java.time.Instant;

/**
 * A half-open span of time {@code [start, end)}.
 *
 * @param start inclusive
 * @param end exclusive; not before {@code start}
 */
public record TimeRange(Instant start, Instant end) {
  public TimeRange {
    Checks.notNull(start, "start");
    Checks.notNull(end, "end");
    Checks.checkArgument(
        !end.isBefore(start), "end: %s (expected: not before start %s)", end, start);
  }

  public Duration length() {
    return Duration.between(start, end);
  }

  public boolean isEmpty() {
    return start.equals(end);
  }

  public boolean contains(Instant t) {
    return !t.isBefore(start) && t.isBefore(end);
  }

  /** The overlap with {@code other}, or an empty range at {@code start} when there is none. */
  public TimeRange intersect(TimeRange other) {
    Instant s = start.isAfter(other.start) ? start : other.start;
    Instant e = end.isBefore(other.end) ? end : other.end;
    return e.isAfter(s) ? new TimeRange(s, e) : new TimeRange(start, start);
  }
}
