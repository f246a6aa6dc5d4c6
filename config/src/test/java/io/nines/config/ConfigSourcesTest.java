package io.nines.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSourcesTest {
  @TempDir Path dir;

  private static final String FLEET =
      """
      locations: [eu-west]
      vars: {shop: "http://127.0.0.1:8070"}
      services: {shop: {tier: important}}
      """;

  private static final String CHECKS =
      """
      checks:
        - id: shop-home
          service: shop
          every: 30s
          locations: [eu-west]
          http:
            get: "${shop}/"
            headers: {Authorization: "Bearer ${env:SHOP_TOKEN}"}
            expect: [status == 200]
      """;

  private void write(String name, String yaml) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, yaml);
  }

  @Test
  void whenADirectoryIsReadAsSources_thenLoadingThemGivesTheFleetAndHashOfTheDirectory()
      throws Exception {
    write("fleet.yaml", FLEET);
    write("checks/shop.yaml", CHECKS);
    write(".hidden/skip.yaml", "not: [valid");

    ConfigSources sources = ConfigSources.read(dir);
    Fleet fromDir = LoaderTest.loader().load(dir);
    Fleet fromSources = LoaderTest.loader().load(sources);

    assertThat(sources.files())
        .extracting(ConfigSources.File::path)
        .containsExactly("checks/shop.yaml", "fleet.yaml");
    assertThat(sources.files().get(0).text()).contains("${env:SHOP_TOKEN}");
    assertThat(sources.hash()).isEqualTo(fromDir.version().hash());
    assertThat(fromSources.version().hash()).isEqualTo(fromDir.version().hash());
    assertThat(fromSources.checks()).isEqualTo(fromDir.checks());
    assertThat(fromSources.vars()).isEqualTo(fromDir.vars());
  }

  @Test
  void whenSourcesHaveProblems_thenTheyAreReportedByTheirPathsAndLine() {
    ConfigSources sources =
        ConfigSources.of(
            List.of(
                new ConfigSources.File("fleet.yaml", FLEET),
                new ConfigSources.File("checks.yaml", CHECKS.replace("every: 30s", "every: 0s"))));

    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> LoaderTest.loader().load(sources));

    assertThat(e.problems().stream().map(Problem::format))
        .contains("checks.yaml:4 checks[0].every was '0s' but it must be at least 1s");
  }

  @Test
  void whenNoSourcesAreGiven_thenLoadingFailsSayingSo() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class, () -> LoaderTest.loader().load(ConfigSources.of(List.of())));

    assertThat(e.problems()).hasSize(1);
    assertThat(e.problems().get(0).message()).contains("holds no files");
  }

  @Test
  void whenTwoSourcesShareAPath_thenTheyAreRefused() {
    assertThatThrownBy(
            () ->
                ConfigSources.of(
                    List.of(
                        new ConfigSources.File("a.yaml", FLEET),
                        new ConfigSources.File("a.yaml", CHECKS))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'a.yaml' appears twice");
  }

  @Test
  void whenTheDirectoryIsMissingOrAFileIsNotUtf8_thenReadingListsTheProblem() throws Exception {
    assertThat(
            catchThrowableOfType(
                    ConfigException.class, () -> ConfigSources.read(dir.resolve("nope")))
                .problems()
                .get(0)
                .message())
        .isEqualTo("does not exist");

    write("fleet.yaml", FLEET);
    Files.write(dir.resolve("bad.yaml"), new byte[] {'a', ':', ' ', (byte) 0xff});
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigSources.read(dir));
    assertThat(e.problems().stream().map(Problem::format))
        .containsExactly(
            "bad.yaml:1 is not valid UTF-8 text: byte 4 of this line, 0xFF, is not UTF-8 (a"
                + " Latin-1 or Windows-1252 accent is a common cause); save the file as UTF-8");
  }

  @Test
  void whenTheSameFilesAreGivenTwice_thenTheSourcesAreEqualWithOneHash() {
    ConfigSources a = ConfigSources.of(List.of(new ConfigSources.File("fleet.yaml", FLEET)));
    ConfigSources b = ConfigSources.of(List.of(new ConfigSources.File("fleet.yaml", FLEET)));
    ConfigSources c = ConfigSources.of(List.of(new ConfigSources.File("fleet.yaml", FLEET + "#")));

    assertThat(a).isEqualTo(b);
    assertThat(a.hash()).isEqualTo(b.hash()).isNotEqualTo(c.hash());
  }
}
