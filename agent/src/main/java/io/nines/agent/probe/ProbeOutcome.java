package io.nines.agent.probe;

import io.nines.common.Failure;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * What one attempt of a probe found.
 *
 * @param failure why it failed, or null when every assertion held
 * @param durationMillis how long the attempt took
 * @param phasesMillis timing phases reached, in milliseconds
 * @param diagnostics on failure, what an on-call engineer would gather by hand (secrets redacted);
 *     when ok, null, or what is worth keeping anyway (the redirects an http check followed)
 */
public record ProbeOutcome(
    Failure failure,
    long durationMillis,
    Map<String, Double> phasesMillis,
    JsonObject diagnostics) {
  public ProbeOutcome {
    phasesMillis = phasesMillis == null ? Map.of() : Map.copyOf(phasesMillis);
  }

  public boolean ok() {
    return failure == null;
  }
}
