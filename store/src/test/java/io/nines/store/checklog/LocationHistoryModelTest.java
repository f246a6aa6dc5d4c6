package io.nines.store.checklog;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.availability.Interval;
import io.nines.availability.State;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link LocationHistory} answers as the {@code TreeMap} it replaced ({@link
 * TreeMapLocationHistory}) after any sequence of writes, at every query.
 */
class LocationHistoryModelTest {

  static State state(Random random) {
    int s = random.nextInt(5);
    return s < 2 ? State.UP : s < 4 ? State.DOWN : State.UNKNOWN;
  }

  static long time(Random random) {
    return random.nextInt(400) - 50L;
  }

  @Test
  void whenWrittenInAnyOrder_thenEveryAnswerIsTheTreeMapsAnswer() {
    for (long seed = 0; seed < 300; seed++) {
      Random random = new Random(seed);
      LocationHistory mine = new LocationHistory();
      TreeMapLocationHistory model = new TreeMapLocationHistory();
      for (int step = 0; step < 200; step++) {
        long a = time(random);
        long b = a + random.nextInt(random.nextBoolean() ? 10 : 120) - 2;
        int op = random.nextInt(20);
        String at = "seed " + seed + " step " + step + " op " + op + " [" + a + ", " + b + ")";
        if (op < 9) {
          State s = state(random);
          mine.put(a, b, s);
          model.put(a, b, s);
        } else if (op < 11) {
          mine.clear(a, b);
          model.clear(a, b);
        } else if (op < 13) {
          List<Interval> intervals = new ArrayList<>();
          long t = a;
          for (int k = random.nextInt(4); k > 0; k--) {
            long e = t + 1 + random.nextInt(20);
            State s = random.nextBoolean() ? State.UP : State.DOWN;
            intervals.add(new Interval(Instant.EPOCH.plusNanos(t), Instant.EPOCH.plusNanos(e), s));
            t = e + random.nextInt(3);
          }
          mine.replace(a, b, intervals);
          model.replace(a, b, intervals);
        } else if (op < 14) {
          mine.dropBefore(a);
          model.dropBefore(a);
        } else if (op < 15) {
          long hour = Math.floorDiv(a, 100) * 100;
          // compactHour works on whole hours: scale this test's times to hours for it.
          mine.put(
              hour * LocationHistory.HOUR_NANOS / 100,
              1 + hour * LocationHistory.HOUR_NANOS / 100,
              State.DOWN);
          model.put(
              hour * LocationHistory.HOUR_NANOS / 100,
              1 + hour * LocationHistory.HOUR_NANOS / 100,
              State.DOWN);
          mine.compactHour(LocationHistory.floorHour(hour * LocationHistory.HOUR_NANOS / 100));
          model.compactHour(LocationHistory.floorHour(hour * LocationHistory.HOUR_NANOS / 100));
        } else {
          assertThat(mine.between(a, b)).as(at).isEqualTo(model.between(a, b));
          assertThat(mine.countIn(a, b)).as(at).isEqualTo(model.countIn(a, b));
          assertThat(mine.lastEndIn(a, b)).as(at).isEqualTo(model.lastEndIn(a, b));
          assertThat(mine.durationsIn(a, b)).as(at).isEqualTo(model.durationsIn(a, b));
          assertThat(mine.nextHourWithData(a)).as(at).isEqualTo(model.nextHourWithData(a));
        }
        assertThat(mine.all()).as(at).isEqualTo(model.all());
        assertThat(mine.size()).as(at).isEqualTo(model.size());
        assertThat(mine.isEmpty()).as(at).isEqualTo(model.isEmpty());
      }
    }
  }

  @Test
  void whenTwoHistoriesHoldTheSameStretches_thenTheyAreEqualWithEqualHashes() {
    LocationHistory a = new LocationHistory();
    LocationHistory b = new LocationHistory();
    a.put(0, 10, State.UP);
    a.put(20, 30, State.DOWN);
    a.put(40, 50, State.UP);
    a.dropBefore(15);
    b.put(40, 50, State.UP);
    b.put(20, 30, State.DOWN);

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    b.put(50, 60, State.DOWN);
    assertThat(a).isNotEqualTo(b);
  }
}
