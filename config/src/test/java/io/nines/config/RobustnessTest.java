package io.nines.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.common.testing.ManualTimeSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Whatever a file holds, loading either gives a fleet or throws {@link ConfigException}: damaged
 * copies of valid files never make the loader fail in another way.
 */
class RobustnessTest {
  private static final String SOURCE = "src/test/resources/valid/everything";
  private static final String SIGNIFICANT = ":-[]{}#&*!|>'\"%@`,\n\t 0a$\\";

  /** One edit: {@code op} picks the kind, {@code at} the place, {@code c} a character. */
  record Edit(int op, int at, int c) {}

  @Provide
  Arbitrary<Edit> edits() {
    return Arbitraries.integers()
        .between(0, 3)
        .flatMap(
            op ->
                Arbitraries.integers()
                    .between(0, 100_000)
                    .flatMap(
                        at ->
                            Arbitraries.integers()
                                .between(0, SIGNIFICANT.length() - 1)
                                .map(c -> new Edit(op, at, c))));
  }

  @Property(tries = 150)
  void whenAFileIsDamaged_thenLoadingFailsOnlyWithAConfigException(
      @ForAll @Size(min = 1, max = 6) List<@From("edits") Edit> edits) throws IOException {
    Path dir = Files.createTempDirectory("nines-robust");
    try {
      copy(Path.of(SOURCE), dir);
      Path target = dir.resolve("checks.yaml");
      Files.writeString(target, damage(Files.readString(target), edits));
      try {
        Fleet fleet =
            new FleetLoader(
                    new ManualTimeSource(Instant.parse("2026-04-01T00:00:00Z")), Map.of(), Map.of())
                .load(dir);
        assertThat(fleet.version().hash()).hasSize(64);
      } catch (ConfigException e) {
        assertThat(e.problems())
            .anyMatch(p -> p.severity() == Problem.Severity.ERROR)
            .allSatisfy(p -> assertThat(p.file()).isNotEmpty());
      }
    } finally {
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  private static String damage(String text, List<Edit> edits) {
    String s = text;
    for (Edit e : edits) {
      List<String> lines = new ArrayList<>(Arrays.asList(s.split("\n", -1)));
      int line = e.at() % lines.size();
      int pos = e.at() % Math.max(1, s.length());
      char c = SIGNIFICANT.charAt(e.c());
      s =
          switch (e.op()) {
            case 0 -> {
              lines.remove(line);
              yield String.join("\n", lines);
            }
            case 1 -> {
              lines.add(line, lines.get(line));
              yield String.join("\n", lines);
            }
            case 2 -> s.isEmpty() ? s : s.substring(0, pos) + c + s.substring(pos + 1);
            default -> s.substring(0, pos);
          };
    }
    return s;
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }
}
