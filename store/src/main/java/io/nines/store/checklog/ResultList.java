package io.nines.store.checklog;

import io.nines.common.ProbeResult;
import java.util.List;

/**
 * Results read from one check, as a read processor returns them to the caller: a type of its own so
 * that it travels with Compact serialization.
 */
public record ResultList(List<ProbeResult> results) {
  public ResultList {
    results = List.copyOf(results);
  }
}
