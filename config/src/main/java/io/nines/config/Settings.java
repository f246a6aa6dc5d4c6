package io.nines.config;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Fleet-wide settings.
 *
 * @param retentionRaw how long raw results are kept
 * @param retentionRollup how long per-minute roll-ups are kept
 * @param tierTargets the target of each tier in percent; every tier has one
 * @param alerting how incidents are raised and routed
 */
public record Settings(
    Duration retentionRaw,
    Duration retentionRollup,
    Map<Tier, Double> tierTargets,
    Alerting alerting) {
  public Settings {
    EnumMap<Tier, Double> targets = new EnumMap<>(Tier.class);
    for (Tier t : Tier.values()) {
      targets.put(t, t.defaultTargetPercent());
    }
    targets.putAll(tierTargets);
    tierTargets = Map.copyOf(targets);
    if (alerting == null) {
      alerting = Alerting.DEFAULTS;
    }
  }

  public Settings(Duration retentionRaw, Duration retentionRollup, Map<Tier, Double> tierTargets) {
    this(retentionRaw, retentionRollup, tierTargets, null);
  }

  /**
   * Alerting settings.
   *
   * @param operators the team told of fleet health (lost agents, locations without agents, full
   *     spools), or null for nobody
   * @param flapChanges how many state changes within {@code flapWindow} make a service flapping
   * @param flapWindow the window state changes are counted in
   * @param pageAfter the confirmation time of services that do not set their own {@code
   *     page-after}; {@link PageAfter#DEFAULT} when not written
   */
  public record Alerting(
      String operators, int flapChanges, Duration flapWindow, PageAfter pageAfter) {
    public Alerting {
      if (pageAfter == null) {
        pageAfter = PageAfter.DEFAULT;
      }
    }

    /** With the default confirmation time. */
    public Alerting(String operators, int flapChanges, Duration flapWindow) {
      this(operators, flapChanges, flapWindow, null);
    }

    public static final Alerting DEFAULTS = new Alerting(null, 5, Duration.ofMinutes(30));
  }

  public static final Settings DEFAULTS =
      new Settings(Duration.ofDays(7), Duration.ofDays(400), Map.of());
}
