package io.nines.availability.report;

import io.nines.availability.Interval;
import io.nines.availability.State;
import io.nines.availability.Timeline;
import io.nines.common.TimeRange;
import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.nines.config.ConfigVersion;
import io.nines.config.DownWhen;
import io.nines.config.Fleet;
import io.nines.config.MaintenanceWindow;
import io.nines.config.Service;
import io.nines.config.Settings;
import io.nines.config.Tier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fleet and the location timelines a store would return for it, built by hand: the read models
 * are pure, so their tests need neither a store nor a clock, only a fixed {@code now}.
 */
final class ReportFixtures {
  /** The fixed present of every test here: mid-April 2026, noon UTC. */
  static final Instant NOW = Instant.parse("2026-04-15T12:00:00Z");

  static final Duration EVERY = Duration.ofMinutes(1);

  private final Map<String, Service> services = new LinkedHashMap<>();
  private final List<Check> checks = new ArrayList<>();
  private final List<MaintenanceWindow> maintenance = new ArrayList<>();
  private final Map<String, Map<String, Timeline>> byCheck = new HashMap<>();

  static ReportFixtures fleet() {
    return new ReportFixtures();
  }

  /** A service named {@code name}, with its tier's default target and no checks yet. */
  ReportFixtures service(String id, String name, Tier tier) {
    services.put(
        id, new Service(id, name, tier, tier.defaultTargetPercent(), List.of(), List.of(), null));
    return this;
  }

  /**
   * A check of {@code service} from location {@code eu} whose timeline over {@code span} is UP but
   * for {@code downs}; before {@code span} nothing reported.
   */
  ReportFixtures upExcept(String service, TimeRange span, TimeRange... downs) {
    String id = service + "-check";
    checks.add(
        new Check(
            id,
            service,
            EVERY,
            EVERY.dividedBy(2),
            List.of("eu"),
            DownWhen.ANY,
            0,
            new CheckSpec.Tcp("localhost", 80, null, List.of())));
    List<Interval> parts = new ArrayList<>();
    Instant cursor = span.start();
    for (TimeRange down : downs) {
      if (cursor.isBefore(down.start())) {
        parts.add(new Interval(cursor, down.start(), State.UP));
      }
      parts.add(new Interval(down.start(), down.end(), State.DOWN));
      cursor = down.end();
    }
    if (cursor.isBefore(span.end())) {
      parts.add(new Interval(cursor, span.end(), State.UP));
    }
    byCheck.put(id, Map.of("eu", Timeline.of(span, parts)));
    return this;
  }

  /** A one-off maintenance window of {@code service}. */
  ReportFixtures maintenance(String id, String service, TimeRange when) {
    maintenance.add(
        new MaintenanceWindow(
            id, List.of(service), new MaintenanceWindow.Once(when.start(), when.end()), "test"));
    return this;
  }

  Fleet build() {
    return new Fleet(
        new ConfigVersion("0123456789abcdef0123", Instant.parse("2026-01-01T00:00:00Z")),
        List.of("eu"),
        Map.of(),
        services,
        checks,
        maintenance,
        Settings.DEFAULTS,
        Map.of(),
        List.of());
  }

  /** What a store would return for the fleet's checks. */
  FetchedTimelines fetched() {
    return new FetchedTimelines(Map.copyOf(byCheck));
  }

  static Instant at(String iso) {
    return Instant.parse(iso);
  }

  static TimeRange range(String from, String to) {
    return new TimeRange(Instant.parse(from), Instant.parse(to));
  }
}
