package io.nines.demo;

import io.nines.common.Checks;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Locale;

/**
 * A fault injected into one of the shop's services.
 *
 * @param mode what goes wrong
 * @param errorShare with {@link Mode#ERRORS}, the share of requests that fail, in {@code (0, 1]}
 * @param delayMillis with {@link Mode#SLOW}, the added delay
 * @param until when the fault ends by itself, or null for never
 */
public record Fault(Mode mode, double errorShare, long delayMillis, Instant until) {
  public enum Mode {
    /** Every request gets 503. */
    OUTAGE,
    /** Every request is delayed. */
    SLOW,
    /** A share of requests gets 500. */
    ERRORS,
    /**
     * The storefront's checkout button stops working while every HTTP endpoint still answers as
     * usual: {@code /store/app.js} looks for the button under a renamed id, so wiring its click
     * handler throws in the browser. Only a real browser sees it. Applies to {@code checkout} only.
     */
    BROKEN_UI;

    /** The mode's name in the API and on the command line: {@code broken-ui}, {@code outage}. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The mode with the given {@link #wireName()}, or null when there is none (for {@code none},
     * too).
     */
    public static Mode fromWireName(String name) {
      for (Mode m : values()) {
        if (m.wireName().equals(name)) {
          return m;
        }
      }
      return null;
    }
  }

  public Fault {
    Checks.notNull(mode, "mode");
    Checks.checkArgument(
        errorShare > 0 && errorShare <= 1, "errorShare: %s (expected: > 0 and <= 1)", errorShare);
    Checks.checkNotNegative(delayMillis, "delayMillis");
  }

  public boolean activeAt(Instant now) {
    return until == null || now.isBefore(until);
  }

  public JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("mode", mode.wireName())
            .put("share", errorShare)
            .put("delayMillis", delayMillis);
    if (until != null) {
      json.put("until", until.toString());
    }
    return json;
  }
}
