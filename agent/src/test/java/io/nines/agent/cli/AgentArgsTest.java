package io.nines.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@link AgentArgs} reads what picocli reads from {@link AgentCommand}'s options, and leaves every
 * command line it is not sure of, and every error, to picocli ({@link AgentMain}).
 */
class AgentArgsTest {
  private static final Pattern ENV_DEFAULT = Pattern.compile("\\$\\{env:([A-Z_]+)(?::-(.*))?}");

  @BeforeEach
  void noAgentVariables() {
    // picocli reads the real environment; the comparisons assume none of the agent's variables.
    Assumptions.assumeTrue(
        System.getenv().keySet().stream().noneMatch(k -> k.startsWith("NINES_")),
        "NINES_* variables are set in this environment");
  }

  @Test
  void whenComparedWithAgentCommand_thenEveryOptionHasItsFlagVariableAndDefault() {
    List<AgentArgs.Flag> declared = new ArrayList<>();
    for (Field f : AgentCommand.class.getDeclaredFields()) {
      Option o = f.getAnnotation(Option.class);
      if (o == null) {
        continue;
      }
      Matcher m = ENV_DEFAULT.matcher(o.defaultValue());
      assertThat(m.matches()).as("%s's default %s", f.getName(), o.defaultValue()).isTrue();
      assertThat(o.names()).hasSize(1);
      declared.add(new AgentArgs.Flag(o.names()[0], m.group(1), m.group(2)));
    }
    assertThat(AgentArgs.FLAGS).containsExactlyInAnyOrderElementsOf(declared);
  }

  /** The fields picocli sets from {@code args}, and the ones AgentArgs sets, side by side. */
  private static void assertReadAsPicocliReads(String... args) throws Exception {
    AgentCommand command = new AgentCommand();
    new CommandLine(command).parseArgs(args);
    Optional<AgentRun> read = AgentArgs.read(args, Map.of());
    assertThat(read).as("read %s", List.of(args)).isPresent();
    AgentRun run = read.get();
    for (Field f : AgentRun.class.getDeclaredFields()) {
      if (java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
        continue;
      }
      Field c = AgentCommand.class.getDeclaredField(f.getName());
      assertThat(f.get(run)).as("%s of %s", f.getName(), List.of(args)).isEqualTo(c.get(command));
    }
  }

  @Test
  void whenTheFlagsAreWellFormed_thenTheyAreReadAsPicocliReadsThem() throws Exception {
    assertReadAsPicocliReads("--location", "eu-west");
    assertReadAsPicocliReads(
        "--location=eu-west",
        "--id",
        "a-1",
        "--config",
        "/etc/nines/fleet",
        "--coordinators=https://c1:8443,https://c2:8443",
        "--token-file",
        "/run/secrets/token",
        "--http-host",
        "0.0.0.0",
        "--http-port=0",
        "--spool-dir",
        "/var/lib/nines/spool",
        "--spool-max-mib",
        "64",
        "--spool-sync-millis=250",
        "--batch-size",
        "100",
        "--probe-loops",
        "2",
        "--coordinator-ca",
        "/etc/nines/ca.pem");
    // A value out of range is read as picocli reads it; the run says what is wrong with it.
    assertReadAsPicocliReads("--location", "x", "--batch-size=-1");
  }

  @Test
  void whenAFlagIsAbsent_thenItsVariableElseItsDefaultGivesTheValue() {
    AgentRun run =
        AgentArgs.read(
                new String[] {"--http-port", "9000"},
                Map.of(
                    "NINES_LOCATION", "eu-west",
                    "NINES_AGENT_PORT", "1234",
                    "NINES_SPOOL_DIR", "/var/spool/nines",
                    "NINES_PROBE_LOOPS", "3"))
            .orElseThrow();
    assertThat(run.location).isEqualTo("eu-west");
    assertThat(run.httpPort).as("the flag wins over its variable").isEqualTo(9000);
    assertThat(run.spoolDir).isEqualTo(Path.of("/var/spool/nines"));
    assertThat(run.probeLoops).isEqualTo(3);
    assertThat(run.coordinators).isEqualTo("http://127.0.0.1:8080");
    assertThat(run.spoolMaxMib).isEqualTo(512);
    assertThat(run.config).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "--help",
        "-h",
        "--version",
        "-V",
        "--location x --bogus",
        "--location x --bogus=1",
        "--location x extra",
        "--location",
        "--location x --http-port",
        "--location x --http-port --id a",
        "--location x --http-port abc",
        "--location x --http-port 0x10",
        "--location x --http-port 010",
        "--location x --http-port 99999999999",
        "--location x --location y",
        "--location= ",
        "--id a",
        "",
      })
  void whenACommandLineIsNotPlainlyRight_thenPicocliReadsIt(String line) {
    String[] args = line.isBlank() ? new String[0] : line.split(" ");
    assertThat(AgentArgs.read(args, Map.of())).as("read %s", line).isEmpty();
  }

  @Test
  void whenAVariableIsEmpty_thenPicocliReadsIt() {
    assertThat(AgentArgs.read(new String[] {"--location", "x"}, Map.of("NINES_AGENT_PORT", "")))
        .isEmpty();
  }

  /** What {@link AgentMain#run} printed and returned. */
  record Printed(int exit, String out, String err) {}

  private static Printed main(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int exit = AgentMain.run(args, Map.of());
      return new Printed(
          exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void whenAFlagIsUnknown_thenTheAgentNamesItShowsTheUsageAndExits2() {
    Printed p = main("--location", "x", "--bogus");
    assertThat(p.exit()).isEqualTo(2);
    assertThat(p.err()).startsWith("Unknown option: '--bogus'").contains("Usage: nines-agent");
  }

  @Test
  void whenAFlagLacksItsValue_thenTheAgentNamesItAndWhatItTakes() {
    Printed p = main("--location", "x", "--http-port");
    assertThat(p.exit()).isEqualTo(2);
    assertThat(p.err())
        .startsWith("Missing required parameter for option '--http-port' (<httpPort>)")
        .contains("--http-port=<httpPort>");
  }

  @Test
  void whenAValueIsNotANumber_thenTheAgentSaysWhichFlagAndWhatItTakes() {
    Printed p = main("--location", "x", "--batch-size", "many");
    assertThat(p.exit()).isEqualTo(2);
    assertThat(p.err()).startsWith("Invalid value for option '--batch-size': 'many' is not an int");
  }

  @Test
  void whenAValueIsOutOfRange_thenTheAgentSaysWhatItMustBeWithTheUsage(@TempDir Path dir)
      throws IOException {
    Path token = Files.writeString(dir.resolve("token"), "secret-token\n");
    // Read without picocli; the run finds the error, and picocli prints it as its own.
    Printed p = main("--location", "x", "--token-file", token.toString(), "--batch-size", "0");
    assertThat(p.exit()).isEqualTo(2);
    assertThat(p.err())
        .startsWith("--batch-size was 0 but it must be from 1 to 500")
        .contains("Usage: nines-agent");
  }

  @Test
  void whenAskedForHelpOrVersion_thenTheAgentPrintsThemAndExits0() {
    Printed help = main("--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out())
        .startsWith("Usage: nines-agent [-hV]")
        .contains("--spool-dir=DIR", "NINES_SPOOL_DIR", "Print version information and exit.");
    Printed version = main("-V");
    assertThat(version.exit()).isZero();
    assertThat(version.out()).startsWith("nines-agent ");
  }
}
