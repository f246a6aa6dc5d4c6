package io.nines.config;

import java.util.Arrays;
import java.util.Optional;

/** A service's tier: it sets the availability target, and so the downtime budget. */
public enum Tier {
  CRITICAL("critical", 99.99),
  IMPORTANT("important", 99.9),
  NON_CRITICAL("non-critical", 99.0);

  private final String configName;
  private final double defaultTargetPercent;

  Tier(String configName, double defaultTargetPercent) {
    this.configName = configName;
    this.defaultTargetPercent = defaultTargetPercent;
  }

  /** The name used in configuration files and the API, e.g. {@code non-critical}. */
  public String configName() {
    return configName;
  }

  /** The target when neither the settings nor the service override it, in percent. */
  public double defaultTargetPercent() {
    return defaultTargetPercent;
  }

  public static Optional<Tier> fromConfigName(String name) {
    return Arrays.stream(values()).filter(t -> t.configName.equals(name)).findFirst();
  }
}
