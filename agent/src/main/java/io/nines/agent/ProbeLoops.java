package io.nines.agent;

import io.micrometer.core.instrument.MeterRegistry;
import io.nines.agent.probe.CheckRunner;
import io.nines.agent.schedule.Scheduler;
import io.nines.common.ProbeResult;
import io.nines.common.TimeSource;
import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.nines.config.Template;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The agent's probe loops: its checks split among a fixed number of schedulers, each on its own
 * event-loop context, so that probing uses every core. A check always runs on the same loop (a hash
 * of its id), so it keeps its slot when the set of checks changes and across restarts. The agent's
 * in-flight and per-host bounds are shared out among the loops, each taking its share rounded up.
 *
 * <p>Threads: {@link #deploy} and {@link #distribute} are called on the agent's own context; each
 * loop takes its new checks on its own context. Results are handed to the consumer on the loop's
 * context that produced them.
 */
final class ProbeLoops {
  private final Vertx vertx;
  private final TimeSource time;
  private final MeterRegistry registry;
  private final int count;
  private final int maxInFlight;
  private final int maxPerHost;
  private final Supplier<CheckRunner> runner;
  private final Supplier<Map<String, String>> vars;
  private final Consumer<ProbeResult> results;
  private final List<ProbeLoop> loops = new ArrayList<>();
  private int checkCount;

  /**
   * @param count how many loops
   * @param maxInFlight how many checks may run at once, over all loops
   * @param maxPerHost how many checks of one target host may run at once, over all loops
   * @param runner the runner of the configuration in force, read at every run
   * @param vars the variables of the configuration in force, to render a check's target host
   * @param results takes every result, on the context of the loop that produced it
   */
  ProbeLoops(
      Vertx vertx,
      TimeSource time,
      MeterRegistry registry,
      int count,
      int maxInFlight,
      int maxPerHost,
      Supplier<CheckRunner> runner,
      Supplier<Map<String, String>> vars,
      Consumer<ProbeResult> results) {
    this.vertx = vertx;
    this.time = time;
    this.registry = registry;
    this.count = count;
    this.maxInFlight = maxInFlight;
    this.maxPerHost = maxPerHost;
    this.runner = runner;
    this.vars = vars;
    this.results = results;
  }

  /**
   * Deploys the loops, as children of the calling verticle, with {@code checks} split among them;
   * completes when every loop runs.
   */
  Future<?> deploy(List<Check> checks) {
    prepare(checks);
    List<List<Check>> parts = split(checks);
    checkCount = checks.size();
    List<Future<String>> deployed = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ProbeLoop loop =
          new ProbeLoop(
              String.valueOf(i), parts.get(i), share(maxInFlight, count), share(maxPerHost, count));
      loops.add(loop);
      deployed.add(vertx.deployVerticle(loop));
    }
    return Future.all(deployed);
  }

  /** Replaces the checks the loops run with {@code checks}, each on its loop. */
  void distribute(List<Check> checks) {
    prepare(checks);
    List<List<Check>> parts = split(checks);
    for (int i = 0; i < loops.size(); i++) {
      loops.get(i).assign(parts.get(i));
    }
    checkCount = checks.size();
  }

  /**
   * Registers the checks' meters on a worker thread, while the loops start them ({@link
   * CheckRunner#prepare}): off the probe loops, where a new agent's first results spent seconds
   * registering one timer per check. The meters of checks no longer assigned are removed.
   */
  private void prepare(List<Check> checks) {
    CheckRunner r = runner.get();
    if (r == null) {
      return;
    }
    List<Check> copy = List.copyOf(checks);
    vertx
        .executeBlocking(
            () -> {
              r.prepare(copy);
              return null;
            },
            true) // in order: an older assignment must not prune a newer one's meters
        .onFailure(
            e ->
                java.util.logging.Logger.getLogger(ProbeLoops.class.getName())
                    .warning("could not register the checks' meters ahead: " + e));
  }

  /** How many checks the loops run, as last deployed or distributed. */
  int checkCount() {
    return checkCount;
  }

  /** How many loops there are. */
  int count() {
    return count;
  }

  private List<List<Check>> split(List<Check> checks) {
    List<List<Check>> parts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      parts.add(new ArrayList<>());
    }
    for (Check c : checks) {
      parts.get(loopOf(c.id(), count)).add(c);
    }
    return parts;
  }

  /** The target host of a check, for the per-host concurrency bound. */
  static String hostOf(Check check, Map<String, String> vars) {
    Template url = null;
    if (check.spec() instanceof CheckSpec.Http http) {
      url = http.request().url();
    } else if (check.spec() instanceof CheckSpec.Journey journey && !journey.steps().isEmpty()) {
      url = journey.steps().get(0).url();
    } else if (check.spec() instanceof CheckSpec.Tcp tcp) {
      return tcp.host();
    } else if (check.spec() instanceof CheckSpec.Tls tls) {
      return tls.host();
    } else if (check.spec() instanceof CheckSpec.Browser browser) {
      url =
          browser.steps().stream()
              .filter(s -> s instanceof io.nines.config.BrowserStep.Goto)
              .map(s -> ((io.nines.config.BrowserStep.Goto) s).url())
              .findFirst()
              .orElse(null);
    } else if (check.spec() instanceof CheckSpec.Dns dns) {
      return dns.server() == null ? "system-resolver" : dns.server();
    } else if (check.spec() instanceof CheckSpec.Grpc grpc) {
      return grpc.host();
    } else if (check.spec() instanceof CheckSpec.WebSocket ws) {
      url = ws.url();
    }
    if (url == null) {
      return "";
    }
    try {
      String rendered = url.render(vars::get, ref -> "");
      String host = URI.create(rendered).getHost();
      return host == null ? "" : host;
    } catch (RuntimeException e) {
      return "";
    }
  }

  /** The share of {@code total} of one of {@code parts} loops, rounded up. */
  private static int share(int total, int parts) {
    return (total + parts - 1) / parts;
  }

  /** Which probe loop runs a check: a hash of its id, so that it stays put across restarts. */
  static int loopOf(String checkId, int loops) {
    return Math.floorMod(checkId.hashCode(), loops);
  }

  /** One probe loop: a scheduler with its share of the checks, on its own event loop. */
  private final class ProbeLoop extends VerticleBase {
    private final String name;
    private final List<Check> checks;
    private final int maxInFlight;
    private final int maxPerHost;
    private Scheduler scheduler;
    private long timerId = -1;
    private boolean running;

    ProbeLoop(String name, List<Check> checks, int maxInFlight, int maxPerHost) {
      this.name = name;
      this.checks = checks;
      this.maxInFlight = maxInFlight;
      this.maxPerHost = maxPerHost;
    }

    @Override
    public Future<?> start() {
      scheduler =
          new Scheduler(
              time,
              check -> runner.get().run(check).onSuccess(results::accept),
              check -> hostOf(check, vars.get()),
              maxInFlight,
              maxPerHost,
              registry,
              name);
      scheduler.setChecks(checks);
      running = true;
      drive();
      return Future.succeededFuture();
    }

    /** Replaces this loop's checks; safe to call from any thread. */
    void assign(List<Check> assigned) {
      context.runOnContext(v -> scheduler.setChecks(assigned));
    }

    private void drive() {
      if (!running) {
        return;
      }
      long delay = scheduler.poll();
      // Wake at least once a second so a clock step is noticed soon.
      timerId = vertx.setTimer(Math.max(1, Math.min(delay, 1000)), t -> drive());
    }

    @Override
    public Future<?> stop() {
      running = false;
      if (timerId >= 0) {
        vertx.cancelTimer(timerId);
      }
      return Future.succeededFuture();
    }
  }
}
