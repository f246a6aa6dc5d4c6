package io.nines.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.nines.common.testing.ManualTimeSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The JSON Schema and the loader agree on what is structurally valid: every example and valid
 * fixture file passes both; every structural fixture fails both; every semantic fixture passes the
 * schema and fails the loader, since only the loader sees across files and into values.
 */
class SchemaAgreementTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static JsonSchema schema;

  @BeforeAll
  static void readSchema() throws IOException {
    try (InputStream in = Files.newInputStream(Path.of("schema/nines.schema.json"))) {
      schema =
          JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
              .getSchema(MAPPER.readTree(in));
    }
  }

  /** The file as JSON, read with the same YAML 1.2 JSON schema as the loader. */
  static JsonNode json(Path file) throws IOException {
    Object value = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
    return value == null ? NullNode.getInstance() : MAPPER.valueToTree(value);
  }

  static Set<ValidationMessage> schemaErrors(Path file) throws IOException {
    return schema.validate(json(file));
  }

  static List<Problem> loaderErrors(Path file, Path tmp) throws IOException {
    Path dir = Files.createTempDirectory(tmp, "fixture");
    Files.copy(file, dir.resolve(file.getFileName()));
    try {
      new FleetLoader(
              new ManualTimeSource(Instant.parse("2026-04-01T00:00:00Z")), Map.of(), Map.of())
          .load(dir);
      return List.of();
    } catch (ConfigException e) {
      return e.problems().stream().filter(p -> p.severity() == Problem.Severity.ERROR).toList();
    }
  }

  static Stream<Path> files(String dir) throws IOException {
    try (Stream<Path> walk = Files.walk(Path.of(dir))) {
      return walk.filter(p -> p.toString().matches(".*\\.ya?ml")).sorted().toList().stream();
    }
  }

  static Stream<Path> validFiles() throws IOException {
    return Stream.of("examples", "src/test/resources/valid").flatMap(SchemaAgreementTest::walk);
  }

  private static Stream<Path> walk(String dir) {
    try {
      return files(dir);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static Stream<Path> structural() throws IOException {
    return files("src/test/resources/broken/structural");
  }

  static Stream<Path> semantic() throws IOException {
    return files("src/test/resources/broken/semantic");
  }

  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}")
  @MethodSource("validFiles")
  void whenAFileIsValid_thenTheSchemaAcceptsIt(Path file) throws IOException {
    assertThat(schemaErrors(file)).isEmpty();
  }

  @Test
  void whenTheExamplesAndValidFixturesLoad_thenTheLoaderAcceptsThemWhole() throws Exception {
    FleetLoader loader =
        new FleetLoader(
            new ManualTimeSource(Instant.parse("2026-04-01T00:00:00Z")), Map.of(), Map.of());
    for (String dir :
        List.of("examples/shopsmart", "examples/minimal", "src/test/resources/valid/everything")) {
      assertThat(loader.load(Path.of(dir)).services()).as(dir).isNotEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("structural")
  void whenAFileIsStructurallyBroken_thenTheSchemaAndTheLoaderBothRejectIt(Path file)
      throws IOException {
    Set<ValidationMessage> schemaErrors = schemaErrors(file);
    List<Problem> loaderErrors = loaderErrors(file, tmp);

    assertThat(schemaErrors).as("schema errors").isNotEmpty();
    assertThat(loaderErrors).as("loader errors").isNotEmpty();
    // And about the same place: a loader error lies within a node the schema rejects.
    List<String> schemaPaths =
        schemaErrors.stream()
            .map(m -> m.getInstanceLocation().toString().replaceFirst("^\\$\\.?", ""))
            .toList();
    assertThat(loaderErrors)
        .as("loader errors within %s", schemaPaths)
        .anySatisfy(
            p ->
                assertThat(schemaPaths)
                    .anyMatch(
                        s ->
                            p.path().equals(s)
                                || s.isEmpty()
                                || p.path().startsWith(s + ".")
                                || p.path().startsWith(s + "[")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("semantic")
  void whenAFileIsOnlySemanticallyBroken_thenOnlyTheLoaderRejectsIt(Path file) throws IOException {
    assertThat(schemaErrors(file)).as("schema errors").isEmpty();
    assertThat(loaderErrors(file, tmp)).as("loader errors").isNotEmpty();
  }
}
