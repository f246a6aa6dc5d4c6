package io.nines.agentdist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent distribution as an operator gets it: {@code target/nines-agent-<version>.tar.gz},
 * unpacked with {@code tar}, runs with {@code bin/nines-agent}; and the systemd unit in {@code
 * deploy/systemd} passes {@code systemd-analyze verify} with its {@code ExecStart} pointing at that
 * launcher.
 */
class AgentDistributionIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  @TempDir static Path dir;
  private static Path home;

  /** The result of a finished process: exit code and both outputs. */
  record Run(int exit, String out, String err) {}

  static Run run(Path workDir, List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(command + " did not finish within 60 s");
    }
    return new Run(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  /**
   * Jars of the coordinator and of what only it needs: none may be in an agent tarball. Matched
   * against the start of each jar's file name.
   */
  private static final List<String> COORDINATOR_ONLY =
      List.of(
          "nines-coordinator",
          "nines-cli",
          "nines-demo",
          "nines-availability",
          "nines-channels",
          "hazelcast",
          "h2-",
          "postgresql",
          "flyway",
          "HikariCP",
          "swagger-ui",
          "webjars",
          "jakarta.mail",
          "angus",
          "jakarta.activation",
          "json-schema-validator",
          "junit",
          "assertj");

  /** The size goals of issue 19: 12 MB without the runtime, 60 MB with it (10^6 bytes). */
  private static final long PLAIN_LIMIT_BYTES = 12_000_000;

  private static final long WITH_RUNTIME_LIMIT_BYTES = 60_000_000;

  @BeforeAll
  static void unpack() throws Exception {
    home = Distributions.unpack(Distributions.Kind.PLAIN, dir);
  }

  @Test
  void whenTheTarballIsUnpacked_thenItHasTheLauncherTheJarsAndTheExampleEnvironment()
      throws IOException {
    assertThat(Files.isExecutable(home.resolve("bin/nines-agent"))).isTrue();
    assertThat(libNames(home))
        .anyMatch(n -> n.startsWith("nines-agent"))
        .anyMatch(n -> n.startsWith("nines-config"))
        .anyMatch(n -> n.startsWith("picocli"))
        .anyMatch(n -> n.startsWith("vertx-circuit-breaker"))
        .anyMatch(n -> n.startsWith("netty-transport-native-epoll"));
    assertThat(home.resolve("runtime")).doesNotExist();
    String env = Files.readString(home.resolve("conf/nines-agent.env"));
    for (String variable :
        List.of(
            "NINES_COORDINATORS",
            "NINES_TOKEN_FILE",
            "NINES_LOCATION",
            "NINES_AGENT_ID",
            "NINES_CONFIG",
            "NINES_SPOOL_DIR",
            "NINES_AGENT_PORT")) {
      assertThat(env).as("conf/nines-agent.env documents %s", variable).contains(variable + "=");
    }
    assertThat(home.resolve("share/systemd/nines-agent.service")).exists();
  }

  @Test
  void whenEitherTarballIsListed_thenNothingOfTheCoordinatorIsInIt() throws Exception {
    for (Distributions.Kind kind : Distributions.Kind.values()) {
      Path tarball = Distributions.tarball(kind);
      Run list = run(dir, List.of("tar", "-tzf", tarball.toString()));
      assertThat(list.exit()).as("tar -tzf %s: %s", tarball, list.err()).isZero();
      List<String> jars =
          list.out().lines().filter(e -> e.matches("[^/]+/lib/[^/]+\\.jar")).toList();
      assertThat(jars).as("the jars of %s", tarball).isNotEmpty();
      List<String> names = jars.stream().map(j -> j.substring(j.lastIndexOf('/') + 1)).toList();
      List<String> forbidden =
          names.stream().filter(n -> COORDINATOR_ONLY.stream().anyMatch(n::startsWith)).toList();
      assertThat(forbidden).as("coordinator-only jars in %s", tarball).isEmpty();
      assertThat(names)
          .as("the agent's /metrics is text only: no protobuf writer in %s", tarball)
          .anyMatch(n -> n.startsWith("prometheus-metrics-exposition-textformats-"))
          .noneMatch(n -> n.startsWith("prometheus-metrics-exposition-formats-"));
    }
  }

  @Test
  void whenTheAgentJarsAreOpened_thenNoClassOfTheCoordinatorOrTheCliIsInThem() throws Exception {
    for (String name : libNames(home)) {
      try (JarFile jar = new JarFile(home.resolve("lib").resolve(name).toFile())) {
        List<String> foreign =
            jar.stream()
                .map(JarEntry::getName)
                .filter(
                    e ->
                        e.startsWith("io/nines/coordinator/")
                            || e.startsWith("io/nines/cli/")
                            || e.startsWith("com/hazelcast/")
                            || e.startsWith("org/flywaydb/"))
                .limit(3)
                .toList();
        assertThat(foreign).as("classes of the coordinator in lib/%s", name).isEmpty();
      }
    }
  }

  @Test
  void whenTheTarballsAreMeasured_thenTheyAreWithinTheirSizeGoals() throws Exception {
    long plain = Files.size(Distributions.tarball(Distributions.Kind.PLAIN));
    long withRuntime = Files.size(Distributions.tarball(Distributions.Kind.WITH_RUNTIME));
    System.out.printf(
        "AgentDistributionIT: nines-agent tarball %.1f MB, with its runtime %.1f MB%n",
        plain / 1e6, withRuntime / 1e6);
    assertThat(plain).as("the agent tarball, bytes").isLessThanOrEqualTo(PLAIN_LIMIT_BYTES);
    assertThat(withRuntime)
        .as("the agent tarball with its runtime, bytes")
        .isLessThanOrEqualTo(WITH_RUNTIME_LIMIT_BYTES);
  }

  @Test
  void whenTheRuntimeTarballIsUnpacked_thenItHasTheSameAgentAndAnExecutableJava() throws Exception {
    Path other = Files.createDirectories(dir.resolve("with-runtime"));
    Path withRuntime = Distributions.unpack(Distributions.Kind.WITH_RUNTIME, other);
    assertThat(libNames(withRuntime)).isEqualTo(libNames(home));
    assertThat(Files.isExecutable(withRuntime.resolve("runtime/bin/java"))).isTrue();
    Run modules =
        run(
            withRuntime,
            List.of(withRuntime.resolve("runtime/bin/java").toString(), "--list-modules"));
    assertThat(modules.exit()).as(modules.err()).isZero();
    assertThat(modules.out())
        .contains("java.base", "jdk.crypto.ec", "jdk.unsupported", "jdk.management")
        .doesNotContain("java.desktop", "java.sql", "jdk.compiler");
  }

  private static List<String> libNames(Path home) throws IOException {
    try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
      return jars.map(j -> j.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void whenTheLauncherIsAskedForHelp_thenItExitsZeroAndListsTheSpoolOptions() throws Exception {
    Run help = run(home, List.of(home.resolve("bin/nines-agent").toString(), "--help"));
    assertThat(help.exit()).as("bin/nines-agent --help: %s", help.err()).isZero();
    assertThat(help.out())
        .contains("--coordinators")
        .contains("--spool-dir")
        .contains("NINES_SPOOL_DIR")
        .contains("--spool-max-mib");
  }

  @Test
  void whenSystemdAnalyzesTheUnit_thenItReportsNoProblem() throws Exception {
    Run ensure =
        run(
            ROOT,
            List.of(ROOT.resolve("scripts/ensure-tool").toString(), "systemd-analyze", "systemd"));
    if (ensure.exit() != 0) {
      String reason =
          "systemd-analyze is not installed and scripts/ensure-tool could not install it: "
              + ensure.err().strip();
      if ("true".equals(System.getenv("CI"))) {
        fail(reason);
      }
      System.err.println("SKIPPED: " + reason);
      Assumptions.abort(reason);
    }
    // verify checks that ExecStart names an executable; point it at the unpacked launcher.
    String unit =
        Files.readString(ROOT.resolve("deploy/systemd/nines-agent.service"))
            .replace(
                "ExecStart=/opt/nines-agent/bin/nines-agent",
                "ExecStart=" + home.resolve("bin/nines-agent"));
    assertThat(unit).contains("ExecStart=" + home.resolve("bin/nines-agent"));
    Path copy = Files.createDirectories(dir.resolve("units")).resolve("nines-agent.service");
    Files.writeString(copy, unit);
    Run verify = run(dir, List.of("systemd-analyze", "verify", copy.toString()));
    // Unknown keys and bad values are only warnings (exit 0): any message is a failure here.
    assertThat(verify.exit()).as("systemd-analyze verify: %s", verify.err()).isZero();
    assertThat(verify.err().strip() + verify.out().strip())
        .as("systemd-analyze verify says nothing about a good unit")
        .isEmpty();
    for (String hardening :
        List.of(
            "DynamicUser=yes",
            "NoNewPrivileges=yes",
            "ProtectSystem=strict",
            "ProtectHome=yes",
            "PrivateTmp=yes",
            "StateDirectory=nines-agent",
            "Restart=on-failure",
            "CapabilityBoundingSet=\n",
            "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
            "EnvironmentFile=/etc/nines-agent/nines-agent.env")) {
      assertThat(unit).contains(hardening);
    }
  }
}
