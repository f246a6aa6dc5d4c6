package io.nines.config;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Fleet-wide settings.
 *
 * @param retentionRaw how long raw results are kept
 * @param retentionRollup how long roll-ups are kept (per minute for 30 days, per hour after)
 * @param tierTargets the target of each tier in percent; every tier has one
 * @param alerting how incidents are raised and routed
 * @param unknown how availability counts stale (UNKNOWN) time inside a check's life; null for
 *     {@link Unknown#UP}
 */
public record Settings(
    Duration retentionRaw,
    Duration retentionRollup,
    Map<Tier, Double> tierTargets,
    Alerting alerting,
    Unknown unknown) {
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
    if (unknown == null) {
      unknown = Unknown.UP;
    }
  }

  public Settings(
      Duration retentionRaw,
      Duration retentionRollup,
      Map<Tier, Double> tierTargets,
      Alerting alerting) {
    this(retentionRaw, retentionRollup, tierTargets, alerting, null);
  }

  public Settings(Duration retentionRaw, Duration retentionRollup, Map<Tier, Double> tierTargets) {
    this(retentionRaw, retentionRollup, tierTargets, null, null);
  }

  /**
   * How availability counts time inside a check's life without fresh data (no location reporting):
   * the setting {@code settings.unknown}. Time before a check's life is never counted, whatever
   * this says.
   */
  public enum Unknown {
    /** As up: the denominator stays the observed wall-clock time (the default). */
    UP,
    /** As down: nobody can vouch for the service, so it counts against it. */
    DOWN,
    /** Left out of both the numerator and the denominator. */
    EXCLUDED;

    /** Its name in the configuration: {@code up}, {@code down} or {@code excluded}. */
    public String configName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
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
