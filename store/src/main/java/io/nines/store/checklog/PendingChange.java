package io.nines.store.checklog;

import io.nines.common.Checks;
import java.time.Instant;

/**
 * A change of one check that a durable store has yet to write: immutable, so the thread that writes
 * it (Hazelcast's write-behind thread, or the single-process store's JDBC worker) may read it while
 * the partition thread goes on changing the {@link CheckLog} it came from.
 *
 * @param checkId the check it changed
 * @param change what changed: results stored and refused, and the new evaluation (if any)
 * @param at the coordinator time the change was made (the ingest's {@code now}); how far the write
 *     lags behind is measured from it
 */
public record PendingChange(String checkId, CheckLog.Change change, Instant at) {
  public PendingChange {
    Checks.checkNotBlank(checkId, "checkId");
    Checks.notNull(change, "change");
    Checks.notNull(at, "at");
  }
}
