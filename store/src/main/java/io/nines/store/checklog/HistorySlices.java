package io.nines.store.checklog;

import java.util.List;

/**
 * Slices read from one check's history, one per location, as a read processor returns them: a type
 * of its own so that it travels with Compact serialization.
 */
public record HistorySlices(List<HistorySlice> slices) {
  public HistorySlices {
    slices = List.copyOf(slices);
  }
}
