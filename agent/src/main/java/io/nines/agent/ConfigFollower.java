package io.nines.agent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nines.agent.ship.CoordinatorClient;
import io.nines.agent.ship.CoordinatorException;
import io.nines.common.TimeSource;
import io.nines.config.Check;
import io.nines.config.ConfigException;
import io.nines.config.ConfigSources;
import io.nines.config.Fleet;
import io.nines.config.FleetLoader;
import io.nines.config.Problem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Follows the coordinator's configuration and assignment, as heartbeat answers name them.
 *
 * <p>An answer whose version is below the newest one seen is ignored whole, its configuration hash
 * included, so the agent never goes back to an older assignment or configuration. A newer
 * assignment is applied to the configuration the agent runs. A configuration hash other than the
 * agent's starts a fetch of the coordinator's files ({@code GET /api/v1/agents/config}), which are
 * loaded on a worker thread (secrets resolved on this host), kept in the {@link ConfigCache} for a
 * restart while no coordinator answers, and swapped in: the newest assignment is then applied to
 * them. Files that do not load here are logged with their problems and counted ({@code
 * nines.agent.config} with {@code outcome=rejected}), and not fetched again; the agent keeps the
 * configuration it runs. Files fetched before a heartbeat names them are kept until one does.
 *
 * <p>Threads: not thread-safe; every method runs on the agent's own Vert.x context, where the
 * heartbeat answers arrive. Only the loading runs on a worker.
 */
final class ConfigFollower {
  private static final Logger LOG = Logger.getLogger(ConfigFollower.class.getName());

  /** What the follower changes in the agent: its configuration and the checks it runs. */
  interface Target {
    /** The configuration the agent runs, or null while it has none. */
    Fleet fleet();

    /**
     * Makes {@code next} the configuration the agent runs; returns the checks of its location that
     * the agent can run.
     */
    List<Check> install(Fleet next);

    /** Runs {@code checks}, and only them, from now on. */
    void run(List<Check> checks);
  }

  private final Vertx vertx;
  private final AgentOptions options;
  private final TimeSource time;
  private final Map<String, String> env;
  private final Map<String, String> varOverrides;
  private final CoordinatorClient client;
  private final Target target;
  private final Counter applied;
  private final Counter rejected;
  private final Counter fetchFailed;
  // The checks of the configuration run that the agent can run; assignments pick from them.
  private List<Check> runnable;
  // The newest heartbeat answer and its version; the version of the assignment applied.
  private JsonObject newest;
  private long newestVersion = -1;
  private long assignmentVersion = -1;
  private boolean fetching;
  // Files not to fetch again: they did not load here, or the coordinator has none to send.
  private String rejectedHash;
  // A configuration fetched and loaded before a heartbeat named it.
  private Fleet prefetched;

  /**
   * @param env where {@code ${env:NAME}} secrets are read from
   * @param varOverrides replace values of {@code vars:} in every configuration loaded
   * @param runnable the checks of the configuration the agent starts with that it can run
   */
  ConfigFollower(
      Vertx vertx,
      AgentOptions options,
      TimeSource time,
      Map<String, String> env,
      Map<String, String> varOverrides,
      CoordinatorClient client,
      MeterRegistry registry,
      Target target,
      List<Check> runnable) {
    this.vertx = vertx;
    this.options = options;
    this.time = time;
    this.env = env;
    this.varOverrides = varOverrides;
    this.client = client;
    this.target = target;
    this.runnable = runnable;
    this.applied = counter(registry, "applied");
    this.rejected = counter(registry, "rejected");
    this.fetchFailed = counter(registry, "fetch-failed");
  }

  private static Counter counter(MeterRegistry registry, String outcome) {
    return Counter.builder("nines.agent.config")
        .description(
            "Configurations fetched from the coordinator, by outcome: applied, rejected (did not"
                + " load on this agent; the old one stays), fetch-failed")
        .tag("outcome", outcome)
        .register(registry);
  }

  /**
   * Takes a heartbeat answer: an answer older than the newest seen is ignored whole; a newer
   * assignment is applied to the configuration the agent runs; a configuration hash other than the
   * agent's starts a fetch of the coordinator's configuration, which is then swapped in and the
   * newest assignment applied to it.
   */
  void onAnswer(JsonObject answer) {
    long version = answer.getLong("version", -1L);
    if (version < newestVersion || answer.getJsonArray("checks") == null) {
      return;
    }
    newestVersion = version;
    newest = answer;
    if (version > assignmentVersion) {
      assign(answer);
    }
    String config = answer.getString("config");
    if (config != null && !config.equals(currentHash())) {
      fetchConfig(config);
    }
  }

  private String currentHash() {
    Fleet f = target.fleet();
    return f == null || f.version() == null ? null : f.version().hash();
  }

  private void fetchConfig(String wanted) {
    if (prefetched != null && prefetched.version().hash().equals(wanted)) {
      swap(prefetched);
      return;
    }
    if (fetching || wanted.equals(rejectedHash)) {
      return;
    }
    fetching = true;
    client
        .config(currentHash())
        .compose(
            sources ->
                sources == null
                    ? Future.<Loaded>succeededFuture(null)
                    : vertx.executeBlocking(() -> load(sources), false))
        .onComplete(
            ar -> {
              fetching = false;
              if (ar.failed()) {
                fetchFailed.increment();
                if (ar.cause() instanceof CoordinatorException ce && ce.statusCode() == 404) {
                  // A coordinator that has no files to send: asking again would not help.
                  rejectedHash = wanted;
                }
                LOG.warning(
                    "agent "
                        + options.agentId()
                        + " could not fetch the coordinator's configuration "
                        + shortHash(wanted)
                        + "; it keeps running "
                        + describeCurrent()
                        + " and tries again with the next heartbeat: "
                        + ar.cause().getMessage());
                return;
              }
              Loaded loaded = ar.result();
              if (loaded == null || loaded.hash().equals(currentHash())) {
                return;
              }
              if (loaded.fleet() == null) {
                rejectedHash = loaded.hash();
                rejected.increment();
                LOG.warning(
                    "agent "
                        + options.agentId()
                        + " keeps running "
                        + describeCurrent()
                        + ": the coordinator's configuration "
                        + shortHash(loaded.hash())
                        + " does not load here:\n"
                        + FleetLoader.formatProblems(loaded.problems()));
                return;
              }
              if (newest != null && loaded.hash().equals(newest.getString("config"))) {
                swap(loaded.fleet());
              } else {
                // Newer than the newest answer named: kept until a heartbeat names it.
                prefetched = loaded.fleet();
              }
            });
  }

  /** Runs on a worker: the loaded fleet, or the problems that keep it from loading. */
  private Loaded load(ConfigSources sources) {
    Fleet loaded;
    try {
      loaded = new FleetLoader(time, varOverrides, env).load(sources);
    } catch (ConfigException e) {
      return new Loaded(sources.hash(), null, e.problems());
    }
    // Kept for a restart while no coordinator answers (see ConfigCache).
    Path cache = ConfigCache.fileIn(options.spool().dir());
    try {
      ConfigCache.write(cache, sources);
    } catch (java.io.IOException | RuntimeException e) {
      LOG.warning(
          "agent "
              + options.agentId()
              + " could not keep configuration "
              + shortHash(sources.hash())
              + " in "
              + cache
              + " (a restart while no coordinator answers would not have it): "
              + e);
    }
    return new Loaded(sources.hash(), loaded, null);
  }

  /**
   * Recomputes which checks of the configuration in force the agent can run (after it gained a
   * probe, such as the browser's) and applies the newest assignment again. Call on the agent's
   * context.
   */
  void refresh() {
    Fleet current = target.fleet();
    if (current == null) {
      return;
    }
    runnable = target.install(current);
    if (newest != null) {
      assign(newest);
    } else {
      target.run(runnable);
    }
  }

  /** Makes {@code next} the configuration this agent runs, and applies the newest assignment. */
  private void swap(Fleet next) {
    Fleet before = target.fleet();
    prefetched = null;
    runnable = target.install(next);
    applied.increment();
    for (Problem w : next.warnings()) {
      LOG.warning("configuration " + next.version().shortHash() + ": " + w.format());
    }
    LOG.info(
        "agent "
            + options.agentId()
            + " swapped in configuration "
            + next.version().shortHash()
            + (before == null ? "" : " (was " + before.version().shortHash() + ")")
            + ": "
            + runnable.size()
            + " checks of its location");
    if (newest != null) {
      assign(newest);
    } else {
      target.run(runnable);
    }
  }

  /** Applies an assignment's check ids to the configuration the agent runs. */
  private void assign(JsonObject answer) {
    long version = answer.getLong("version", -1L);
    assignmentVersion = version;
    Set<String> ids = new HashSet<>();
    answer.getJsonArray("checks").forEach(id -> ids.add(String.valueOf(id)));
    List<Check> assigned = runnable.stream().filter(c -> ids.contains(c.id())).toList();
    target.run(assigned);
    LOG.info(
        "agent "
            + options.agentId()
            + " took assignment "
            + version
            + ": "
            + assigned.size()
            + " of its location's "
            + runnable.size()
            + " checks");
  }

  private String describeCurrent() {
    String hash = currentHash();
    return hash == null ? "no configuration" : "configuration " + shortHash(hash);
  }

  private static String shortHash(String hash) {
    return hash.length() <= 12 ? hash : hash.substring(0, 12);
  }

  /**
   * A configuration fetched and loaded on a worker: the fleet, or null with the problems.
   *
   * @param hash the files' hash
   */
  private record Loaded(String hash, Fleet fleet, List<Problem> problems) {}
}
