package io.nines.store.checklog;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.availability.Interval;
import io.nines.availability.State;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stretch arithmetic under {@link CheckLog}'s history. */
class LocationHistoryTest {
  static Instant at(long nanos) {
    return LocationHistory.instant(nanos);
  }

  @Test
  void whenNeighboursShareAState_thenTheyAreOneStretchWhateverOrderTheyWereWritten() {
    LocationHistory a = new LocationHistory();
    a.put(0, 10, State.UP);
    a.put(10, 20, State.UP);
    a.put(20, 30, State.DOWN);
    LocationHistory b = new LocationHistory();
    b.put(20, 30, State.DOWN);
    b.put(10, 20, State.UP);
    b.put(0, 10, State.UP);

    assertThat(a).isEqualTo(b);
    assertThat(a.all())
        .containsExactly(
            new Interval(at(0), at(20), State.UP), new Interval(at(20), at(30), State.DOWN));
  }

  @Test
  void whenTheMiddleOfAStretchIsCleared_thenItSplitsAndPuttingItBackJoinsIt() {
    LocationHistory h = new LocationHistory();
    h.put(0, 100, State.UP);
    h.clear(40, 60);
    assertThat(h.all())
        .containsExactly(
            new Interval(at(0), at(40), State.UP), new Interval(at(60), at(100), State.UP));

    h.put(40, 60, State.UP);
    assertThat(h.all()).containsExactly(new Interval(at(0), at(100), State.UP));
  }

  @Test
  void whenAnHourIsReplaced_thenStretchesCrossingItsEdgesAreCutAndRejoined() {
    LocationHistory h = new LocationHistory();
    long hour = LocationHistory.HOUR_NANOS;
    h.put(-10, hour + 10, State.UP);
    h.replace(0, hour, List.of(new Interval(at(5), at(hour), State.DOWN)));
    assertThat(h.all())
        .containsExactly(
            new Interval(at(-10), at(0), State.UP),
            new Interval(at(5), at(hour), State.DOWN),
            new Interval(at(hour), at(hour + 10), State.UP));
    h.replace(0, hour, List.of(new Interval(at(0), at(hour), State.UP)));
    assertThat(h.all()).containsExactly(new Interval(at(-10), at(hour + 10), State.UP));
  }

  @Test
  void whenDroppedBeforeAnInstant_thenTheStretchAcrossItIsCut() {
    LocationHistory h = new LocationHistory();
    h.put(0, 10, State.DOWN);
    h.put(20, 40, State.UP);
    h.dropBefore(30);
    assertThat(h.all()).containsExactly(new Interval(at(30), at(40), State.UP));
    assertThat(h.between(0, 35)).containsExactly(new Interval(at(30), at(35), State.UP));
  }
}
