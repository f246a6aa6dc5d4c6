package io.nines.store.testing;

import io.nines.common.Failure;
import io.nines.common.FailureKind;
import io.nines.common.ProbeResult;
import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.nines.config.ConfigVersion;
import io.nines.config.DownWhen;
import io.nines.config.Fleet;
import io.nines.config.MaintenanceWindow;
import io.nines.config.PageAfter;
import io.nines.config.Service;
import io.nines.config.Settings;
import io.nines.config.Tier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds {@link Fleet}s and {@link ProbeResult}s for tests, without the YAML loader. */
public final class TestFleets {
  private final Map<String, Service> services = new LinkedHashMap<>();
  private final List<Check> checks = new ArrayList<>();
  private final List<MaintenanceWindow> maintenance = new ArrayList<>();

  /**
   * Tests built without the loader page as soon as a service is DOWN, so that one failing result
   * opens an incident; tests of the confirmation time use the loader or {@link #pageAfter}.
   */
  private static final Settings.Alerting PAGE_AT_ONCE =
      new Settings.Alerting(
          Settings.Alerting.DEFAULTS.operators(),
          Settings.Alerting.DEFAULTS.flapChanges(),
          Settings.Alerting.DEFAULTS.flapWindow(),
          PageAfter.IMMEDIATELY);

  private Settings settings =
      new Settings(
          Settings.DEFAULTS.retentionRaw(),
          Settings.DEFAULTS.retentionRollup(),
          Settings.DEFAULTS.tierTargets(),
          PAGE_AT_ONCE);

  private TestFleets() {}

  public static TestFleets fleet() {
    return new TestFleets();
  }

  /** A service with its tier's default target. */
  public TestFleets service(String id, Tier tier) {
    services.put(
        id, new Service(id, id, tier, tier.defaultTargetPercent(), List.of(), List.of(), null));
    return this;
  }

  /** A TCP check of {@code service} (added with tier IMPORTANT if not declared yet). */
  public TestFleets check(
      String id, String service, Duration every, List<String> locations, DownWhen downWhen) {
    if (!services.containsKey(service)) {
      service(service, Tier.IMPORTANT);
    }
    checks.add(
        new Check(
            id,
            service,
            every,
            every.dividedBy(2),
            locations,
            downWhen,
            0,
            new CheckSpec.Tcp("localhost", 80, null, List.of())));
    return this;
  }

  public TestFleets maintenance(String id, List<String> services, MaintenanceWindow.Schedule s) {
    maintenance.add(new MaintenanceWindow(id, services, s, "test"));
    return this;
  }

  public TestFleets retentionRaw(Duration retention) {
    settings =
        new Settings(
            retention, settings.retentionRollup(), settings.tierTargets(), settings.alerting());
    return this;
  }

  /** The fleet's confirmation time ({@code settings.alerting.page-after}). */
  public TestFleets pageAfter(PageAfter pageAfter) {
    Settings.Alerting a = settings.alerting();
    settings =
        new Settings(
            settings.retentionRaw(),
            settings.retentionRollup(),
            settings.tierTargets(),
            new Settings.Alerting(a.operators(), a.flapChanges(), a.flapWindow(), pageAfter));
    return this;
  }

  public Fleet build() {
    Set<String> locations = new LinkedHashSet<>();
    checks.forEach(c -> locations.addAll(c.locations()));
    return new Fleet(
        new ConfigVersion("0123456789abcdef0123", Instant.parse("2026-01-01T00:00:00Z")),
        List.copyOf(locations),
        Map.of(),
        services,
        checks,
        maintenance,
        settings,
        Map.of(),
        List.of());
  }

  /** A passing result. */
  public static ProbeResult ok(
      String agent, long seq, String check, String location, Instant startedAt) {
    return new ProbeResult(
        agent, seq, check, location, startedAt, 120, true, null, 1, Map.of(), null);
  }

  /** A failing result, with an HTTP_STATUS failure at step {@code login}. */
  public static ProbeResult fail(
      String agent, long seq, String check, String location, Instant startedAt) {
    return new ProbeResult(
        agent,
        seq,
        check,
        location,
        startedAt,
        120,
        false,
        new Failure(FailureKind.HTTP_STATUS, "login", "status was 503 but it must be 200"),
        1,
        Map.of(),
        null);
  }
}
