package io.nines.store.results;

import static io.nines.store.testing.TestFleets.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.nines.store.testing.TestFleets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryResultStoreTest extends ResultStoreContract {

  @Override
  ResultStore newStore() {
    return new InMemoryResultStore();
  }

  @Test
  void whenACheckLeavesTheConfigurationAndItsResultsAge_thenItIsForgotten() {
    append(List.of(ok("a", 1, "home", "eu", at(60))), NOW);
    var withoutHome =
        TestFleets.fleet()
            .check(
                "other",
                "shop",
                Duration.ofSeconds(30),
                List.of("eu"),
                io.nines.config.DownWhen.MAJORITY)
            .build();

    store
        .append(
            List.of(ok("a", 2, "other", "eu", NOW.plus(Duration.ofDays(8)))),
            withoutHome,
            NOW.plus(Duration.ofDays(8)))
        .await();

    assertThat(evaluation("home")).isEmpty();
    assertThat(size()).isEqualTo(1);
  }
}
