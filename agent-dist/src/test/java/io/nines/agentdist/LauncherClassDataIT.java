package io.nines.agentdist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's class-data archive of the agent's own classes ({@code bin/nines-agent}, AppCDS):
 * the first agent started from an unpacked distribution writes it when it stops, the next start
 * loads the agent's classes from it, and an archive the JVM cannot use (here: a damaged file) is
 * ignored, silently, and the agent starts without it. Each start runs the plain tarball's launcher
 * with the test's JVM ({@code JAVA_HOME}) and a local fleet of one HTTP check against a closed port
 * (so the probe code runs too); no coordinator answers (the results wait in the spool), which does
 * not matter here.
 */
class LauncherClassDataIT {
  private static final Duration START = Duration.ofSeconds(60);
  private static final long STOP_SECONDS = 60;

  /** The launcher's threshold: a smaller archive is one of a run that stopped at once. */
  private static final long MIN_ARCHIVE_BYTES = 4L * 1024 * 1024;

  @TempDir Path dir;
  private Process agent;

  @AfterEach
  void stop() throws Exception {
    if (agent != null && agent.isAlive()) {
      agent.destroyForcibly().waitFor(STOP_SECONDS, TimeUnit.SECONDS);
    }
  }

  @Test
  void whenTheFirstAgentStops_thenTheNextStartLoadsTheAgentsClassesFromItsArchive()
      throws Exception {
    Path home =
        Distributions.unpack(Distributions.Kind.PLAIN, Files.createDirectories(dir.resolve("d")));
    Path fleet = fleet();

    Path firstLog = startAndStop(home, fleet, "first", null);
    List<Path> archives = archives(home);
    assertThat(archives).as("archives in %s/cds after the first stop", home).hasSize(1);
    assertThat(Files.size(archives.get(0)))
        .as("the archive's size (a full run's classes)")
        .isGreaterThan(MIN_ARCHIVE_BYTES);
    assertThat(Files.readString(firstLog)).doesNotContain("[cds");

    Path classes = dir.resolve("second-classes.log");
    Path secondLog = startAndStop(home, fleet, "second", classes);
    assertThat(Files.readString(secondLog)).doesNotContain("[cds");
    assertThat(loadedFrom(classes, "io.nines.agent.cli.AgentMain"))
        .as("where the agent's main class came from")
        .contains("shared objects file (top)");
    assertThat(archives(home)).as("the same archive, kept").isEqualTo(archives);
  }

  @Test
  void whenTheArchiveIsDamaged_thenTheAgentStartsWithoutIt() throws Exception {
    Path home =
        Distributions.unpack(Distributions.Kind.PLAIN, Files.createDirectories(dir.resolve("d")));
    Path fleet = fleet();
    startAndStop(home, fleet, "first", null);
    List<Path> archives = archives(home);
    assertThat(archives).as("archives in %s/cds after the first stop", home).hasSize(1);
    // Bytes of the right size for the launcher, wrong for the JVM: as a disk error or a copy cut
    // short would leave it.
    byte[] garbage = new byte[(int) (MIN_ARCHIVE_BYTES + 4096)];
    Arrays.fill(garbage, (byte) 0x5a);
    Files.write(archives.get(0), garbage);

    Path classes = dir.resolve("damaged-classes.log");
    Path log = startAndStop(home, fleet, "damaged", classes);
    assertThat(Files.readString(log))
        .as("the agent's output")
        .doesNotContain("[cds", "shared archive");
    assertThat(loadedFrom(classes, "io.nines.agent.cli.AgentMain"))
        .as("where the agent's main class came from")
        .doesNotContain("shared objects file");
  }

  @Test
  void whenTheStartThatMakesTheArchiveFails_thenTheNextStartMakesItAgainRatherThanUsingIt()
      throws Exception {
    Path home =
        Distributions.unpack(Distributions.Kind.PLAIN, Files.createDirectories(dir.resolve("d")));
    Path fleet = fleet();
    // Another agent holds the spool: the start fails late, after thousands of classes, and the
    // JVM still writes an archive at its exit.
    Path spool = Files.createDirectories(dir.resolve("spool-failed"));
    Path failedLog = dir.resolve("failed.log");
    try (FileChannel held =
            FileChannel.open(
                spool.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = held.lock()) {
      Process failed = launcher(home, fleet, "failed", spool, null, failedLog).start();
      assertThat(failed.waitFor(START.toSeconds(), TimeUnit.SECONDS))
          .as("the failed start exits")
          .isTrue();
      assertThat(failed.exitValue()).as("its exit status").isNotZero();
    }
    assertThat(Files.readString(failedLog)).contains("is in use by another agent");
    List<Path> poor = archives(home);
    assertThat(poor).as("the failed start's archive").hasSize(1);
    assertThat(Files.size(poor.get(0)))
        .as("its size: more than the launcher's 4 MiB rule alone would catch")
        .isGreaterThan(MIN_ARCHIVE_BYTES);
    assertThat(marks(home)).as("marks of a started agent").isEmpty();

    // The next start does not map it: it loads the agent's classes itself and makes the archive
    // again, now marked.
    Path classes = dir.resolve("after-failed-classes.log");
    startAndStop(home, fleet, "after-failed", classes);
    assertThat(loadedFrom(classes, "io.nines.agent.cli.AgentMain"))
        .as("where the agent's main class came from, after a failed start")
        .doesNotContain("shared objects file");
    assertThat(archives(home)).hasSize(1);
    assertThat(marks(home)).as("the mark of a started agent").hasSize(1);

    Path again = dir.resolve("again-classes.log");
    startAndStop(home, fleet, "again", again);
    assertThat(loadedFrom(again, "io.nines.agent.cli.AgentMain"))
        .contains("shared objects file (top)");
  }

  /** A fleet of one HTTP check, every second, against a closed port. */
  private Path fleet() throws IOException {
    Path fleet = Files.createDirectories(dir.resolve("fleet"));
    Files.writeString(
        fleet.resolve("fleet.yaml"),
        """
        locations: [eu]
        teams: { web: { email: [web@example.com] } }
        services: { web: { tier: important, owners: [web] } }
        checks:
          - { id: web, service: web, every: 1s, timeout: 900ms, \
        http: { get: "http://127.0.0.1:1/", expect: ["status == 200"] } }
        """);
    return fleet;
  }

  /**
   * Starts the launcher (its defaults, the class-data archive on), waits until the agent serves
   * /metrics, stops it with SIGTERM and waits for its exit, which writes the archive the first
   * time. With {@code classLog}, the JVM logs where each class came from into it.
   */
  private Path startAndStop(Path home, Path fleet, String name, Path classLog) throws Exception {
    Path log = dir.resolve(name + ".log");
    agent = launcher(home, fleet, name, dir.resolve("spool-" + name), classLog, log).start();
    try {
      await(name + ": the agent serves /metrics")
          .atMost(START)
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                assertThat(agent.isAlive()).as("agent alive").isTrue();
                return Files.readString(log).contains("metrics at http://");
              });
    } catch (ConditionTimeoutException | AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n--- agent log\n" + Files.readString(log), e);
    }
    agent.destroy();
    assertThat(agent.waitFor(STOP_SECONDS, TimeUnit.SECONDS))
        .as("%s: the agent stops within %d s of SIGTERM", name, STOP_SECONDS)
        .isTrue();
    return log;
  }

  /**
   * The launcher of {@code home} with its defaults (the archive on), its output into {@code log}.
   */
  private ProcessBuilder launcher(
      Path home, Path fleet, String name, Path spool, Path classLog, Path log) {
    ProcessBuilder pb =
        new ProcessBuilder(
                "sh",
                home.resolve("bin/nines-agent").toString(),
                "--location",
                "eu",
                "--id",
                "eu-" + name,
                "--config",
                fleet.toString(),
                "--coordinators",
                "http://127.0.0.1:1",
                "--http-port",
                "0",
                "--spool-dir",
                spool.toString())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    for (String v :
        List.of(
            "JAVA_OPTS",
            "NINES_AGENT_JAVA_OPTS",
            "JAVA_TOOL_OPTIONS",
            "JDK_JAVA_OPTIONS",
            "NINES_CDS",
            "NINES_CDS_DIR",
            "STATE_DIRECTORY")) {
      env.remove(v);
    }
    env.put("NINES_JAVA_OPTS", classLog == null ? "" : "-Xlog:class+load=info:file=" + classLog);
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("NINES_TOKEN", "class-data-token-0123456789");
    return pb;
  }

  private static List<Path> archives(Path home) throws IOException {
    return cdsFiles(home, ".jsa");
  }

  /** The marks of archives made by an agent that started ({@code agent-*.jsa.ok}). */
  private static List<Path> marks(Path home) throws IOException {
    return cdsFiles(home, ".jsa.ok");
  }

  /** The files of {@code home}'s cds/ whose names end with {@code suffix}, sorted. */
  private static List<Path> cdsFiles(Path home, String suffix) throws IOException {
    Path cds = home.resolve("cds");
    if (!Files.isDirectory(cds)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(cds)) {
      return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
    }
  }

  /** The class-load log's line of {@code className} ("... source: ..."). */
  private static String loadedFrom(Path classLog, String className) throws IOException {
    return Files.readAllLines(classLog).stream()
        .filter(l -> l.contains(" " + className + " source: "))
        .findFirst()
        .orElseThrow(() -> new AssertionError(className + " not in " + classLog));
  }
}
