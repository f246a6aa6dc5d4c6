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
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One agent, until it is stopped: {@code nines agent} in the all-in-one CLI, and the whole of the
 * agent-only distribution's {@code bin/nines-agent} ({@link AgentMain}), whose class path holds the
 * agent and nothing of the coordinator.
 */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = {
      "Runs an agent: probes the checks that list its location and ships results to the"
          + " coordinator.",
      "Every option can also be given by the environment variable named in its description."
    })
public final class AgentCommand implements Callable<Integer> {
  /**
   * The most probe loops {@code --probe-loops} takes: far more event loops than cores only cost.
   */
  static final int MAX_PROBE_LOOPS = 256;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "DIR",
      defaultValue = "${env:NINES_CONFIG}",
      description =
          "a fleet configuration directory to start with (NINES_CONFIG); optional: the agent"
              + " takes the coordinator's configuration with its first heartbeat and whenever it"
              + " changes, and without this waits for it")
  Path config;

  @Option(
      names = "--location",
      defaultValue = "${env:NINES_LOCATION}",
      required = true,
      description = "where this agent probes from, e.g. eu-west (NINES_LOCATION)")
  String location;

  @Option(
      names = "--id",
      defaultValue = "${env:NINES_AGENT_ID}",
      description = "a unique agent id (NINES_AGENT_ID; default: HOST-LOCATION)")
  String id;

  @Option(
      names = "--coordinators",
      paramLabel = "URL[,URL...]",
      defaultValue = "${env:NINES_COORDINATORS:-http://127.0.0.1:8080}",
      description =
          "coordinator URLs, tried in order (NINES_COORDINATORS; default: ${DEFAULT-VALUE})")
  String coordinators;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      defaultValue = "${env:NINES_TOKEN_FILE}",
      description = "a file holding the agent's bearer token (NINES_TOKEN_FILE)")
  Path tokenFile;

  @Option(
      names = "--http-host",
      defaultValue = "${env:NINES_AGENT_HOST:-127.0.0.1}",
      description =
          "interface of /metrics and /health (NINES_AGENT_HOST; default: ${DEFAULT-VALUE})")
  String httpHost;

  @Option(
      names = "--http-port",
      defaultValue = "${env:NINES_AGENT_PORT:-9464}",
      description =
          "port of /metrics and /health; 0 picks one (NINES_AGENT_PORT; default: ${DEFAULT-VALUE})")
  int httpPort;

  @Option(
      names = "--spool-dir",
      paramLabel = "DIR",
      defaultValue = "${env:NINES_SPOOL_DIR:-data/spool}",
      description =
          "where results are spooled on disk until the coordinator acknowledges them; one agent"
              + " per directory (NINES_SPOOL_DIR; default: ${DEFAULT-VALUE})")
  Path spoolDir;

  @Option(
      names = "--spool-max-mib",
      paramLabel = "MIB",
      defaultValue = "${env:NINES_SPOOL_MAX_MIB:-512}",
      description =
          "the most disk the spool takes; when full, the oldest results are dropped and counted"
              + " (NINES_SPOOL_MAX_MIB; default: ${DEFAULT-VALUE})")
  long spoolMaxMib;

  @Option(
      names = "--spool-sync-millis",
      paramLabel = "MILLIS",
      defaultValue = "${env:NINES_SPOOL_SYNC_MILLIS:-0}",
      description =
          "fsync policy: 0 forces every written group of results to disk; N > 0 forces at most"
              + " every N ms, and a power loss may lose the last N ms (NINES_SPOOL_SYNC_MILLIS;"
              + " default: ${DEFAULT-VALUE})")
  long spoolSyncMillis;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      defaultValue = "${env:NINES_BATCH_SIZE:-500}",
      description =
          "the most results in one post to the coordinator, 1 to 500 (NINES_BATCH_SIZE; default:"
              + " ${DEFAULT-VALUE})")
  int batchSize;

  @Option(
      names = "--probe-loops",
      paramLabel = "N",
      defaultValue = "${env:NINES_PROBE_LOOPS:-0}",
      description =
          "how many event loops probe, the checks split among them; the agent runs one more for"
              + " shipping and its endpoints; 0 means one per core (NINES_PROBE_LOOPS; default:"
              + " ${DEFAULT-VALUE})")
  int probeLoops;

  @Option(
      names = "--coordinator-ca",
      paramLabel = "FILE",
      defaultValue = "${env:NINES_COORDINATOR_CA}",
      description =
          "a PEM file of the CAs that sign the coordinators' HTTPS certificates, trusted instead of"
              + " the JDK's (NINES_COORDINATOR_CA)")
  Path coordinatorCa;

  @Override
  public Integer call() throws Exception {
    String token = readToken(tokenFile, System.getenv("NINES_TOKEN"));
    Fleet fleet = null;
    if (config != null) {
      fleet = loadFleet(config, spec.commandLine().getErr());
      if (fleet == null) {
        return 2;
      }
    } else {
      fleet = cachedFleet();
      if (fleet != null && !fleet.locations().contains(location)) {
        fleet = null;
      }
    }
    if (fleet != null && !fleet.locations().contains(location)) {
      spec.commandLine()
          .getErr()
          .println(
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
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--batch-size was " + batchSize + " but it must be from 1 to 500");
    }
    if (probeLoops < 0 || probeLoops > MAX_PROBE_LOOPS) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
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
    spec.commandLine()
        .getOut()
        .printf(
            "agent %s (%s) runs %d checks%s; metrics at http://%s:%d/metrics%n",
            agentId,
            location,
            agent.checks().size(),
            fleet == null ? " (waiting for the coordinator's configuration)" : "",
            httpHost,
            port);
    spec.commandLine().getOut().flush();
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

  /** Blocks until SIGTERM or Ctrl-C, then runs {@code shutdown}. */
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
  private Fleet cachedFleet() {
    Path file = ConfigCache.fileIn(spoolDir);
    try {
      Optional<ConfigSources> cached = ConfigCache.read(file);
      if (cached.isEmpty()) {
        return null;
      }
      Fleet fleet =
          new FleetLoader(TimeSource.SYSTEM, Map.of(), System.getenv()).load(cached.get());
      spec.commandLine()
          .getOut()
          .println(
              "agent: runs configuration "
                  + fleet.version().shortHash()
                  + ", the last it fetched (from "
                  + file
                  + "), until a coordinator answers");
      return fleet;
    } catch (IOException | ConfigException e) {
      spec.commandLine()
          .getErr()
          .println(
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
      throw new CommandLine.ParameterException(
          spec.commandLine(),
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
   * @throws CommandLine.ParameterException when neither gives one
   */
  String readToken(Path file, String fallback) {
    if (file != null) {
      try {
        String token = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (!token.isEmpty()) {
          return token;
        }
        throw new CommandLine.ParameterException(
            spec.commandLine(), "the token file " + file + " is empty");
      } catch (IOException e) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "can't read the token file " + file + ": " + e.getMessage());
      }
    }
    if (fallback != null && !fallback.isBlank()) {
      return fallback.strip();
    }
    throw new CommandLine.ParameterException(
        spec.commandLine(),
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
