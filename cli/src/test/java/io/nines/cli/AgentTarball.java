package io.nines.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The agent distribution the cli module's package phase makes, for the ITs that unpack it. */
final class AgentTarball {
  private AgentTarball() {}

  /**
   * {@code target/nines-agent-<version>.tar.gz}.
   *
   * @throws AssertionError when the package phase has not made it
   */
  static Path find() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      return files
          .filter(f -> f.getFileName().toString().matches("nines-agent-.+\\.tar\\.gz"))
          .findFirst()
          .orElseThrow(
              () ->
                  new AssertionError(
                      "no target/nines-agent-<version>.tar.gz: the package phase makes it"));
    }
  }

  /** The folder {@code tarball} unpacks to inside {@code into}: its name without .tar.gz. */
  static Path home(Path into, Path tarball) {
    String name = tarball.getFileName().toString();
    return into.resolve(name.substring(0, name.length() - ".tar.gz".length()));
  }
}
