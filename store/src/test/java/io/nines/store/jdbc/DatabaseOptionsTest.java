package io.nines.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseOptionsTest {
  @TempDir Path dir;

  @Test
  void whenNothingIsSet_thenAnH2FileUnderDotDataIsUsed() {
    DatabaseOptions o = DatabaseOptions.fromEnvironment(Map.of());

    assertThat(o.url()).startsWith("jdbc:h2:file:").endsWith("/data/nines");
    assertThat(o.h2()).isTrue();
    assertThat(o.writeDelay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(o.writeBatchSize()).isEqualTo(1000);
  }

  @Test
  void whenTheDataDirIsSet_thenTheH2FileIsThere() {
    DatabaseOptions o = DatabaseOptions.fromEnvironment(Map.of("NINES_DATA_DIR", dir.toString()));

    assertThat(o.url()).isEqualTo("jdbc:h2:file:" + dir.toAbsolutePath().resolve("nines"));
  }

  @Test
  void whenAPostgresUrlAndAPasswordFileAreSet_thenTheyAreUsedAndThePasswordStaysHidden()
      throws Exception {
    Path file = dir.resolve("pw");
    Files.writeString(file, "s3cret\n");

    DatabaseOptions o =
        DatabaseOptions.fromEnvironment(
            Map.of(
                "NINES_DB_URL", "jdbc:postgresql://db:5432/nines",
                "NINES_DB_USER", "nines",
                "NINES_DB_PASSWORD_FILE", file.toString()));

    assertThat(o.url()).isEqualTo("jdbc:postgresql://db:5432/nines");
    assertThat(o.user()).isEqualTo("nines");
    assertThat(o.password()).isEqualTo("s3cret");
    assertThat(o.h2()).isFalse();
    assertThat(o.toString()).doesNotContain("s3cret");
  }

  @Test
  void whenThePasswordFileIsMissing_thenTheErrorNamesTheVariableAndFile() {
    assertThatThrownBy(
            () ->
                DatabaseOptions.fromEnvironment(
                    Map.of("NINES_DB_PASSWORD_FILE", dir.resolve("nope").toString())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NINES_DB_PASSWORD_FILE was '")
        .hasMessageContaining("nope")
        .hasMessageContaining("readable file");
  }

  @Test
  void whenTheUrlIsNeitherH2NorPostgres_thenTheErrorSaysWhatWouldBeRightWithoutThePassword() {
    assertThatThrownBy(
            () ->
                DatabaseOptions.fromEnvironment(
                    Map.of("NINES_DB_URL", "jdbc:mysql://db/nines?password=hunter2")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("database options from the environment: url:")
        .hasMessageContaining("jdbc:postgresql://")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void whenTheWriteDelayIsBelowOneSecond_thenItIsRefused() {
    assertThatThrownBy(() -> DatabaseOptions.builder().writeDelay(Duration.ofMillis(500)).build())
        .hasMessageContaining("writeDelay: PT0.5S (expected: whole seconds, at least 1s)");
  }
}
