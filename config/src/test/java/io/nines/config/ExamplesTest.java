package io.nines.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.common.testing.ManualTimeSource;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExamplesTest {
  private static final Instant T0 = Instant.parse("2026-04-01T00:00:00Z");

  @Test
  void whenShopSmartIsLoaded_thenItHasNoErrors() throws Exception {
    Fleet fleet;
    try {
      fleet =
          new FleetLoader(new ManualTimeSource(T0), Map.of(), Map.of())
              .load(Path.of("examples/shopsmart"));
    } catch (ConfigException e) {
      System.out.println(FleetLoader.formatProblems(e.problems()));
      throw e;
    }
    System.out.println(FleetLoader.formatProblems(fleet.warnings()));
    assertThat(fleet.services()).hasSize(6);
  }
}
