package io.nines.coordinator.confighistory;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.common.testing.ManualTimeSource;
import io.nines.config.ConfigVersion;
import io.nines.config.DownWhen;
import io.nines.config.Fleet;
import io.nines.coordinator.api.ConfigRoutes;
import io.nines.store.documents.Documents;
import io.nines.store.testing.TestFleets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Configuration history kept in {@link Documents}: what a restart reads back and records. */
class ConfigHistoryDurableTest {
  static final Instant T0 = Instant.parse("2026-04-10T00:00:00Z");

  /** Documents in a map, as a database would keep them. */
  static final class MapDocuments implements Documents {
    final Map<String, String> map = new TreeMap<>();

    @Override
    public synchronized Map<String, String> all() {
      return new TreeMap<>(map);
    }

    @Override
    public synchronized String get(String key) {
      return map.get(key);
    }

    @Override
    public synchronized void put(String key, String json) {
      map.put(key, json);
    }

    @Override
    public synchronized boolean putIfAbsent(String key, String json) {
      return map.putIfAbsent(key, json) == null;
    }

    @Override
    public synchronized void remove(String key) {
      map.remove(key);
    }
  }

  final ManualTimeSource time = new ManualTimeSource(T0);
  final MapDocuments documents = new MapDocuments();
  final AtomicReference<Fleet> fleet = new AtomicReference<>();

  static Fleet fleet(String hash, Duration every) {
    Fleet f =
        TestFleets.fleet()
            .check("home", "shop", every, List.of("eu"), DownWhen.MAJORITY)
            .check("pay", "pay", Duration.ofSeconds(30), List.of("eu"), DownWhen.MAJORITY)
            .build();
    return new Fleet(
        new ConfigVersion(hash, T0),
        f.locations(),
        f.teams(),
        f.services(),
        f.checks(),
        f.maintenance(),
        f.settings(),
        f.vars(),
        f.warnings());
  }

  ConfigHistory restarted() {
    ConfigHistory h = new ConfigHistory(fleet::get, time, documents);
    h.load();
    h.observe();
    return h;
  }

  @Test
  void whenRestartedWithTheSameFiles_thenTheHistoryIsReadBackAndNothingIsRecorded() {
    fleet.set(fleet("aaaaaaaa", Duration.ofSeconds(30)));
    ConfigHistory first = restarted();
    time.advance(Duration.ofMinutes(1));
    fleet.set(fleet("bbbbbbbb", Duration.ofSeconds(60)));
    first.observe();
    List<ConfigHistory.Version> before = first.newestFirst();
    assertThat(before)
        .extracting(ConfigHistory.Version::hash)
        .containsExactly("bbbbbbbb", "aaaaaaaa");
    assertThat(before.get(0).touching("shop")).hasSize(1);
    assertThat(before.get(0).touching("pay")).isEmpty();

    time.advance(Duration.ofMinutes(1));
    fleet.set(fleet("bbbbbbbb", Duration.ofSeconds(60)));
    ConfigHistory second = restarted();
    assertThat(second.newestFirst()).isEqualTo(before);

    // The next change after the restart has its diff again: this process saw the fleet before it.
    time.advance(Duration.ofMinutes(1));
    fleet.set(fleet("cccccccc", Duration.ofSeconds(90)));
    second.observe();
    ConfigHistory.Version newest = second.newestFirst().get(0);
    assertThat(newest.previous()).isEqualTo("bbbbbbbb");
    assertThat(newest.diff()).isNotNull();
    assertThat(newest.touching("shop")).hasSize(1);
  }

  @Test
  void whenTheFilesChangedWhileNothingRan_thenTheNewVersionNamesThePreviousButHasNoDiff() {
    fleet.set(fleet("aaaaaaaa", Duration.ofSeconds(30)));
    restarted();
    time.advance(Duration.ofHours(1));
    fleet.set(fleet("bbbbbbbb", Duration.ofSeconds(60)));
    ConfigHistory after = restarted();
    ConfigHistory.Version newest = after.newestFirst().get(0);
    assertThat(newest.hash()).isEqualTo("bbbbbbbb");
    assertThat(newest.previous()).isEqualTo("aaaaaaaa");
    assertThat(newest.diff()).isNull();
    assertThat(newest.appliedAt()).isEqualTo(T0.plus(Duration.ofHours(1)));
    assertThat(ConfigRoutes.versionJson(newest).getString("previous")).isEqualTo("aaaaaaaa");
  }

  @Test
  void whenMoreThanTheMostVersionsAreApplied_thenTheOldestDocumentsAreDeleted() {
    ConfigHistory h = new ConfigHistory(fleet::get, time, documents);
    h.load();
    for (int i = 0; i < ConfigHistory.MAX_VERSIONS + 3; i++) {
      fleet.set(fleet(String.format("%08d", i), Duration.ofSeconds(30 + i)));
      time.advance(Duration.ofSeconds(1));
      h.observe();
    }
    assertThat(documents.map).hasSize(ConfigHistory.MAX_VERSIONS);
    assertThat(restarted().newestFirst()).isEqualTo(h.newestFirst());
    assertThat(h.newestFirst()).hasSize(ConfigHistory.MAX_VERSIONS);
  }
}
