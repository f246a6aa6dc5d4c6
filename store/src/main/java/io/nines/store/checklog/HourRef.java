package io.nines.store.checklog;

import io.nines.common.Checks;
import java.time.Instant;

/**
 * One hour of one location's timeline history, named by the instant it starts at (a whole hour
 * since the epoch): what a {@link CheckLog.Change} asks the database to recompute from its raw
 * results, or marks for recomputing when the hour closes.
 */
public record HourRef(String location, Instant hour) {
  public HourRef {
    Checks.checkNotBlank(location, "location");
    Checks.notNull(hour, "hour");
  }
}
