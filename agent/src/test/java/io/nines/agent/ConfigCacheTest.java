package io.nines.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nines.config.ConfigSources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCacheTest {
  @TempDir Path dir;

  private static ConfigSources sources(String check) {
    return ConfigSources.of(
        List.of(
            new ConfigSources.File("fleet.yaml", "locations: [eu]\n"),
            new ConfigSources.File("checks/" + check + ".yaml", "checks: []  # " + check + "\n")));
  }

  @Test
  void whenAConfigurationIsWrittenAndReplaced_thenTheLastOneIsReadBackWithItsHash()
      throws Exception {
    Path file = ConfigCache.fileIn(dir.resolve("spool"));
    assertThat(ConfigCache.read(file)).isEmpty();

    ConfigCache.write(file, sources("a"));
    ConfigCache.write(file, sources("b"));

    assertThat(ConfigCache.read(file)).contains(sources("b"));
    assertThat(ConfigCache.read(file).orElseThrow().hash()).isEqualTo(sources("b").hash());
    try (var files = Files.list(file.getParent())) {
      assertThat(files).as("no temporary file left").containsExactly(file);
    }
  }

  @Test
  void whenTheFileIsDamaged_thenReadingSaysWhatIsWrongAndHowToRecover() throws Exception {
    Path file = ConfigCache.fileIn(dir);
    ConfigCache.write(file, sources("a"));
    Files.writeString(file, Files.readString(file).replace("# a", "# x"));

    assertThatThrownBy(() -> ConfigCache.read(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not to the version")
        .hasMessageContaining("delete it");

    Files.writeString(file, "{not json");
    assertThatThrownBy(() -> ConfigCache.read(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("does not hold a configuration");
  }
}
