package io.nines.agent.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code bin/nines-agent}'s flags without picocli, so that an agent's usual start loads none
 * of its classes (170 classes of a Java 5 jar, which the class-data archive cannot hold: some 2 MiB
 * of metaspace for the life of the agent). The flags, their environment variables and their
 * defaults are {@link AgentCommand}'s, which stays the one place that declares them and the one
 * that prints the help and every usage error: this reader accepts only a command line that picocli
 * would read the same way and leaves everything else to it ({@link #read} is then empty): {@code
 * --help}, {@code --version}, an unknown flag, a missing or malformed value, a flag given twice, an
 * argument that is not a flag, a missing {@code --location}.
 *
 * <p>Forms taken: {@code --flag value} and {@code --flag=value}; a value from the flag's
 * environment variable when the flag is absent, else the flag's default.
 */
final class AgentArgs {
  private AgentArgs() {}

  /** One flag: its name, the variable it falls back to, and its default (null for none). */
  record Flag(String name, String env, String defaultValue) {}

  /** The flags in {@link AgentCommand}'s order; AgentArgsTest checks them against its options. */
  static final List<Flag> FLAGS =
      List.of(
          new Flag("--config", "NINES_CONFIG", null),
          new Flag("--location", "NINES_LOCATION", null),
          new Flag("--id", "NINES_AGENT_ID", null),
          new Flag("--coordinators", "NINES_COORDINATORS", "http://127.0.0.1:8080"),
          new Flag("--token-file", "NINES_TOKEN_FILE", null),
          new Flag("--http-host", "NINES_AGENT_HOST", "127.0.0.1"),
          new Flag("--http-port", "NINES_AGENT_PORT", "9464"),
          new Flag("--spool-dir", "NINES_SPOOL_DIR", "data/spool"),
          new Flag("--spool-max-mib", "NINES_SPOOL_MAX_MIB", "512"),
          new Flag("--spool-sync-millis", "NINES_SPOOL_SYNC_MILLIS", "0"),
          new Flag("--batch-size", "NINES_BATCH_SIZE", "500"),
          new Flag("--probe-loops", "NINES_PROBE_LOOPS", "0"),
          new Flag("--coordinator-ca", "NINES_COORDINATOR_CA", null));

  /**
   * The run that {@code args} and {@code env} ask for, or empty when picocli should read them: it
   * prints the help, the version or the error, or reads what this reader is unsure of.
   */
  static Optional<AgentRun> read(String[] args, Map<String, String> env) {
    Map<String, String> given = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      int eq = arg.indexOf('=');
      String name = eq < 0 ? arg : arg.substring(0, eq);
      if (flag(name) == null || given.containsKey(name)) {
        return Optional.empty();
      }
      String value;
      if (eq >= 0) {
        value = arg.substring(eq + 1);
      } else if (i + 1 < args.length && !args[i + 1].startsWith("-")) {
        value = args[++i];
      } else {
        return Optional.empty();
      }
      if (value.isEmpty()) {
        return Optional.empty();
      }
      given.put(name, value);
    }
    Map<String, String> values = new HashMap<>();
    for (Flag f : FLAGS) {
      String v = given.get(f.name());
      if (v == null) {
        String fromEnv = env.get(f.env());
        if (fromEnv != null && fromEnv.isEmpty()) {
          return Optional.empty(); // picocli's reading of an empty variable decides
        }
        v = fromEnv != null ? fromEnv : f.defaultValue();
      }
      if (v != null) {
        values.put(f.name(), v);
      }
    }
    if (!values.containsKey("--location")) {
      return Optional.empty();
    }
    AgentRun run = new AgentRun();
    try {
      run.config = path(values.get("--config"));
      run.location = values.get("--location");
      run.id = values.get("--id");
      run.coordinators = values.get("--coordinators");
      run.tokenFile = path(values.get("--token-file"));
      run.httpHost = values.get("--http-host");
      run.httpPort = (int) number(values.get("--http-port"), Integer.MAX_VALUE);
      run.spoolDir = path(values.get("--spool-dir"));
      run.spoolMaxMib = number(values.get("--spool-max-mib"), Long.MAX_VALUE);
      run.spoolSyncMillis = number(values.get("--spool-sync-millis"), Long.MAX_VALUE);
      run.batchSize = (int) number(values.get("--batch-size"), Integer.MAX_VALUE);
      run.probeLoops = (int) number(values.get("--probe-loops"), Integer.MAX_VALUE);
      run.coordinatorCa = path(values.get("--coordinator-ca"));
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // picocli says what is wrong with the value
    }
    return Optional.of(run);
  }

  private static Flag flag(String name) {
    for (Flag f : FLAGS) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    return null;
  }

  private static Path path(String value) {
    return value == null ? null : Path.of(value);
  }

  /**
   * A plain decimal number from {@code -max} to {@code max}; anything else (a sign, leading zeros,
   * hexadecimal, out of range), which picocli may read otherwise or reject, is an {@link
   * IllegalArgumentException}.
   */
  private static long number(String value, long max) {
    if (!value.matches("0|-?[1-9][0-9]{0,18}")) {
      throw new IllegalArgumentException(value);
    }
    long n = Long.parseLong(value);
    if (n > max || n < -max) {
      throw new IllegalArgumentException(value);
    }
    return n;
  }
}
