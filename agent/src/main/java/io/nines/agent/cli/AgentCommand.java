package io.nines.agent.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One agent, until it is stopped: {@code nines agent} in the all-in-one CLI, and the flags, help
 * and errors of the agent-only distribution's {@code bin/nines-agent} ({@link AgentMain}), whose
 * class path holds the agent and nothing of the coordinator. The flags are declared here; the run
 * is {@link AgentRun}'s. {@link AgentArgs} reads the same flags without picocli for the usual start
 * of {@code bin/nines-agent}, in step with this class (AgentArgsTest compares them).
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
    AgentRun run = new AgentRun();
    run.config = config;
    run.location = location;
    run.id = id;
    run.coordinators = coordinators;
    run.tokenFile = tokenFile;
    run.httpHost = httpHost;
    run.httpPort = httpPort;
    run.spoolDir = spoolDir;
    run.spoolMaxMib = spoolMaxMib;
    run.spoolSyncMillis = spoolSyncMillis;
    run.batchSize = batchSize;
    run.probeLoops = probeLoops;
    run.coordinatorCa = coordinatorCa;
    try {
      return run.run(spec.commandLine().getOut(), spec.commandLine().getErr());
    } catch (AgentRun.UsageException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
