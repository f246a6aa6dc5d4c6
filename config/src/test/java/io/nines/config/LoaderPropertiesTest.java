package io.nines.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.nines.common.testing.ManualTimeSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever a configuration file holds (random bytes, random text, YAML token soup, or a hostile
 * document: deep nesting, huge values, alias bombs, control characters, wrong encodings), the
 * loader answers within a time bound with a fleet or with problems that each name a file and a
 * line, and never throws anything but {@link ConfigException}.
 */
class LoaderPropertiesTest {
  /** Far above what any input takes (well under a second); it catches hangs and blow-ups. */
  private static final Duration BOUND = Duration.ofSeconds(10);

  /** A valid file the generated one sits beside, so that cross-file rules run too. */
  private static final String BASE =
      """
      locations: [eu-west, us-east]
      teams:
        web: {email: [web@shop.example]}
      services:
        shop: {tier: critical, owners: [web]}
      checks:
        - id: shop-home
          service: shop
          http: {get: "http://127.0.0.1:8070/"}
      """;

  private static final List<String> TOKENS =
      List.of(
          "[",
          "]",
          "{",
          "}",
          ":",
          ": ",
          "- ",
          ",",
          "\n",
          "\n  ",
          "\n    ",
          "  ",
          "\t",
          "#",
          "&a ",
          "*a",
          "&b ",
          "*b",
          "!!str ",
          "!!map ",
          "!custom ",
          "'",
          "\"",
          "\\",
          "|",
          ">",
          "? ",
          "---\n",
          "...\n",
          "%YAML 1.2\n",
          "%TAG ! tag:x,2000:\n",
          "<<: ",
          "~",
          "null",
          "true",
          "0x1F",
          "1e999",
          "-9223372036854775809",
          "30s",
          "0s",
          "${env:X}",
          "${file:/etc/passwd}",
          "${shop}",
          "checks",
          "services",
          "teams",
          "locations",
          "vars",
          "settings",
          "maintenance",
          "id",
          "service",
          "every",
          "http",
          "get",
          "assert",
          "status == 200",
          "steps",
          "tier",
          "owners",
          "depends-on",
          "critical",
          "\u00e9",
          "\ud83d\ude00",
          "\u0000",
          "\u0007",
          "\u2028",
          "\ufeff",
          "\r",
          "\r\n");

  @Property(tries = 150)
  void whenAFileHoldsRandomBytes_thenTheLoaderAnswersWithLocatedProblems(
      @ForAll("randomBytes") byte[] content) throws IOException {
    loadsCleanly(content);
  }

  @Property(tries = 150)
  void whenAFileHoldsRandomText_thenTheLoaderAnswersWithLocatedProblems(
      @ForAll("randomText") String content) throws IOException {
    loadsCleanly(content.getBytes(StandardCharsets.UTF_8));
  }

  @Property(tries = 300)
  void whenAFileIsYamlTokenSoup_thenTheLoaderAnswersWithLocatedProblems(
      @ForAll("tokenSoup") String content) throws IOException {
    loadsCleanly(content.getBytes(StandardCharsets.UTF_8));
  }

  @Property(tries = 120)
  void whenAFileIsHostile_thenTheLoaderAnswersInTimeWithLocatedProblems(
      @ForAll("hostile") String content) throws IOException {
    loadsCleanly(content.getBytes(StandardCharsets.UTF_8));
  }

  @Provide
  Arbitrary<byte[]> randomBytes() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(3000);
  }

  @Provide
  Arbitrary<String> randomText() {
    return Arbitraries.strings().all().ofMaxLength(800);
  }

  @Provide
  Arbitrary<String> tokenSoup() {
    return Arbitraries.of(TOKENS).list().ofMaxSize(200).map(ts -> String.join("", ts));
  }

  @Provide
  Arbitrary<String> hostile() {
    return Arbitraries.oneOf(
        deepFlow(), deepBlock(), longValue(), aliasBomb(), manyAliases(), damagedBase());
  }

  /** Lists and mappings in flow style, nested up to far past the limit, closed or not. */
  private Arbitrary<String> deepFlow() {
    return Combinators.combine(
            Arbitraries.integers().between(1, 120_000),
            Arbitraries.of("[", "{a: ", "[{x: "),
            Arbitraries.of(true, false))
        .as(
            (depth, open, closed) -> {
              String close = open.equals("[") ? "]" : open.equals("{a: ") ? "}" : "}]";
              int n = Math.max(1, depth / open.length());
              return "vars:\n  x: " + open.repeat(n) + "v" + (closed ? close.repeat(n) : "") + "\n";
            });
  }

  /** Block mappings or lists, one level per line. */
  private Arbitrary<String> deepBlock() {
    return Combinators.combine(Arbitraries.integers().between(1, 200), Arbitraries.of(true, false))
        .as(
            (depth, lists) -> {
              StringBuilder sb = new StringBuilder("checks:\n");
              for (int i = 1; i <= depth; i++) {
                sb.append("  ".repeat(i)).append(lists ? "- " : "k" + i + ":").append('\n');
              }
              return sb.toString();
            });
  }

  /** A key or value around the scalar limit, quoted, plain, block or as a comment. */
  private Arbitrary<String> longValue() {
    return Combinators.combine(
            Arbitraries.integers().between(60_000, 1_100_000),
            Arbitraries.of("\"", "'", "", "|\n    ", "# "),
            Arbitraries.of('a', ' ', '\\', 'é'))
        .as(
            (length, style, c) -> {
              String body = String.valueOf(c).repeat(length);
              if (style.startsWith("#")) {
                return "# " + body + "\nvars: {}\n";
              }
              String close = style.startsWith("|") ? "" : style;
              return "vars:\n  x: " + style + body + close + "\n";
            });
  }

  /** "Billion laughs": each level refers to the one before several times. */
  private Arbitrary<String> aliasBomb() {
    return Combinators.combine(
            Arbitraries.integers().between(1, 30), Arbitraries.integers().between(1, 10))
        .as(
            (levels, fanout) -> {
              StringBuilder sb = new StringBuilder("vars:\n  l0: &l0 [lol, lol]\n");
              for (int i = 1; i <= levels; i++) {
                String refs =
                    String.join(", ", java.util.Collections.nCopies(fanout, "*l" + (i - 1)));
                sb.append("  l%d: &l%d [%s]\n".formatted(i, i, refs));
              }
              return sb.toString();
            });
  }

  /** Many aliases to one anchor, collections or scalars. */
  private Arbitrary<String> manyAliases() {
    return Combinators.combine(
            Arbitraries.integers().between(1, 2000), Arbitraries.of("{a: b}", "[x]", "plain"))
        .as(
            (count, anchored) -> {
              StringBuilder sb = new StringBuilder("vars:\n  s: &s " + anchored + "\n  uses:\n");
              sb.append("    - *s\n".repeat(count));
              return sb.toString();
            });
  }

  /** A valid file with a hostile character or byte sequence spliced in. */
  private Arbitrary<String> damagedBase() {
    return Combinators.combine(
            Arbitraries.integers().between(0, BASE.length()),
            Arbitraries.of("\u0000", "\u001b", "\ufffe", "&x [*x]", "*nope", ": : :", "\t", "\""))
        .as((at, splice) -> BASE.substring(0, at) + splice + BASE.substring(at));
  }

  private static void loadsCleanly(byte[] content) throws IOException {
    Path dir = Files.createTempDirectory("nines-props");
    try {
      Files.writeString(dir.resolve("base.yaml"), BASE);
      Files.write(dir.resolve("x.yaml"), content);
      assertTimeoutPreemptively(
          BOUND,
          () -> {
            answers(() -> loader().load(dir));
            answers(() -> loader().load(ConfigSources.read(dir)));
          });
    } finally {
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  interface Load {
    Fleet run() throws ConfigException;
  }

  /** The load gives a fleet, or problems that each name a file and a line and no Java class. */
  private static void answers(Load load) {
    try {
      Fleet fleet = load.run();
      assertThat(fleet.checks()).isNotEmpty();
    } catch (ConfigException e) {
      assertThat(e.problems())
          .anyMatch(p -> p.severity() == Problem.Severity.ERROR)
          .allSatisfy(
              p -> {
                assertThat(p.file()).isIn("base.yaml", "x.yaml");
                assertThat(p.line()).as("line of %s", p.format()).isPositive();
                assertThat(p.message()).doesNotContain("Exception", "java.", "org.snakeyaml");
              });
    } catch (Throwable t) {
      fail("the loader threw " + t + " instead of reporting problems", t);
    }
  }

  private static FleetLoader loader() {
    return new FleetLoader(
        new ManualTimeSource(Instant.parse("2026-04-01T00:00:00Z")), Map.of(), Map.of());
  }
}
