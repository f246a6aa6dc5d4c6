package io.nines.store.checklog;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.availability.Timelines;
import io.nines.common.Failure;
import io.nines.common.FailureKind;
import io.nines.common.ProbeResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** {@link SortedResults} does what the {@code TreeSet} it replaced did, operation by operation. */
class SortedResultsTest {
  static final Instant T0 = Instant.parse("2026-04-10T12:00:00Z");

  static ProbeResult result(Random random) {
    boolean ok = random.nextInt(4) != 0;
    return new ProbeResult(
        "agent-" + random.nextInt(3),
        1 + random.nextInt(40),
        "home",
        "eu",
        T0.plusSeconds(random.nextInt(60)).plusNanos(random.nextInt(2) * 500_000_000L),
        10,
        ok,
        ok ? null : new Failure(FailureKind.TIMEOUT, "", "slow"),
        1,
        Map.of(),
        null);
  }

  @Test
  void whenResultsArriveInAnyOrderAndLeaveOldestFirst_thenItAnswersAsTheTreeSetDid() {
    for (long seed = 0; seed < 200; seed++) {
      Random random = new Random(seed);
      SortedResults mine = new SortedResults();
      TreeSet<ProbeResult> tree = new TreeSet<>(Timelines.BY_START);
      for (int step = 0; step < 300; step++) {
        int op = random.nextInt(10);
        ProbeResult r = result(random);
        if (op < 6) {
          assertThat(mine.add(r)).as("seed %s step %s add", seed, step).isEqualTo(tree.add(r));
        } else if (op < 8) {
          assertThat(mine.pollFirst()).isEqualTo(tree.pollFirst());
        } else {
          assertThat(mine.floor(r)).isEqualTo(tree.floor(r));
          assertThat(mine.higher(r)).isEqualTo(tree.higher(r));
        }
        assertThat(mine.size()).isEqualTo(tree.size());
        assertThat(mine.isEmpty()).isEqualTo(tree.isEmpty());
        if (!tree.isEmpty()) {
          assertThat(mine.first()).isEqualTo(tree.first());
        }
      }
      assertThat(new ArrayList<>(mine)).isEqualTo(new ArrayList<>(tree));
      List<ProbeResult> descending = new ArrayList<>();
      for (Iterator<ProbeResult> it = mine.descendingIterator(); it.hasNext(); ) {
        descending.add(it.next());
      }
      assertThat(descending).isEqualTo(new ArrayList<>(tree.descendingSet()));
    }
  }

  @Test
  void whenResultsArriveInOrder_thenTheyAreKeptInOrderAsTheOldestLeave() {
    SortedResults mine = new SortedResults();
    List<ProbeResult> kept = new ArrayList<>();
    for (int i = 1; i <= 1000; i++) {
      ProbeResult r =
          new ProbeResult(
              "a", i, "home", "eu", T0.plusSeconds(i), 10, true, null, 1, Map.of(), null);
      assertThat(mine.add(r)).isTrue();
      kept.add(r);
      if (i % 3 == 0) {
        assertThat(mine.pollFirst()).isEqualTo(kept.remove(0));
      }
    }
    assertThat(new ArrayList<>(mine)).isEqualTo(kept);
  }
}
