package io.nines.agent.probe;

import io.nines.common.TimeSource;
import io.nines.config.SecretRef;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.function.Function;

/**
 * What probes may use.
 *
 * @param vertx for timers and clients; probes run on its context
 * @param time the clock; durations come from its monotonic reading
 * @param clients HTTP clients shared by the agent's probes
 * @param vars the fleet's variables for {@code ${name}} references
 * @param secrets resolves a secret reference at request time; throws {@link
 *     SecretRef.UnresolvedSecret} when it can't. Reading a {@code ${file:...}} reference blocks, so
 *     probes call it through {@link SecretReader}, which does that on a worker thread, never on an
 *     event loop
 */
public record ProbeContext(
    Vertx vertx,
    TimeSource time,
    HttpClients clients,
    Map<String, String> vars,
    Function<SecretRef, String> secrets) {
  public ProbeContext {
    vars = Map.copyOf(vars);
  }
}
