package io.nines.store.checklog;

import io.nines.availability.Interval;
import io.nines.common.Checks;
import java.time.Instant;
import java.util.List;

/**
 * What one location's {@link LocationHistory} holds over {@code [from, to)}: its known intervals,
 * clipped to the range, in order; the rest of the range is unknown. A {@link CheckLog.Change}
 * carries the slices it rewrote (whole hours), so that a backup and the database end up with the
 * same history as the owner; a read returns one slice per location.
 *
 * @param location the location id
 * @param from inclusive
 * @param to exclusive
 * @param intervals UP and DOWN intervals inside the range, ordered, not overlapping
 */
public record HistorySlice(String location, Instant from, Instant to, List<Interval> intervals) {
  public HistorySlice {
    Checks.checkNotBlank(location, "location");
    Checks.notNull(from, "from");
    Checks.notNull(to, "to");
    intervals = List.copyOf(intervals);
  }
}
