package io.nines.config;

import java.util.HashMap;
import java.util.Map;

/**
 * A fleet's checks by id, built once per fleet rather than scanned per lookup: ingest looks a check
 * up per result, and scanning the list for a batch of 500 results over 1,000 checks spent ~250,000
 * string comparisons (7 % of a 2-member cluster's CPU in {@code bench/cluster}, 25 % of a lone
 * member's; 2026-12-07). One entry, the last fleet asked for (by identity): a coordinator uses its
 * current fleet, which changes only on a reload. Thread-safe.
 */
public final class CheckIndex {
  private static volatile CheckIndex last;

  private final Fleet fleet;
  private final Map<String, Check> byId;

  private CheckIndex(Fleet fleet) {
    this.fleet = fleet;
    Map<String, Check> index = new HashMap<>();
    for (Check c : fleet.checks()) {
      index.putIfAbsent(c.id(), c); // the first of an id, in the order declared
    }
    this.byId = Map.copyOf(index);
  }

  /** The checks of {@code fleet} by id (the first declared of an id); unmodifiable. */
  public static Map<String, Check> of(Fleet fleet) {
    CheckIndex index = last;
    if (index == null || index.fleet != fleet) {
      index = new CheckIndex(fleet);
      last = index;
    }
    return index.byId;
  }
}
