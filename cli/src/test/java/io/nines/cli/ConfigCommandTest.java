package io.nines.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nines config validate} and {@code nines config diff} on the example fleets. */
class ConfigCommandTest {
  private static final Path EXAMPLE = Path.of("..", "config", "examples", "shopsmart");

  @TempDir Path tmp;

  private Path copyOfExample(String name) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve(name));
    try (Stream<Path> files = Files.list(EXAMPLE)) {
      for (Path f : files.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    return dir;
  }

  private static void edit(Path file, String from, String to) throws Exception {
    String text = Files.readString(file);
    assertThat(text).contains(from);
    Files.writeString(file, text.replaceFirst(java.util.regex.Pattern.quote(from), to));
  }

  @Test
  void whenTheExampleIsValidated_thenItExitsZero() {
    Cli cli = Cli.run("config", "validate", EXAMPLE.toString());
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out()).contains("is valid").contains("services").contains("checks");
  }

  @Test
  void whenABrokenCopyIsValidated_thenItExitsOneAndListsEveryProblemWithFileAndLine()
      throws Exception {
    Path broken = copyOfExample("broken");
    edit(broken.resolve("checks.yaml"), "every: 30s", "evrey: 30s");
    edit(broken.resolve("checks.yaml"), "every: 15s", "every: 0s");
    edit(broken.resolve("services.yaml"), "owners: [payments]", "owners: [nobody]");
    Cli cli = Cli.run("config", "validate", broken.toString());
    assertThat(cli.exitCode()).isEqualTo(1);
    assertThat(cli.err())
        .containsPattern(
            "checks\\.yaml:\\d+ checks\\[0\\]\\.evrey is an unknown key; did you mean 'every'")
        .containsPattern("checks\\.yaml:\\d+ .*every was '0s'")
        .containsPattern("services\\.yaml:\\d+ .*'nobody'")
        .contains("3 problems");
  }

  @Test
  void whenTwoVersionsDiffer_thenDiffListsTheChange() throws Exception {
    Path changed = copyOfExample("changed");
    edit(changed.resolve("checks.yaml"), "every: 15s", "every: 45s");
    Cli cli = Cli.run("config", "diff", EXAMPLE.toString(), changed.toString());
    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(1);
    assertThat(cli.out()).contains("~ check payments-health").contains("15s -> 45s");
    Cli same = Cli.run("config", "diff", EXAMPLE.toString(), EXAMPLE.toString());
    assertThat(same.exitCode()).isZero();
    assertThat(same.out()).contains("no differences");
  }
}
