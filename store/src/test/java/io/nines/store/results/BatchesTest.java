package io.nines.store.results;

import static io.nines.store.testing.TestFleets.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.nines.common.ProbeResult;
import io.nines.config.DownWhen;
import io.nines.config.Fleet;
import io.nines.store.testing.TestFleets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchesTest {
  private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

  private static Fleet fleetOf(String... checks) {
    TestFleets f = TestFleets.fleet();
    for (String c : checks) {
      f.check(c, "svc", Duration.ofSeconds(30), List.of("eu"), DownWhen.ANY);
    }
    return f.build();
  }

  @Test
  void whenTheFleetChangesBetweenBatches_thenEachBatchIsSplitByItsOwnFleet() {
    Fleet withHome = fleetOf("home", "api");
    Fleet withoutHome = fleetOf("api");
    List<ProbeResult> batch = List.of(ok("a", 1, "home", "eu", AT), ok("a", 2, "api", "eu", AT));

    Batches first = Batches.split(batch, withHome);
    Batches second = Batches.split(batch, withoutHome);
    Batches third = Batches.split(batch, withHome);

    assertThat(first.byCheck).containsOnlyKeys("home", "api");
    assertThat(first.unknown).isEmpty();
    assertThat(second.byCheck).containsOnlyKeys("api");
    assertThat(second.unknown).containsExactly(new Rejection("a/1", "unknown check 'home'"));
    assertThat(third.byCheck).containsOnlyKeys("home", "api");
    assertThat(third.checks.get("home")).isSameAs(withHome.check("home").orElseThrow());
  }

  @Test
  void whenAFleetHoldsManyChecks_thenEachResultGoesToItsOwnCheck() {
    String[] ids = new String[1000];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = "c" + i;
    }
    Fleet fleet = fleetOf(ids);
    List<ProbeResult> batch =
        List.of(
            ok("a", 1, "c999", "eu", AT), ok("a", 2, "c0", "eu", AT), ok("a", 3, "c5", "eu", AT));

    Batches split = Batches.split(batch, fleet);

    assertThat(split.byCheck.keySet()).containsExactly("c999", "c0", "c5");
    split.byCheck.forEach(
        (id, results) -> {
          assertThat(results).allMatch(r -> r.checkId().equals(id));
          assertThat(split.checks.get(id).id()).isEqualTo(id);
        });
  }
}
