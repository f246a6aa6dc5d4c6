package io.nines.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

  @BeforeAll
  static void unpack() throws Exception {
    Path tarball = AgentTarball.find();
    Run untar = run(dir, List.of("tar", "-xzf", tarball.toAbsolutePath().toString()));
    assertThat(untar.exit()).as("tar -xzf: %s", untar.err()).isZero();
    home = AgentTarball.home(dir, tarball);
  }

  @Test
  void whenTheTarballIsUnpacked_thenItHasTheLauncherTheJarsAndTheExampleEnvironment()
      throws IOException {
    assertThat(Files.isExecutable(home.resolve("bin/nines-agent"))).isTrue();
    try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
      List<String> names = jars.map(j -> j.getFileName().toString()).toList();
      assertThat(names)
          .anyMatch(n -> n.startsWith("nines-cli"))
          .anyMatch(n -> n.startsWith("nines-agent"))
          .anyMatch(n -> n.startsWith("vertx-circuit-breaker"))
          .noneMatch(n -> n.startsWith("junit") || n.startsWith("assertj"));
    }
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
