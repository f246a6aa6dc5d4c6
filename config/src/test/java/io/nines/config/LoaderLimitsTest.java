package io.nines.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.nines.common.testing.ManualTimeSource;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loader's bounds: hostile files are refused quickly, with the file, line and key path, and
 * never exhaust the stack, the heap or the loader's time.
 */
class LoaderLimitsTest {
  /** Generous for a shared CI machine; the unbounded loader took 5 s to 120 s on these files. */
  private static final Duration QUICK = Duration.ofSeconds(3);

  @TempDir Path dir;

  @Test
  void whenAFlowListIsNestedHundredThousandDeep_thenItIsRefusedAtItsLineNotWithAStackOverflow()
      throws IOException {
    write("fleet.yaml", "locations: [a]\nchecks: " + "[".repeat(100_000) + "]".repeat(100_000));

    Problem p = onlyProblem();

    assertThat(p.line()).isEqualTo(2);
    assertThat(p.path()).isEqualTo("checks" + "[0]".repeat(63));
    assertThat(p.message())
        .isEqualTo(
            "was a list nested 65 deep but lists and mappings must be nested at most 64 deep");
  }

  @Test
  void whenBlockMappingsAreNestedTooDeep_thenTheLineWhereTheLimitIsPassedIsNamed()
      throws IOException {
    StringBuilder yaml = new StringBuilder("vars:\n");
    for (int i = 1; i <= 80; i++) {
      yaml.append("  ".repeat(i)).append("k").append(i).append(":\n");
    }
    write("fleet.yaml", yaml.toString());

    Problem p = onlyProblem();

    assertThat(p.line()).isEqualTo(65);
    assertThat(p.path()).startsWith("vars.k1.k2.").endsWith(".k63");
    assertThat(p.message()).startsWith("was a mapping nested 65 deep");
  }

  @Test
  void whenAnAliasNestsPastTheLimit_thenTheAliasIsRefusedAtItsLine() throws IOException {
    String deep = "[".repeat(40) + "x" + "]".repeat(40);
    write(
        "fleet.yaml",
        "vars:\n  a: &a " + deep + "\n  b: " + "[".repeat(30) + "*a" + "]".repeat(30));

    Problem p = onlyProblem();

    assertThat(p.line()).isEqualTo(3);
    assertThat(p.path()).isEqualTo("vars.b" + "[0]".repeat(30));
    assertThat(p.message())
        .isEqualTo(
            "was *a, which nests lists and mappings 72 deep here, but they must be nested at"
                + " most 64 deep");
  }

  @Test
  void whenAFileHoldsA50MegabyteValue_thenItIsRefusedQuicklyAtTheLineThatPassesTheLimit()
      throws IOException {
    try (OutputStream out = Files.newOutputStream(dir.resolve("fleet.yaml"))) {
      out.write("locations: [a]\nvars:\n  big: \"".getBytes(StandardCharsets.UTF_8));
      byte[] chunk = "a".repeat(1 << 20).getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < 50; i++) {
        out.write(chunk);
      }
      out.write("\"\n".getBytes(StandardCharsets.UTF_8));
    }

    long start = System.nanoTime();
    Problem p = onlyProblem();
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).isLessThan(QUICK);
    assertThat(p.format())
        .isEqualTo(
            "fleet.yaml:3 passes 1048576 bytes on this line but a file must be at most 1048576"
                + " bytes (1 MiB); split the configuration into several files");
    assertThat(
            catchThrowableOfType(ConfigException.class, () -> ConfigSources.read(dir)).problems())
        .containsExactly(p);
  }

  @Test
  void whenAValueIsLongerThanTheLimit_thenItIsRefusedQuicklyWithItsKeyPath() throws IOException {
    // One token just under the file limit: scanning it was quadratic (5 s) before.
    write("fleet.yaml", "locations: [a]\nvars:\n  big: \"" + "a".repeat(1_040_000) + "\"\n");

    long start = System.nanoTime();
    Problem p = onlyProblem();
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(took).isLessThan(QUICK);
    assertThat(p.format())
        .isEqualTo(
            "fleet.yaml:3 vars.big was a value of 1040000 characters but it must be at most 65536"
                + " characters");
  }

  @Test
  void whenAliasesExpandToABillionLaughs_thenTheAliasThatPassesTheLimitIsNamed()
      throws IOException {
    StringBuilder yaml = new StringBuilder("vars:\n  l0: &l0 [lol, lol, lol]\n");
    for (int i = 1; i <= 15; i++) {
      String prev = "*l" + (i - 1);
      yaml.append("  l%d: &l%d [%s, %s, %s]\n".formatted(i, i, prev, prev, prev));
    }
    write("fleet.yaml", yaml.toString());

    long start = System.nanoTime();
    Problem p = onlyProblem();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(QUICK);
    assertThat(p.line()).isEqualTo(11);
    assertThat(p.path()).isEqualTo("vars.l9[1]");
    assertThat(p.message())
        .startsWith("was *l8, which brings the nodes that aliases add to this file to ")
        .endsWith(", but aliases may add at most 100000 (nested aliases multiply)");
  }

  @Test
  void whenAFileHoldsTooManyAliasesToCollections_thenTheFirstOneTooManyIsNamed()
      throws IOException {
    StringBuilder yaml = new StringBuilder("vars:\n  shared: &s {a: b}\n  uses:\n");
    for (int i = 0; i < 51; i++) {
      yaml.append("    - *s\n");
    }
    write("fleet.yaml", yaml.toString());

    Problem p = onlyProblem();

    assertThat(p.format())
        .isEqualTo(
            "fleet.yaml:54 vars.uses[50] was *s, alias number 51 to a list or mapping in this"
                + " file, but a file may hold at most 50; write the values out or split the file");
  }

  @Test
  void whenAliasesInsideTheirOwnAnchorsAreTooMany_thenTheLineIsNamedToo() throws IOException {
    StringBuilder yaml = new StringBuilder("vars:\n  loop: &l\n");
    for (int i = 0; i < 51; i++) {
      yaml.append("    - *l\n");
    }
    write("fleet.yaml", yaml.toString());

    Problem p = onlyProblem();

    assertThat(p.line()).isEqualTo(53);
    assertThat(p.path()).isEqualTo("vars.loop[50]");
    assertThat(p.message()).startsWith("was *l, alias number 51 to a list or mapping");
  }

  @Test
  void whenAFileHoldsALatin1Byte_thenItsLineIsNamed() throws IOException {
    Files.write(
        dir.resolve("fleet.yaml"),
        bytes("locations: [a]\nteams:\n  web:\n    name: Caf", (byte) 0xE9, "\n"));

    assertThat(onlyProblem().format())
        .isEqualTo(
            "fleet.yaml:4 is not valid UTF-8 text: byte 14 of this line, 0xE9, is not UTF-8 (a"
                + " Latin-1 or Windows-1252 accent is a common cause); save the file as UTF-8");
  }

  @Test
  void whenAFileHoldsANulByte_thenItsLineAndColumnAreNamed() throws IOException {
    Files.write(dir.resolve("fleet.yaml"), bytes("locations: [a]\nvars:\n  x: a", (byte) 0, "b\n"));

    assertThat(onlyProblem().format())
        .isEqualTo(
            "fleet.yaml:3 holds the control character U+0000 at column 7, but YAML text must be"
                + " printable; write it as an escape such as \\u0000 in a double-quoted string");
  }

  @Test
  void whenAFileIsBinaryGarbage_thenTheProblemHasALine() throws IOException {
    byte[] garbage = new byte[4096];
    new java.util.Random(42).nextBytes(garbage);
    Files.write(dir.resolve("fleet.yaml"), garbage);

    assertThat(onlyProblem().line()).isPositive();
  }

  @Test
  void whenSourcesComeFromACoordinator_thenTheSameLimitsApply() {
    ConfigSources sources =
        ConfigSources.of(
            List.of(
                new ConfigSources.File(
                    "fleet.yaml", "locations: [a]\nchecks: " + "[".repeat(100_000))));

    ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader().load(sources));

    assertThat(e.problems()).hasSize(1);
    assertThat(e.problems().get(0).line()).isEqualTo(2);
    assertThat(e.problems().get(0).message()).startsWith("was a list nested 65 deep");
  }

  private Problem onlyProblem() {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader().load(dir));
    assertThat(e).as("the load fails with a ConfigException").isNotNull();
    assertThat(e.problems()).hasSize(1);
    return e.problems().get(0);
  }

  private static FleetLoader loader() {
    return new FleetLoader(
        new ManualTimeSource(Instant.parse("2026-04-01T00:00:00Z")), Map.of(), Map.of());
  }

  private void write(String name, String text) throws IOException {
    Files.writeString(dir.resolve(name), text);
  }

  private static byte[] bytes(String before, byte b, String after) {
    byte[] head = before.getBytes(StandardCharsets.UTF_8);
    byte[] tail = after.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[head.length + 1 + tail.length];
    System.arraycopy(head, 0, out, 0, head.length);
    out[head.length] = b;
    System.arraycopy(tail, 0, out, head.length + 1, tail.length);
    return out;
  }
}
