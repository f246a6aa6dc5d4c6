package io.nines.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nines coordinator} refuses to start until the operator decides who may read. */
class CoordinatorCommandTest {
  @TempDir Path dir;

  private Path tokens() throws Exception {
    Path file = dir.resolve("agent-tokens");
    Files.writeString(file, "");
    return file;
  }

  @Test
  void whenNeitherReadTokensNorPublicReadAreGiven_thenItRefusesToStartAndSaysWhatToGive()
      throws Exception {
    Cli cli =
        Cli.run(
            "coordinator",
            "--config",
            dir.toString(),
            "--agent-token-file",
            tokens().toString(),
            "--port",
            "0");

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err())
        .contains("who may read the API is not decided")
        .contains("--read-token-file")
        .contains("--public-read");
  }

  @Test
  void whenBothReadTokensAndPublicReadAreGiven_thenItRefusesToStart() throws Exception {
    Path readers = dir.resolve("read-tokens");
    Files.writeString(readers, "# the dashboard\nread-token-0123456789\n");

    Cli cli =
        Cli.run(
            "coordinator",
            "--config",
            dir.toString(),
            "--agent-token-file",
            tokens().toString(),
            "--read-token-file",
            readers.toString(),
            "--public-read");

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("--public-read and read tokens were both given");
  }

  @Test
  void whenTheReadTokenFileHoldsNoToken_thenItRefusesToStart() throws Exception {
    Path readers = dir.resolve("read-tokens");
    Files.writeString(readers, "# nothing yet\n\n");

    Cli cli =
        Cli.run(
            "coordinator",
            "--config",
            dir.toString(),
            "--agent-token-file",
            tokens().toString(),
            "--read-token-file",
            readers.toString());

    assertThat(cli.exitCode()).isEqualTo(2);
    assertThat(cli.err()).contains("holds no token");
  }
}
