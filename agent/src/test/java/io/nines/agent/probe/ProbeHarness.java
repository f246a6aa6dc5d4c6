package io.nines.agent.probe;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nines.common.ProbeResult;
import io.nines.common.TimeSource;
import io.nines.config.Check;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One Vert.x instance and a way to run checks on its event loop, as the agent does. */
final class ProbeHarness {
  final Vertx vertx = Vertx.vertx();
  private final HttpClients clients = new HttpClients(vertx, 16);
  private final ProbeContext context;
  private final CheckRunner runner;

  /**
   * @param vars the fleet's variables
   * @param env what {@code ${env:NAME}} secrets resolve to
   */
  ProbeHarness(Map<String, String> vars, Map<String, String> env) {
    context = new ProbeContext(vertx, TimeSource.SYSTEM, clients, vars, ref -> ref.resolve(env));
    runner =
        new CheckRunner(
            context, CheckRunner.defaultProbes(), "test-1", "eu-west", new SimpleMeterRegistry());
  }

  ProbeHarness() {
    this(Map.of(), Map.of());
  }

  /** Runs {@code check} through the agent's check runner and default probes. */
  ProbeResult run(Check check) throws Exception {
    Promise<ProbeResult> p = Promise.promise();
    vertx.runOnContext(v -> runner.run(check).onComplete(p));
    return await(p.future());
  }

  /** Runs one attempt of {@code check} with {@code probe}. */
  ProbeOutcome run(Probe probe, Check check) throws Exception {
    Promise<ProbeOutcome> p = Promise.promise();
    vertx.runOnContext(v -> probe.run(check, context).onComplete(p));
    return await(p.future());
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  void close() throws Exception {
    clients.close();
    await(vertx.close());
  }
}
