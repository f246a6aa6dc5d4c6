package io.nines.agent.probe;

import io.nines.common.TimeSource;
import io.nines.common.Workers;
import io.nines.config.SecretRef;
import io.nines.config.SecretRenderer;
import io.nines.config.Template;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Collection;
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
 *     probes call it through {@link #readSecrets}, which does that on a worker thread, never on an
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

  /**
   * Reads the secrets {@code templates} use with config's {@link SecretRenderer}: file secrets on a
   * Vert.x worker thread, never on the event loop. Call it on the probe's context.
   *
   * @return on the caller's context: the values read (at once when none is a file), or a failure
   *     with {@link SecretRef.UnresolvedSecret}, whose message names the reference and never a
   *     value
   */
  public Future<SecretRenderer.Values> readSecrets(Collection<Template> templates) {
    SecretRenderer renderer = new SecretRenderer(secrets, Workers.of(vertx));
    return Future.fromCompletionStage(renderer.read(templates), vertx.getOrCreateContext());
  }
}
