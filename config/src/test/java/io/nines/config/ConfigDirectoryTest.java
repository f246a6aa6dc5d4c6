package io.nines.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigDirectoryTest {
  @TempDir Path dir;

  private static final String FLEET =
      """
      locations: [eu-west]
      services: {shop: {tier: important}}
      """;

  private static String check(String id, String every) {
    return """
        checks:
          - id: %s
            service: shop
            every: %s
            locations: [eu-west]
            http: {get: "http://127.0.0.1/", expect: [status == 200]}
        """
        .formatted(id, every);
  }

  private void write(String name, String yaml) throws IOException {
    Files.writeString(dir.resolve(name), yaml);
  }

  @Test
  void whenAFileChanges_thenAReloadAppliesItAndTheNextSeesNothingNew() throws Exception {
    write("fleet.yaml", FLEET);
    write("checks.yaml", check("home", "30s"));
    ConfigDirectory config = ConfigDirectory.open(dir, LoaderTest.loader());
    String first = config.fleet().version().hash();

    assertThat(config.reload().outcome()).isEqualTo(ConfigDirectory.Outcome.UNCHANGED);
    write("more.yaml", check("cart", "1m"));
    ConfigDirectory.Reload applied = config.reload();

    assertThat(applied.outcome()).isEqualTo(ConfigDirectory.Outcome.APPLIED);
    assertThat(config.fleet().checks()).extracting(Check::id).containsExactly("home", "cart");
    assertThat(config.fleet().version().hash())
        .isNotEqualTo(first)
        .isEqualTo(config.sources().hash());
    assertThat(config.reload().outcome()).isEqualTo(ConfigDirectory.Outcome.UNCHANGED);
  }

  @Test
  void whenTheFilesBreak_thenTheOldConfigurationStaysAndTheProblemsAreReportedOnce()
      throws Exception {
    write("fleet.yaml", FLEET);
    write("checks.yaml", check("home", "30s"));
    ConfigDirectory config = ConfigDirectory.open(dir, LoaderTest.loader());
    ConfigDirectory.Loaded before = config.current();

    write("checks.yaml", check("home", "0s"));
    ConfigDirectory.Reload rejected = config.reload();

    assertThat(rejected.outcome()).isEqualTo(ConfigDirectory.Outcome.REJECTED);
    assertThat(rejected.problems().stream().map(Problem::format))
        .contains("checks.yaml:4 checks[0].every was '0s' but it must be at least 1s");
    assertThat(config.current()).isSameAs(before);
    assertThat(config.reload().outcome()).isEqualTo(ConfigDirectory.Outcome.UNCHANGED);

    write("checks.yaml", check("home", "10s"));
    assertThat(config.reload().outcome()).isEqualTo(ConfigDirectory.Outcome.APPLIED);
    assertThat(config.fleet().checks().get(0).every()).hasSeconds(10);
  }

  @Test
  void whenTheDirectoryVanishes_thenTheOldConfigurationStays() throws Exception {
    write("fleet.yaml", FLEET);
    ConfigDirectory config = ConfigDirectory.open(dir, LoaderTest.loader());
    Files.delete(dir.resolve("fleet.yaml"));

    ConfigDirectory.Reload rejected = config.reload();

    assertThat(rejected.outcome()).isEqualTo(ConfigDirectory.Outcome.REJECTED);
    assertThat(rejected.problems().get(0).message()).contains("holds no *.yaml");
    assertThat(config.fleet().locations()).containsExactly("eu-west");
    assertThat(config.reload().outcome()).isEqualTo(ConfigDirectory.Outcome.UNCHANGED);
  }
}
