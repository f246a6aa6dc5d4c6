package io.nines.availability.report;

import java.time.Instant;
import java.util.Map;

/**
 * When each check's life started, and since when each configured maintenance window applies, by the
 * configuration history (the coordinator's {@code confighistory.ConfigHistory#lives()}). A check's
 * life also starts at its first result when that is earlier; {@link FleetTimelines#lifeStart} takes
 * the earlier of the two.
 *
 * @param checks check id -> when the configuration that defines it was first applied
 * @param maintenance configured window id -> when its current definition (schedule and services)
 *     was applied; a window not listed (an ad hoc one) applies whenever its schedule says
 */
public record Lives(Map<String, Instant> checks, Map<String, Instant> maintenance) {
  /** Nothing known: lives start at the first result, and maintenance is not restricted. */
  public static final Lives NONE = new Lives(Map.of(), Map.of());

  public Lives {
    checks = Map.copyOf(checks);
    maintenance = Map.copyOf(maintenance);
  }

  /** When the check's configuration was first applied; null when not known. */
  public Instant checkConfigured(String checkId) {
    return checks.get(checkId);
  }

  /** Since when the window's definition applies; null when it is not restricted. */
  public Instant maintenanceSince(String windowId) {
    return maintenance.get(windowId);
  }
}
