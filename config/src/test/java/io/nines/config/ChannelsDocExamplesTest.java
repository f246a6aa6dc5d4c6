package io.nines.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every channel configuration docs/channels.md shows loads as written: a reader who copies one gets
 * that channel, not an unknown key.
 */
class ChannelsDocExamplesTest {
  private static final Pattern YAML = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);

  @TempDir Path dir;

  @Test
  void whenEachChannelExampleOfTheDocsIsLoaded_thenItLoadsWithTheChannelItShows() throws Exception {
    String doc = Files.readString(Path.of("../docs/channels.md"));
    List<String> examples = new ArrayList<>();
    Matcher m = YAML.matcher(doc);
    while (m.find()) {
      // Alertmanager's own routing configuration is not Nines'.
      if (!m.group(1).startsWith("route:")) {
        examples.add(m.group(1));
      }
    }
    assertThat(examples).hasSizeGreaterThanOrEqualTo(5);
    int i = 0;
    for (String example : examples) {
      Path d = Files.createDirectories(dir.resolve("example-" + i++));
      Files.writeString(d.resolve("teams.yaml"), example);
      Files.writeString(
          d.resolve("services.yaml"), "services: {shop: {tier: important, owners: [payments]}}\n");
      Fleet fleet;
      try {
        fleet = LoaderTest.loader().load(d);
      } catch (ConfigException e) {
        throw new AssertionError(
            "docs/channels.md example does not load:\n" + example + "\n" + e.getMessage(), e);
      }
      assertThat(fleet.teams().get("payments").channels()).as(example).hasSize(1);
    }
  }
}
