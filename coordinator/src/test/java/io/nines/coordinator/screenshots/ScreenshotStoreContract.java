package io.nines.coordinator.screenshots;

import static io.nines.coordinator.screenshots.TestPngs.png;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What every {@link ScreenshotStore} does: keep by id, forget by retention and by capacity. */
abstract class ScreenshotStoreContract {
  static final Instant T0 = Instant.parse("2026-04-10T00:00:00Z");

  final AtomicReference<Duration> retention = new AtomicReference<>(Duration.ofDays(7));

  /** An empty store of at most {@code capacityBytes}, with {@link #retention}. */
  abstract ScreenshotStore newStore(long capacityBytes);

  static Screenshot shot(int seed, Instant at) {
    byte[] image = png(16, 12, seed);
    return new Screenshot(Screenshots.contentId(image), at, 16, 12, image);
  }

  @Test
  void whenStored_thenItIsReadBackWhole() {
    ScreenshotStore store = newStore(1_000_000);
    Screenshot s = shot(1, T0);
    store.put(s, T0);

    Screenshot back = store.get(s.id(), T0.plusSeconds(1));

    assertThat(back.png()).isEqualTo(s.png());
    assertThat(back.width()).isEqualTo(16);
    assertThat(back.height()).isEqualTo(12);
    assertThat(back.storedAt()).isEqualTo(T0);
  }

  @Test
  void whenUnknownOrNotAnId_thenNull() {
    ScreenshotStore store = newStore(1_000_000);
    assertThat(store.get("0123456789abcdef0123456789abcdef", T0)).isNull();
    assertThat(store.get("../x", T0)).isNull();
  }

  @Test
  void whenOlderThanTheRetention_thenItIsGone() {
    ScreenshotStore store = newStore(1_000_000);
    Screenshot s = shot(2, T0);
    store.put(s, T0);

    assertThat(store.get(s.id(), T0.plus(Duration.ofDays(7)))).isNotNull();
    assertThat(store.get(s.id(), T0.plus(Duration.ofDays(7)).plusSeconds(1))).isNull();
  }

  @Test
  void whenOverTheCapacity_thenTheOldestGoFirst() {
    long size = shot(0, T0).bytes();
    ScreenshotStore store = newStore(size * 3 + size / 2);
    List<Screenshot> shots = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Instant at = T0.plusSeconds(i);
      Screenshot s = shot(100 + i, at);
      shots.add(s);
      store.put(s, at);
    }
    Instant now = T0.plusSeconds(10);

    assertThat(store.get(shots.get(0).id(), now)).isNull();
    assertThat(store.get(shots.get(1).id(), now)).isNull();
    assertThat(store.get(shots.get(4).id(), now)).isNotNull();
  }
}
