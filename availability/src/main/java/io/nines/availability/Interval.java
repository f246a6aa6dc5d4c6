package io.nines.availability;

import io.nines.common.Checks;
import io.nines.common.TimeRange;
import java.time.Duration;
import java.time.Instant;

/**
 * One stretch of a timeline: {@code state} held over the half-open range {@code [start, end)}.
 *
 * @param start inclusive
 * @param end exclusive; strictly after {@code start} (a timeline holds no empty intervals)
 * @param state what held over the whole interval
 */
public record Interval(Instant start, Instant end, State state) {
  public Interval {
    Checks.notNull(start, "start");
    Checks.notNull(end, "end");
    Checks.notNull(state, "state");
    Checks.checkArgument(end.isAfter(start), "end: %s (expected: after start %s)", end, start);
  }

  public Duration duration() {
    return Duration.between(start, end);
  }

  public TimeRange range() {
    return new TimeRange(start, end);
  }
}
