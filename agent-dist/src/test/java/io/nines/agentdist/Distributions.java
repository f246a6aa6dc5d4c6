package io.nines.agentdist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The two tarballs the package phase writes to {@code target/}, found and unpacked with tar. */
final class Distributions {
  private Distributions() {}

  /** Which tarball: the agent alone, or the agent with its own Java runtime. */
  enum Kind {
    PLAIN("nines-agent-.+(?<!-linux-x86_64)\\.tar\\.gz"),
    WITH_RUNTIME("nines-agent-.+-linux-x86_64\\.tar\\.gz");

    final String pattern;

    Kind(String pattern) {
      this.pattern = pattern;
    }
  }

  /** The tarball of {@code kind} in {@code target/}. */
  static Path tarball(Kind kind) throws IOException {
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      return files
          .filter(f -> f.getFileName().toString().matches(kind.pattern))
          .findFirst()
          .orElseThrow(
              () ->
                  new AssertionError(
                      "no target/ file matching "
                          + kind.pattern
                          + ": the package phase of agent-dist makes it"))
          .toAbsolutePath();
    }
  }

  /** Unpacks the tarball of {@code kind} into {@code into}; returns its top directory. */
  static Path unpack(Kind kind, Path into) throws IOException, InterruptedException {
    Path tarball = tarball(kind);
    Process tar =
        new ProcessBuilder("tar", "-xzf", tarball.toString())
            .directory(into.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(tar.waitFor(120, TimeUnit.SECONDS)).as("tar -xzf %s finishes", tarball).isTrue();
    assertThat(tar.exitValue()).as("tar -xzf %s: %s", tarball, out).isZero();
    try (Stream<Path> top = Files.list(into)) {
      return top.filter(Files::isDirectory)
          .filter(d -> d.getFileName().toString().startsWith("nines-agent-"))
          .findFirst()
          .orElseThrow(() -> new AssertionError(tarball + " has no nines-agent-<version>/"));
    }
  }
}
