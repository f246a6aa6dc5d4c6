package io.nines.agent.browser;

import java.util.Map;

/**
 * How an agent runs browser checks, from its environment: {@code NINES_CHROMIUM} names the Chromium
 * executable (default: {@code chromium}, {@code chromium-browser} or {@code google-chrome} on
 * {@code PATH} or in {@code /usr/bin}), or {@code off} for no browser checks; {@code
 * NINES_BROWSER_POOL} is how many browser runs may have a Chromium at once (default {@value
 * BrowserProbe#DEFAULT_MAX_CONCURRENT}, 1 to 32).
 *
 * @param enabled whether to look for a Chromium at all
 * @param chromium the executable named, or null to look for one
 * @param pool how many browser runs at once
 */
public record BrowserOptions(boolean enabled, String chromium, int pool) {
  /** The most browser runs at once an agent may be given. */
  public static final int MAX_POOL = 32;

  /**
   * Reads the options.
   *
   * @throws IllegalArgumentException naming the variable, its value and what it must be
   */
  public static BrowserOptions fromEnv(Map<String, String> env) {
    String chromium = env.get("NINES_CHROMIUM");
    boolean enabled = chromium == null || !chromium.trim().equalsIgnoreCase("off");
    int pool = BrowserProbe.DEFAULT_MAX_CONCURRENT;
    String p = env.get("NINES_BROWSER_POOL");
    if (p != null && !p.isBlank()) {
      try {
        pool = Integer.parseInt(p.trim());
      } catch (NumberFormatException e) {
        pool = -1;
      }
      if (pool < 1 || pool > MAX_POOL) {
        throw new IllegalArgumentException(
            "NINES_BROWSER_POOL was '"
                + p
                + "' but it must be a whole number from 1 to "
                + MAX_POOL);
      }
    }
    return new BrowserOptions(
        enabled, enabled && chromium != null && !chromium.isBlank() ? chromium.trim() : null, pool);
  }
}
