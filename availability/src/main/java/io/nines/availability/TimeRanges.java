package io.nines.availability;

import io.nines.common.TimeRange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** Set arithmetic on lists of {@link TimeRange}s, e.g. maintenance windows that overlap. */
public final class TimeRanges {
  private TimeRanges() {}

  /**
   * The union of {@code ranges}: sorted, non-overlapping, non-adjacent and without empty ranges.
   * Overlapping or touching ranges are merged, so nothing is counted twice.
   */
  public static List<TimeRange> union(Collection<TimeRange> ranges) {
    List<TimeRange> sorted =
        ranges.stream()
            .filter(r -> !r.isEmpty())
            .sorted(Comparator.comparing(TimeRange::start))
            .toList();
    List<TimeRange> out = new ArrayList<>();
    Instant start = null;
    Instant end = null;
    for (TimeRange r : sorted) {
      if (start == null) {
        start = r.start();
        end = r.end();
      } else if (!r.start().isAfter(end)) {
        end = r.end().isAfter(end) ? r.end() : end;
      } else {
        out.add(new TimeRange(start, end));
        start = r.start();
        end = r.end();
      }
    }
    if (start != null) {
      out.add(new TimeRange(start, end));
    }
    return List.copyOf(out);
  }

  /** The parts of the union of {@code ranges} that lie inside {@code window}. */
  public static List<TimeRange> clip(Collection<TimeRange> ranges, TimeRange window) {
    List<TimeRange> out = new ArrayList<>();
    for (TimeRange r : union(ranges)) {
      TimeRange c = r.intersect(window);
      if (!c.isEmpty()) {
        out.add(c);
      }
    }
    return List.copyOf(out);
  }

  /** The parts of the union of {@code ranges} that lie outside every one of {@code holes}. */
  public static List<TimeRange> subtract(
      Collection<TimeRange> ranges, Collection<TimeRange> holes) {
    List<TimeRange> cut = union(holes);
    List<TimeRange> out = new ArrayList<>();
    for (TimeRange r : union(ranges)) {
      Instant cursor = r.start();
      for (TimeRange h : cut) {
        if (!h.end().isAfter(cursor)) {
          continue;
        }
        if (!h.start().isBefore(r.end())) {
          break;
        }
        if (h.start().isAfter(cursor)) {
          out.add(new TimeRange(cursor, h.start()));
        }
        cursor = h.end();
        if (!cursor.isBefore(r.end())) {
          break;
        }
      }
      if (cursor.isBefore(r.end())) {
        out.add(new TimeRange(cursor, r.end()));
      }
    }
    return List.copyOf(out);
  }

  /** The length of the union of {@code ranges}: overlapping time is counted once. */
  public static Duration total(Collection<TimeRange> ranges) {
    Duration sum = Duration.ZERO;
    for (TimeRange r : union(ranges)) {
      sum = sum.plus(r.length());
    }
    return sum;
  }
}
