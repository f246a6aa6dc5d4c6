package io.nines.agent.cli;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.agent.Agent;
import io.nines.agent.AgentOptions;
import io.nines.agent.ConfigCache;
import io.nines.agent.spool.SpoolOptions;
import io.nines.common.TimeSource;
import io.nines.config.ConfigException;
import io.nines.config.ConfigSources;
import io.nines.config.Fleet;
import io.nines.config.FleetLoader;
import io.nines.config.Problem;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One agent run from its settings, the flags of {@code nines agent} and {@code bin/nines-agent}
 * ({@link AgentCommand} documents each): the command line's work without the command line's
 * library, so that the agent-only distribution's usual start ({@link AgentMain} with {@link
 * AgentArgs}) loads none of picocli's classes. Fields are the flags' values, defaults applied.
 */
final class AgentRun {
  /**
   * The most probe loops {@code --probe-loops} takes: far more event loops than cores only cost.
   */
  static final int MAX_PROBE_LOOPS = 256;

  /** A wrong setting: the message names the flag, its value and what it must be. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  Path config;
  String location;
  String id;
  String coordinators;
  Path tokenFile;
  String httpHost;
  int httpPort;
  Path spoolDir;
  long spoolMaxMib;
  long spoolSyncMillis;
  int batchSize;
  int probeLoops;
  Path coordinatorCa;

  /**
   * Runs the agent with these settings until SIGTERM or Ctrl-C; returns the exit code: 0 after a
   * clean stop, 2 when the fleet in {@link #config} does not load or lacks {@link #location}.
   *
   * @throws UsageException when a setting is wrong (the caller prints it with the usage)
   * @throws Exception when the agent fails to start
   */
  int run(PrintWriter out, PrintWriter err) throws Exception {
    String token = readToken(tokenFile, System.getenv("NINES_TOKEN"));
    Fleet fleet = null;
    if (config != null) {
      fleet = loadFleet(config, err);
      if (fleet == null) {
        return 2;
      }
    } else {
      fleet = cachedFleet(out, err);
      if (fleet != null && !fleet.locations().contains(location)) {
        fleet = null;
      }
    }
    if (fleet != null && !fleet.locations().contains(location)) {
      err.println(
          "error: location '"
              + location
              + "' is not declared in "
              + config
              + "; it declares "
              + String.join(", ", fleet.locations()));
      return 2;
    }
    String agentId = id == null || id.isBlank() ? hostName() + "-" + location : id;
    List<String> urls =
        Arrays.stream(coordinators.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    if (batchSize < 1 || batchSize > 500) {
      throw new UsageException("--batch-size was " + batchSize + " but it must be from 1 to 500");
    }
    if (probeLoops < 0 || probeLoops > MAX_PROBE_LOOPS) {
      throw new UsageException(
          "--probe-loops was "
              + probeLoops
              + " but it must be from 0 (one per core) to "
              + MAX_PROBE_LOOPS);
    }
    AgentOptions defaults = AgentOptions.defaults(agentId, location, urls, token);
    int loops = probeLoops == 0 ? defaults.probeLoops() : probeLoops;
    AgentOptions options =
        new AgentOptions(
                defaults.agentId(),
                defaults.location(),
                defaults.coordinators(),
                defaults.token(),
                defaults.httpHost(),
                defaults.httpPort(),
                defaults.maxInFlight(),
                defaults.maxPerHost(),
                batchSize,
                defaults.maxBuffered(),
                defaults.flushMillis(),
                loops,
                defaults.spool(),
                coordinatorCa == null ? null : coordinatorCa.toString())
            .withHttpPort(httpHost, httpPort)
            .withSpool(spoolOptions());
    Vertx vertx = Vertx.vertx(Agent.vertxOptions(options.probeLoops()));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Agent agent = new Agent(vertx, options, fleet, TimeSource.SYSTEM, registry, System.getenv());
    int port = agent.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    out.printf(
        "agent %s (%s) runs %d checks%s; metrics at http://%s:%d/metrics%n",
        agentId,
        location,
        agent.checks().size(),
        fleet == null ? " (waiting for the coordinator's configuration)" : "",
        httpHost,
        port);
    out.flush();
    markClassDataArchive(System.getProperty(CDS_OK_PROPERTY));
    awaitShutdown(
        () -> {
          agent.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
          vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        });
    return 0;
  }

  /**
   * Loads the fleet in {@code dir}, printing its warnings, or its problems the way {@code nines
   * config validate} does and then null.
   */
  static Fleet loadFleet(Path dir, PrintWriter err) {
    if (!Files.isDirectory(dir)) {
      err.println(
          "error: "
              + dir
              + " is not a directory; give the directory that holds the fleet's YAML files");
      return null;
    }
    try {
      Fleet fleet = new FleetLoader(TimeSource.SYSTEM, Map.of()).load(dir);
      for (Problem w : fleet.warnings()) {
        err.println(w.format());
      }
      return fleet;
    } catch (ConfigException e) {
      for (Problem p : e.problems()) {
        err.println(p.format());
      }
      long errors =
          e.problems().stream().filter(p -> p.severity() == Problem.Severity.ERROR).count();
      err.println(dir + ": " + errors + (errors == 1 ? " problem" : " problems"));
      return null;
    }
  }

  /** Something to run at shutdown that may throw. */
  interface Shutdown {
    void run() throws Exception;
  }

  /**
   * Set by {@code bin/nines-agent} when this JVM writes the class-data archive at its exit: the
   * file to create once the agent has started, which tells the launcher that the archive holds a
   * running agent's classes (the JVM also writes one when a start fails, after a few classes).
   */
  static final String CDS_OK_PROPERTY = "nines.cds.ok";

  /**
   * Creates {@code path}, if any; a failure only means that the next start makes the archive again.
   */
  static void markClassDataArchive(String path) {
    if (path == null || path.isBlank()) {
      return;
    }
    try {
      java.nio.file.Files.writeString(java.nio.file.Path.of(path), "");
    } catch (java.io.IOException | RuntimeException e) {
      java.util.logging.Logger.getLogger(AgentCommand.class.getName())
          .fine("could not mark the class-data archive as a full run's (" + path + "): " + e);
    }
  }

  /** Blocks until SIGTERM or Ctrl-C, then runs {@code shutdown}. */
  static void awaitShutdown(Shutdown shutdown) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    shutdown.run();
                  } catch (Exception e) {
                    // Exiting anyway.
                  } finally {
                    stopped.countDown();
                  }
                },
                "nines-shutdown"));
    stopped.await();
  }

  /**
   * The configuration this agent last fetched from the coordinator ({@link ConfigCache} in the
   * spool directory), so that a restart while no coordinator answers goes on probing; null when
   * there is none, or when it no longer loads (then the agent waits for the coordinator's).
   */
  private Fleet cachedFleet(PrintWriter out, PrintWriter err) {
    Path file = ConfigCache.fileIn(spoolDir);
    try {
      Optional<ConfigSources> cached = ConfigCache.read(file);
      if (cached.isEmpty()) {
        return null;
      }
      Fleet fleet =
          new FleetLoader(TimeSource.SYSTEM, Map.of(), System.getenv()).load(cached.get());
      out.println(
          "agent: runs configuration "
              + fleet.version().shortHash()
              + ", the last it fetched (from "
              + file
              + "), until a coordinator answers");
      return fleet;
    } catch (IOException | ConfigException e) {
      err.println(
          "warning: the agent ignores its cached configuration and waits for the"
              + " coordinator's: "
              + e.getMessage());
      return null;
    }
  }

  /** The spool options from the flags; a bad value is a usage error naming the flag. */
  SpoolOptions spoolOptions() {
    try {
      return SpoolOptions.defaults(spoolDir)
          .withMaxBytes(spoolMaxMib * 1024 * 1024)
          .withSyncIntervalMillis(spoolSyncMillis);
    } catch (IllegalArgumentException e) {
      throw new UsageException(
          "--spool-max-mib "
              + spoolMaxMib
              + " / --spool-sync-millis "
              + spoolSyncMillis
              + ": "
              + e.getMessage()
              + " (expected: at least 1 MiB and 0 or more ms)");
    }
  }

  /**
   * The token from {@code file}, else from {@code fallback}.
   *
   * @throws UsageException when neither gives one
   */
  String readToken(Path file, String fallback) {
    if (file != null) {
      try {
        String token = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (!token.isEmpty()) {
          return token;
        }
        throw new UsageException("the token file " + file + " is empty");
      } catch (IOException e) {
        throw new UsageException("can't read the token file " + file + ": " + e.getMessage());
      }
    }
    if (fallback != null && !fallback.isBlank()) {
      return fallback.strip();
    }
    throw new UsageException(
        "the agent needs a token: give --token-file FILE, or set NINES_TOKEN_FILE or NINES_TOKEN");
  }

  static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "agent";
    }
  }
}
