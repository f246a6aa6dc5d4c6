package io.nines.agent.ship;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nines.config.ConfigSources;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the agent reads a {@code GET /api/v1/agents/config} answer. */
class ConfigAnswerTest {
  static final ConfigSources SOURCES =
      ConfigSources.of(List.of(new ConfigSources.File("fleet.yaml", "locations: [eu]\n")));

  static Buffer answer(String version, String text) {
    return new JsonObject()
        .put("version", version)
        .put(
            "files",
            new JsonArray().add(new JsonObject().put("path", "fleet.yaml").put("text", text)))
        .toBuffer();
  }

  @Test
  void whenTheFilesHashToTheNamedVersion_thenTheyAreTheSources() {
    assertThat(CoordinatorClient.sourcesOf("http://c", answer(SOURCES.hash(), "locations: [eu]\n")))
        .isEqualTo(SOURCES);
  }

  @Test
  void whenTheFilesDoNotHashToTheNamedVersion_thenTheAnswerIsRefusedSayingSo() {
    assertThatThrownBy(
            () ->
                CoordinatorClient.sourcesOf("http://c", answer(SOURCES.hash(), "locations: []\n")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("http://c sent a configuration the agent can't use")
        .hasMessageContaining("not to the version " + SOURCES.hash());
  }

  @Test
  void whenTheAnswerIsNotTheDocumentedShape_thenItIsRefused() {
    assertThatThrownBy(
            () -> CoordinatorClient.sourcesOf("http://c", Buffer.buffer("{\"version\":\"x\"}")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("can't use");
  }
}
