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
 */
public record Settings(
    Duration retentionRaw, Duration retentionRollup, Map<Tier, Double> tierTargets) {
  public Settings {
    EnumMap<Tier, Double> targets = new EnumMap<>(Tier.class);
    for (Tier t : Tier.values()) {
      targets.put(t, t.defaultTargetPercent());
    }
    targets.putAll(tierTargets);
    tierTargets = Map.copyOf(targets);
  }

  public static final Settings DEFAULTS =
      new Settings(Duration.ofDays(7), Duration.ofDays(400), Map.of());
}
