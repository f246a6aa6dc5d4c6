package io.nines.config.internal;

import io.nines.config.PageAfter;
import io.nines.config.Settings;
import io.nines.config.Tier;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code settings:}: retention, tier targets, alerting and how unknown time counts. Settings
 * may be spread over several files; each setting is written at most once.
 */
final class SettingsReader {
  static final List<String> SETTINGS_KEYS = List.of("retention", "tiers", "alerting", "unknown");
  static final List<String> ALERTING_KEYS = List.of("operators", "flapping", "page-after");
  static final List<String> FLAPPING_KEYS = List.of("changes", "window");
  static final List<String> RETENTION_KEYS = List.of("raw", "rollup");

  private final List<At> sections;
  private At operatorsAt;

  SettingsReader(List<At> sections) {
    this.sections = sections;
  }

  /**
   * Settings may be spread over several files; each setting (e.g. {@code retention.raw}, {@code
   * tiers.critical}) is written at most once.
   */
  Settings read() {
    Map<String, At> defined = new HashMap<>();
    Duration raw = Settings.DEFAULTS.retentionRaw();
    Duration rollup = Settings.DEFAULTS.retentionRollup();
    At rollupAt = null;
    Map<Tier, Double> targets = new EnumMap<>(Tier.class);
    List<String> tierNames = java.util.Arrays.stream(Tier.values()).map(Tier::configName).toList();
    for (At section : sections) {
      Fields f = section.fields(SETTINGS_KEYS);
      if (f == null) {
        continue;
      }
      Fields r = f.has("retention") ? f.get("retention").fields(RETENTION_KEYS) : null;
      if (r != null
          && r.has("raw")
          && !Definitions.twice(defined, "retention.raw", r.owner().keyAt("raw"), "setting")) {
        Duration v = r.get("raw").duration();
        if (v != null && v.compareTo(Duration.ofHours(1)) < 0) {
          r.get("raw").mustBe("at least 1h");
        } else if (v != null) {
          raw = v;
        }
      }
      if (r != null
          && r.has("rollup")
          && !Definitions.twice(
              defined, "retention.rollup", r.owner().keyAt("rollup"), "setting")) {
        rollupAt = r.get("rollup");
        Duration v = rollupAt.duration();
        rollup = v == null ? rollup : v;
      }
      Fields t = f.has("tiers") ? f.get("tiers").fields(tierNames) : null;
      for (Tier tier : Tier.values()) {
        String name = tier.configName();
        if (t != null
            && t.has(name)
            && !Definitions.twice(defined, "tiers." + name, t.owner().keyAt(name), "setting")) {
          Double v = percent(t.get(name));
          if (v != null) {
            targets.put(tier, v);
          }
        }
      }
    }
    Settings.Alerting alerting = readAlerting(defined);
    Settings.Unknown unknown = readUnknown(defined);
    if (rollup.compareTo(raw) < 0) {
      if (rollupAt != null) {
        rollupAt.mustBe("at least retention.raw (" + Units.formatDuration(raw) + ")");
      }
      rollup = raw;
    }
    return new Settings(raw, rollup, targets, alerting, unknown);
  }

  /** {@code settings.unknown}: how availability counts stale time inside a check's life. */
  private Settings.Unknown readUnknown(Map<String, At> defined) {
    Settings.Unknown unknown = Settings.Unknown.UP;
    for (At section : sections) {
      Fields f = section.fields(SETTINGS_KEYS);
      if (f == null
          || !f.has("unknown")
          || Definitions.twice(defined, "unknown", f.owner().keyAt("unknown"), "setting")) {
        continue;
      }
      At at = f.get("unknown");
      String v = at.string();
      if (v == null) {
        continue;
      }
      boolean found = false;
      for (Settings.Unknown u : Settings.Unknown.values()) {
        if (u.configName().equals(v)) {
          unknown = u;
          found = true;
        }
      }
      if (!found) {
        at.mustBe("one of up, down, excluded");
      }
    }
    return unknown;
  }

  /**
   * Where {@code alerting.operators} is written, or null; its team is checked once teams are known.
   */
  At operatorsAt() {
    return operatorsAt;
  }

  private Settings.Alerting readAlerting(Map<String, At> defined) {
    String operators = Settings.Alerting.DEFAULTS.operators();
    int changes = Settings.Alerting.DEFAULTS.flapChanges();
    Duration window = Settings.Alerting.DEFAULTS.flapWindow();
    PageAfter pageAfter = Settings.Alerting.DEFAULTS.pageAfter();
    for (At section : sections) {
      Fields f = section.fields(SETTINGS_KEYS);
      if (f == null || !f.has("alerting")) {
        continue;
      }
      Fields a = f.get("alerting").fields(ALERTING_KEYS);
      if (a == null) {
        continue;
      }
      if (a.has("operators")
          && !Definitions.twice(
              defined, "alerting.operators", a.owner().keyAt("operators"), "setting")) {
        operatorsAt = a.get("operators");
        operators = operatorsAt.id();
      }
      if (a.has("page-after")
          && !Definitions.twice(
              defined, "alerting.page-after", a.owner().keyAt("page-after"), "setting")) {
        PageAfter v = pageAfter(a.get("page-after"));
        pageAfter = v == null ? pageAfter : v;
      }
      Fields fl = a.has("flapping") ? a.get("flapping").fields(FLAPPING_KEYS) : null;
      if (fl != null
          && fl.has("changes")
          && !Definitions.twice(
              defined, "alerting.flapping.changes", fl.owner().keyAt("changes"), "setting")) {
        Integer v = fl.get("changes").integer(2, 1000);
        changes = v == null ? changes : v;
      }
      if (fl != null
          && fl.has("window")
          && !Definitions.twice(
              defined, "alerting.flapping.window", fl.owner().keyAt("window"), "setting")) {
        Duration v = fl.get("window").duration();
        if (v != null && v.compareTo(Duration.ofMinutes(1)) < 0) {
          fl.get("window").mustBe("at least 1m");
        } else if (v != null) {
          window = v;
        }
      }
    }
    return new Settings.Alerting(operators, changes, window, pageAfter);
  }

  static Double percent(At at) {
    String expected = "a percentage above 0 and below 100, such as 99.95";
    Double v = at.number(expected);
    if (v != null && !(v > 0 && v < 100)) {
      at.mustBe(expected);
      return null;
    }
    return v;
  }

  private static final Pattern FAILURES = Pattern.compile("([0-9]{1,4}) failures?");

  /** A {@code page-after}: a duration up to a day, or 'N failures' with N from 1 to 100. */
  static PageAfter pageAfter(At at) {
    String expected =
        "a duration up to 1d such as 30s (DOWN that long; 0s pages at once), or 'N failures' with"
            + " N from 1 to 100, e.g. '3 failures'";
    String s = at.isString() ? at.scalar() : null;
    if (s != null) {
      Matcher m = FAILURES.matcher(s.trim());
      if (m.matches()) {
        int n = Integer.parseInt(m.group(1));
        if (n >= 1 && n <= 100) {
          return PageAfter.failures(n);
        }
        at.mustBe(expected);
        return null;
      }
      Duration d = Units.parseDuration(s.trim());
      if (d != null && d.compareTo(Duration.ofDays(1)) <= 0) {
        return PageAfter.of(d);
      }
    }
    at.mustBe(expected);
    return null;
  }
}
