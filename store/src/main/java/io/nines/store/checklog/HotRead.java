package io.nines.store.checklog;

import io.nines.common.ProbeResult;
import java.util.List;

/**
 * What a read of a hot {@link CheckLog} returns: the part the log holds, and where it stops, so
 * that the read layer asks the database for exactly the rest (see {@code TieredResultStore}).
 * Instants are nanoseconds since the epoch; {@link Long#MIN_VALUE} means "no such cut" (a log that
 * holds everything, or no log at all).
 *
 * @param results the held results asked for ({@link ReadCheck.Kind#HOT_BETWEEN}: in the range,
 *     location by location; {@link ReadCheck.Kind#HOT_RECENT}: newest first)
 * @param slices the held history asked for ({@link ReadCheck.Kind#HOT_HISTORY})
 * @param heldFrom results that ran before this are not held
 * @param openFrom history before this is not held
 * @param retainedFrom results that ran before this have left {@code retention.raw}
 * @param historyKeptFrom history before this has left {@code retention.rollup}
 * @param exists whether the check has a log at all
 */
public record HotRead(
    List<ProbeResult> results,
    List<HistorySlice> slices,
    long heldFrom,
    long openFrom,
    long retainedFrom,
    long historyKeptFrom,
    boolean exists) {
  public HotRead {
    results = List.copyOf(results);
    slices = List.copyOf(slices);
  }
}
