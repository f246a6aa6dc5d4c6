package io.nines.demo;

import io.nines.common.Checks;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

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
    ERRORS
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
            .put("mode", mode.name().toLowerCase())
            .put("share", errorShare)
            .put("delayMillis", delayMillis);
    if (until != null) {
      json.put("until", until.toString());
    }
    return json;
  }
}
