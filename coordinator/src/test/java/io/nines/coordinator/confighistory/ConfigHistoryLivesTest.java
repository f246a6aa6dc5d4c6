package io.nines.coordinator.confighistory;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.availability.report.Lives;
import io.nines.common.testing.ManualTimeSource;
import io.nines.config.ConfigVersion;
import io.nines.config.DownWhen;
import io.nines.config.Fleet;
import io.nines.config.MaintenanceWindow;
import io.nines.store.testing.TestFleets;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Where checks' lives and maintenance windows start, by the configuration history. */
class ConfigHistoryLivesTest {
  static final Instant T0 = Instant.parse("2026-04-10T00:00:00Z");

  final ManualTimeSource time = new ManualTimeSource(T0);
  final ConfigHistoryDurableTest.MapDocuments documents =
      new ConfigHistoryDurableTest.MapDocuments();
  final AtomicReference<Fleet> fleet = new AtomicReference<>();

  static MaintenanceWindow.Weekly sundayAt(int hour) {
    return new MaintenanceWindow.Weekly(
        DayOfWeek.SUNDAY, LocalTime.of(hour, 0), Duration.ofHours(2), ZoneOffset.UTC);
  }

  static Fleet fleet(String hash, List<String> checks, MaintenanceWindow.Weekly window) {
    TestFleets f = TestFleets.fleet();
    for (String c : checks) {
      f.check(c, "shop", Duration.ofSeconds(30), List.of("eu"), DownWhen.MAJORITY);
    }
    f.maintenance("shop-weekly", List.of("shop"), window);
    Fleet built = f.build();
    return new Fleet(
        new ConfigVersion(hash, T0),
        built.locations(),
        built.teams(),
        built.services(),
        built.checks(),
        built.maintenance(),
        built.settings(),
        built.vars(),
        built.warnings());
  }

  ConfigHistory restarted() {
    ConfigHistory h = new ConfigHistory(fleet::get, time, documents);
    h.load();
    h.observe();
    return h;
  }

  @Test
  void whenNoConfigurationWasEverApplied_thenNothingIsKnown() {
    ConfigHistory h = new ConfigHistory(fleet::get, time, documents);
    h.load();
    h.observe();

    assertThat(h.lives()).isEqualTo(Lives.NONE);
  }

  @Test
  void whenChecksAreAddedLater_thenEachLifeStartsWhenItsConfigurationWasFirstApplied() {
    fleet.set(fleet("a", List.of("home"), sundayAt(2)));
    ConfigHistory h = restarted();
    time.advance(Duration.ofHours(5));
    fleet.set(fleet("b", List.of("home", "search"), sundayAt(2)));
    h.observe();

    assertThat(h.lives().checkConfigured("home")).isEqualTo(T0);
    assertThat(h.lives().checkConfigured("search")).isEqualTo(T0.plus(Duration.ofHours(5)));
    assertThat(h.lives().maintenanceSince("shop-weekly")).isEqualTo(T0);
    assertThat(h.lives().maintenanceSince("adhoc-1")).as("not configured: as declared").isNull();
  }

  @Test
  void whenTheCoordinatorRestarts_thenLivesAreReadBackAndAChangeWhileDownIsPlacedAtTheRestart() {
    fleet.set(fleet("a", List.of("home"), sundayAt(2)));
    restarted();
    time.advance(Duration.ofDays(2));
    // Changed while no coordinator ran: a check added, the window moved to 04:00.
    fleet.set(fleet("b", List.of("home", "search"), sundayAt(4)));

    ConfigHistory h = restarted();

    assertThat(h.lives().checkConfigured("home")).isEqualTo(T0);
    assertThat(h.lives().checkConfigured("search")).isEqualTo(T0.plus(Duration.ofDays(2)));
    assertThat(h.lives().maintenanceSince("shop-weekly"))
        .as("the moved window applies from when its new schedule was applied")
        .isEqualTo(T0.plus(Duration.ofDays(2)));

    time.advance(Duration.ofDays(1));
    ConfigHistory same = restarted();
    assertThat(same.lives()).isEqualTo(h.lives());
  }

  @Test
  void whenACheckIsRemovedAndAddedBack_thenItsLifeStillStartsWhenItWasFirstApplied() {
    fleet.set(fleet("a", List.of("home", "search"), sundayAt(2)));
    ConfigHistory h = restarted();
    time.advance(Duration.ofHours(1));
    fleet.set(fleet("b", List.of("home"), sundayAt(2)));
    h.observe();
    time.advance(Duration.ofHours(1));
    fleet.set(fleet("c", List.of("home", "search"), sundayAt(2)));
    h.observe();

    assertThat(h.lives().checkConfigured("search")).isEqualTo(T0);
    assertThat(h.lives().maintenanceSince("shop-weekly")).isEqualTo(T0);
  }
}
