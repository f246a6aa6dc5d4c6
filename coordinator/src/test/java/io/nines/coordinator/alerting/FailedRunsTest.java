package io.nines.coordinator.alerting;

import static io.nines.store.testing.TestFleets.fail;
import static io.nines.store.testing.TestFleets.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.nines.common.ProbeResult;
import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.nines.config.DownWhen;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How {@code page-after: N failures} counts a check's consecutive failed runs. */
class FailedRunsTest {
  private static final Instant T0 = Instant.parse("2026-12-06T22:40:00Z");

  private static Check check(DownWhen downWhen) {
    return new Check(
        "shop-home",
        "shop",
        Duration.ofSeconds(5),
        Duration.ofSeconds(2),
        List.of("eu", "us", "ap"),
        downWhen,
        0,
        new CheckSpec.Tcp("localhost", 80, null, List.of()));
  }

  /** One run every 5 s from the three locations; {@code failing[i]} lists who failed run i. */
  private static List<ProbeResult> runs(String... failing) {
    List<ProbeResult> out = new ArrayList<>();
    long seq = 0;
    for (int i = 0; i < failing.length; i++) {
      Instant at = T0.plusSeconds(5L * i);
      for (String location : List.of("eu", "us", "ap")) {
        out.add(
            failing[i].contains(location)
                ? fail("a", ++seq, "shop-home", location, at.plusMillis(location.length()))
                : ok("a", ++seq, "shop-home", location, at.plusMillis(location.length())));
      }
    }
    java.util.Collections.reverse(out); // newest first, as the store answers
    return out;
  }

  @Test
  void whenTwoOfThreeLocationsFailedTheLastThreeRuns_thenThreeRunsFailed() {
    List<Instant> failed =
        Alerting.failedRuns(check(new DownWhen(2)), runs("", "eu", "eu us", "eu us ap", "us ap"));
    assertThat(failed).hasSize(3);
    assertThat(failed.get(0)).isAfter(failed.get(1));
  }

  @Test
  void whenOnlyOneLocationFails_thenNoRunFailedTheCheck() {
    assertThat(Alerting.failedRuns(check(new DownWhen(2)), runs("eu", "eu", "eu"))).isEmpty();
    assertThat(Alerting.failedRuns(check(new DownWhen(1)), runs("eu", "eu", "eu"))).hasSize(3);
  }

  @Test
  void whenTheNewestRunPassed_thenTheStreakIsOver() {
    assertThat(Alerting.failedRuns(check(DownWhen.MAJORITY), runs("eu us", "eu us", ""))).isEmpty();
  }
}
