package io.nines.config.internal;

import io.nines.config.Channel;
import io.nines.config.Check;
import io.nines.config.ConfigVersion;
import io.nines.config.DownWhen;
import io.nines.config.Escalation;
import io.nines.config.Fleet;
import io.nines.config.MaintenanceWindow;
import io.nines.config.Notices;
import io.nines.config.PageAfter;
import io.nines.config.Service;
import io.nines.config.Settings;
import io.nines.config.Team;
import io.nines.config.Template;
import io.nines.config.Tier;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Builds a {@link Fleet} from parsed files: merges the sections of every file, validates each
 * definition while building its record, then checks references across the fleet (owners,
 * dependencies and their cycles, services without checks).
 */
public final class FleetBuilder {
  static final List<String> TOP_KEYS =
      List.of("locations", "vars", "settings", "teams", "services", "checks", "maintenance");
  static final List<String> SETTINGS_KEYS = List.of("retention", "tiers", "alerting", "unknown");
  static final List<String> ALERTING_KEYS = List.of("operators", "flapping", "page-after");
  static final List<String> FLAPPING_KEYS = List.of("changes", "window");
  static final List<String> ESCALATION_KEYS = List.of("steps", "repeat");
  static final List<String> STEP_KEYS = List.of("after", "notify");
  static final List<String> NOTICES_KEYS = List.of("upstream", "budget", "root-cause-suppression");
  static final List<String> RETENTION_KEYS = List.of("raw", "rollup");
  static final List<String> TEAM_KEYS =
      List.of(
          "name",
          "email",
          "pagerduty",
          "webhook",
          "slack",
          "alertmanager",
          "escalation",
          "notices");
  static final List<String> CHANNEL_KINDS =
      List.of("email", "pagerduty", "webhook", "slack", "alertmanager");
  static final List<String> PAGERDUTY_KEYS = List.of("routing-key", "url");
  static final List<String> WEBHOOK_KEYS = List.of("url", "secret");
  static final List<String> SLACK_KEYS = List.of("url");
  static final List<String> ALERTMANAGER_KEYS = List.of("url");
  static final List<String> SERVICE_KEYS =
      List.of(
          "name", "tier", "target", "owners", "depends-on", "runbook", "down-when", "page-after");
  static final List<String> MAINTENANCE_KEYS =
      List.of("id", "services", "every", "for", "timezone", "from", "to", "reason");

  private static final Pattern WEEKLY =
      Pattern.compile("(MON|TUE|WED|THU|FRI|SAT|SUN) ([01][0-9]|2[0-3]):([0-5][0-9])");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
  private static final Duration WEEK = Duration.ofDays(7);

  private final Diagnostics d;
  private final LoadContext ctx;
  private final Map<String, String> varOverrides;
  private final Map<String, List<At>> sections = new LinkedHashMap<>();

  /** Where a service's references are written, checked once every team and service is known. */
  private record Refs(
      At service, At ownersAt, List<At> owners, At dependsOnAt, List<At> dependsOn) {}

  private final Map<String, Refs> refs = new LinkedHashMap<>();
  private final Set<String> teamIds = new LinkedHashSet<>();
  private final Set<String> checkedServices = new HashSet<>();

  /** Checks per service id, to hold a service's 'K checks fail' against. */
  private final Map<String, Integer> checksPerService = new HashMap<>();

  /** Where each service with 'K checks fail' (K above 1) says so. */
  private final Map<String, At> serviceDownWhenAt = new HashMap<>();

  /**
   * @param varOverrides replace or add {@code vars:} values
   * @param env the environment, only to warn about unset {@code ${env:..}} secrets
   */
  public FleetBuilder(Diagnostics d, Map<String, String> varOverrides, Map<String, String> env) {
    this.d = d;
    this.ctx = new LoadContext(d, env);
    this.varOverrides = varOverrides;
    TOP_KEYS.forEach(k -> sections.put(k, new ArrayList<>()));
  }

  /** Adds one file's root node (null for an empty file). */
  public void addFile(String path, Node root) {
    if (root == null) {
      return;
    }
    At at = new At(path, root, "", d);
    if (at.isNull()) {
      return;
    }
    if (!at.isMapping()) {
      at.error(
          "must be a mapping of top-level keys ("
              + String.join(", ", TOP_KEYS)
              + ") but was "
              + at.describe());
      return;
    }
    Fields f = at.fields(TOP_KEYS);
    for (String key : f.keys()) {
      sections.get(key).add(f.get(key));
    }
  }

  /** Builds the fleet; the caller throws if {@link Diagnostics#hasErrors()}. */
  public Fleet build(ConfigVersion version) {
    readVars();
    readLocations();
    Settings settings = readSettings();
    Map<String, Team> teams = readTeams();
    String operators = settings.alerting().operators();
    if (operatorsAt != null && operators != null && !teams.containsKey(operators)) {
      LoadContext.unknown(operatorsAt, "team", "teams", operators, teams.keySet());
    }
    Map<String, Service> services = readServices(settings);
    List<Check> checks = readChecks();
    List<MaintenanceWindow> maintenance = readMaintenance();
    crossCheck(services);
    ctx.checkSecrets();
    return new Fleet(
        version,
        ctx.locations,
        teams,
        services,
        checks,
        maintenance,
        settings,
        ctx.vars,
        d.warnings());
  }

  private void readVars() {
    Map<String, At> defined = new HashMap<>();
    for (At section : sections.get("vars")) {
      for (Map.Entry<String, At> e : section.entries().entrySet()) {
        String name = e.getKey();
        At v = e.getValue();
        if (!Templates.VAR_NAME.matcher(name).matches()) {
          v.error(
              "is not a variable name (letters, digits, '_' and '-', starting with a letter or"
                  + " '_')");
          continue;
        }
        if (twice(defined, name, v, "variable")) {
          continue;
        }
        String value = v.text();
        if (value == null) {
          continue;
        }
        if (value.contains("${")) {
          v.error(
              "holds a reference ('${'); variables are plain text, so write the reference where"
                  + " the variable is used");
          continue;
        }
        ctx.vars.put(name, value);
      }
    }
    ctx.vars.putAll(varOverrides);
  }

  /** Reports a second definition of {@code id}, naming both places; true when it was one. */
  private static boolean twice(Map<String, At> defined, String id, At at, String kind) {
    At first = defined.putIfAbsent(id, at);
    if (first != null) {
      at.error(kind + " '" + id + "' is defined twice: here and at " + first.where());
      return true;
    }
    return false;
  }

  private void readLocations() {
    Map<String, At> defined = new HashMap<>();
    for (At section : sections.get("locations")) {
      for (At item : section.items()) {
        String id = item.id();
        if (id != null && !twice(defined, id, item, "location")) {
          ctx.locations.add(id);
        }
      }
    }
  }

  /**
   * Settings may be spread over several files; each setting (e.g. {@code retention.raw}, {@code
   * tiers.critical}) is written at most once.
   */
  private Settings readSettings() {
    Map<String, At> defined = new HashMap<>();
    Duration raw = Settings.DEFAULTS.retentionRaw();
    Duration rollup = Settings.DEFAULTS.retentionRollup();
    At rollupAt = null;
    Map<Tier, Double> targets = new EnumMap<>(Tier.class);
    List<String> tierNames = java.util.Arrays.stream(Tier.values()).map(Tier::configName).toList();
    for (At section : sections.get("settings")) {
      Fields f = section.fields(SETTINGS_KEYS);
      if (f == null) {
        continue;
      }
      Fields r = f.has("retention") ? f.get("retention").fields(RETENTION_KEYS) : null;
      if (r != null
          && r.has("raw")
          && !twice(defined, "retention.raw", r.owner().keyAt("raw"), "setting")) {
        Duration v = r.get("raw").duration();
        if (v != null && v.compareTo(Duration.ofHours(1)) < 0) {
          r.get("raw").mustBe("at least 1h");
        } else if (v != null) {
          raw = v;
        }
      }
      if (r != null
          && r.has("rollup")
          && !twice(defined, "retention.rollup", r.owner().keyAt("rollup"), "setting")) {
        rollupAt = r.get("rollup");
        Duration v = rollupAt.duration();
        rollup = v == null ? rollup : v;
      }
      Fields t = f.has("tiers") ? f.get("tiers").fields(tierNames) : null;
      for (Tier tier : Tier.values()) {
        String name = tier.configName();
        if (t != null
            && t.has(name)
            && !twice(defined, "tiers." + name, t.owner().keyAt(name), "setting")) {
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
    for (At section : sections.get("settings")) {
      Fields f = section.fields(SETTINGS_KEYS);
      if (f == null
          || !f.has("unknown")
          || twice(defined, "unknown", f.owner().keyAt("unknown"), "setting")) {
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

  private At operatorsAt;

  private Settings.Alerting readAlerting(Map<String, At> defined) {
    String operators = Settings.Alerting.DEFAULTS.operators();
    int changes = Settings.Alerting.DEFAULTS.flapChanges();
    Duration window = Settings.Alerting.DEFAULTS.flapWindow();
    PageAfter pageAfter = Settings.Alerting.DEFAULTS.pageAfter();
    for (At section : sections.get("settings")) {
      Fields f = section.fields(SETTINGS_KEYS);
      if (f == null || !f.has("alerting")) {
        continue;
      }
      Fields a = f.get("alerting").fields(ALERTING_KEYS);
      if (a == null) {
        continue;
      }
      if (a.has("operators")
          && !twice(defined, "alerting.operators", a.owner().keyAt("operators"), "setting")) {
        operatorsAt = a.get("operators");
        operators = operatorsAt.id();
      }
      if (a.has("page-after")
          && !twice(defined, "alerting.page-after", a.owner().keyAt("page-after"), "setting")) {
        PageAfter v = pageAfter(a.get("page-after"));
        pageAfter = v == null ? pageAfter : v;
      }
      Fields fl = a.has("flapping") ? a.get("flapping").fields(FLAPPING_KEYS) : null;
      if (fl != null
          && fl.has("changes")
          && !twice(defined, "alerting.flapping.changes", fl.owner().keyAt("changes"), "setting")) {
        Integer v = fl.get("changes").integer(2, 1000);
        changes = v == null ? changes : v;
      }
      if (fl != null
          && fl.has("window")
          && !twice(defined, "alerting.flapping.window", fl.owner().keyAt("window"), "setting")) {
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

  private static Double percent(At at) {
    String expected = "a percentage above 0 and below 100, such as 99.95";
    Double v = at.number(expected);
    if (v != null && !(v > 0 && v < 100)) {
      at.mustBe(expected);
      return null;
    }
    return v;
  }

  private Map<String, Team> readTeams() {
    Map<String, Team> teams = new LinkedHashMap<>();
    Map<String, At> defined = new HashMap<>();
    for (At section : sections.get("teams")) {
      for (Map.Entry<String, At> e : section.entries().entrySet()) {
        String id = e.getKey();
        At at = e.getValue();
        At key = section.keyAt(id);
        if (!At.ID.matcher(id).matches()) {
          key.error("is a team id that is not " + At.ID_RULE);
          continue;
        }
        if (twice(defined, id, key, "team")) {
          continue;
        }
        teamIds.add(id);
        Team team = team(id, at, key);
        if (team != null) {
          teams.put(id, team);
        }
      }
    }
    return teams;
  }

  private Team team(String id, At at, At key) {
    Fields f = at.fields(TEAM_KEYS);
    if (f == null) {
      return null;
    }
    String name = f.has("name") ? f.get("name").string() : id;
    List<Channel> channels = new ArrayList<>();
    for (String kind : f.keys()) {
      if (!CHANNEL_KINDS.contains(kind)) {
        continue;
      }
      At c = f.get(kind);
      Channel channel =
          switch (kind) {
            case "email" -> email(c);
            case "pagerduty" -> pagerDuty(c);
            case "webhook" -> webhook(c);
            case "slack" -> slack(c);
            case "alertmanager" -> alertmanager(c);
            default -> null;
          };
      if (channel != null) {
        channels.add(channel);
      }
    }
    if (f.keys().stream().noneMatch(CHANNEL_KINDS::contains)) {
      key.warning(
          "has no channels (email, pagerduty, webhook, slack, alertmanager), so it is never"
              + " notified");
    }
    List<String> kinds = f.keys().stream().filter(CHANNEL_KINDS::contains).distinct().toList();
    Escalation escalation = f.has("escalation") ? escalation(f.get("escalation"), kinds) : null;
    Notices notices = f.has("notices") ? notices(f.get("notices")) : null;
    return new Team(id, name == null ? id : name, channels, escalation, notices);
  }

  private Escalation escalation(At at, List<String> kinds) {
    Fields f = at.fields(ESCALATION_KEYS);
    if (f == null) {
      return null;
    }
    At stepsAt = f.require("steps", "a list of steps such as { after: 10m, notify: [email] }");
    if (stepsAt == null) {
      return null;
    }
    if (!stepsAt.isSequence() || stepsAt.items().isEmpty()) {
      stepsAt.mustBe("a list of at least one step such as { after: 0m, notify: [pagerduty] }");
      return null;
    }
    List<Escalation.Step> steps = new ArrayList<>();
    Duration previous = null;
    for (At item : stepsAt.items()) {
      Fields sf = item.fields(STEP_KEYS);
      if (sf == null) {
        continue;
      }
      Duration after = Duration.ZERO;
      if (sf.has("after")) {
        Duration v = sf.get("after").duration();
        after = v == null ? after : v;
      }
      if (previous != null && after.compareTo(previous) <= 0) {
        (sf.has("after") ? sf.get("after") : item)
            .mustBe("later than the step before it (" + Units.formatDuration(previous) + ")");
      }
      previous = after;
      At notifyAt = sf.require("notify", "the channel kinds to notify, e.g. [pagerduty, email]");
      List<String> notify = new ArrayList<>();
      if (notifyAt != null) {
        List<At> items = notifyAt.isSequence() ? notifyAt.items() : List.of(notifyAt);
        for (At n : items) {
          String kind = n.string();
          if (kind == null) {
            continue;
          }
          if (!kinds.contains(kind)) {
            n.error(
                "was '"
                    + kind
                    + "' but the team has no such channel; it has "
                    + (kinds.isEmpty() ? "none" : String.join(", ", kinds)));
          } else {
            notify.add(kind);
          }
        }
      }
      steps.add(new Escalation.Step(after, notify));
    }
    Duration repeat = null;
    if (f.has("repeat")) {
      repeat = f.get("repeat").duration();
      if (repeat != null && repeat.compareTo(Duration.ofMinutes(1)) < 0) {
        f.get("repeat").mustBe("at least 1m");
        repeat = null;
      }
    }
    return new Escalation(steps, repeat);
  }

  private Notices notices(At at) {
    Fields f = at.fields(NOTICES_KEYS);
    if (f == null) {
      return null;
    }
    Notices.Mode upstream =
        f.has("upstream") ? mode(f.get("upstream")) : Notices.DEFAULTS.upstream();
    Notices.Mode budget = f.has("budget") ? mode(f.get("budget")) : Notices.DEFAULTS.budget();
    boolean suppression = Notices.DEFAULTS.rootCauseSuppression();
    if (f.has("root-cause-suppression")) {
      Boolean v = f.get("root-cause-suppression").bool();
      suppression = v == null ? suppression : v;
    }
    return new Notices(
        upstream == null ? Notices.DEFAULTS.upstream() : upstream,
        budget == null ? Notices.DEFAULTS.budget() : budget,
        suppression);
  }

  private static Notices.Mode mode(At at) {
    String v = at.string();
    if ("notice".equals(v)) {
      return Notices.Mode.NOTICE;
    }
    if ("page".equals(v)) {
      return Notices.Mode.PAGE;
    }
    if (v != null) {
      at.mustBe("notice or page");
    }
    return null;
  }

  private Channel email(At at) {
    List<At> items = at.isSequence() ? at.items() : List.of(at);
    List<String> to = new ArrayList<>();
    for (At item : items) {
      String addr = item.string();
      if (addr != null && !EMAIL.matcher(addr).matches()) {
        item.mustBe("an email address such as oncall@shop.example");
      } else if (addr != null) {
        to.add(addr);
      }
    }
    if (at.isSequence() && items.isEmpty()) {
      at.mustBe("a list of at least one email address");
    }
    return to.isEmpty() ? null : new Channel.Email(to);
  }

  private Channel pagerDuty(At at) {
    Fields f = at.fields(PAGERDUTY_KEYS);
    if (f == null) {
      return null;
    }
    At keyAt = f.require("routing-key", "the integration's routing key, e.g. ${env:PD_KEY}");
    Template key = keyAt == null ? null : secretTemplate(keyAt);
    String url = null;
    if (f.has("url")) {
      url = ctx.plain(f.get("url"));
      ctx.checkUrl(f.get("url"), url);
    }
    return key == null ? null : new Channel.PagerDuty(key, url);
  }

  private Channel webhook(At at) {
    Fields f = at.fields(WEBHOOK_KEYS);
    if (f == null) {
      return null;
    }
    At urlAt = f.require("url", "where to post, e.g. https://hooks.example/nines");
    Template url = urlAt == null ? null : ctx.template(urlAt, LoadContext.Scope.FLEET, true);
    ctx.checkUrl(urlAt, url);
    Template secret = f.has("secret") ? secretTemplate(f.get("secret")) : null;
    return url == null ? null : new Channel.Webhook(url, secret);
  }

  private Channel slack(At at) {
    Fields f = at.fields(SLACK_KEYS);
    if (f == null) {
      return null;
    }
    At urlAt = f.require("url", "the incoming webhook URL, e.g. ${env:SLACK_WEBHOOK_URL}");
    Template url = urlAt == null ? null : ctx.template(urlAt, LoadContext.Scope.FLEET, true);
    ctx.checkUrl(urlAt, url);
    return url == null ? null : new Channel.Slack(url);
  }

  private Channel alertmanager(At at) {
    Fields f = at.fields(ALERTMANAGER_KEYS);
    if (f == null) {
      return null;
    }
    At urlAt = f.require("url", "Alertmanager's base URL, e.g. http://alertmanager:9093");
    Template url = urlAt == null ? null : ctx.template(urlAt, LoadContext.Scope.FLEET, true);
    ctx.checkUrl(urlAt, url);
    return url == null ? null : new Channel.Alertmanager(url);
  }

  /** A template that should be a secret reference; plain text works but gets a warning. */
  private Template secretTemplate(At at) {
    Template t = ctx.template(at, LoadContext.Scope.FLEET, true);
    if (t != null && !t.hasSecrets()) {
      at.warning(
          "is written in the file in clear; refer to it as ${env:NAME} or ${file:/path} so that"
              + " it stays out of version control");
    }
    return t;
  }

  private Map<String, Service> readServices(Settings settings) {
    Map<String, Service> services = new LinkedHashMap<>();
    Map<String, At> nodes = new LinkedHashMap<>();
    Map<String, At> keys = new HashMap<>();
    Map<String, At> defined = new HashMap<>();
    // Ids first, so that checks and dependencies in any file can refer to any service.
    for (At section : sections.get("services")) {
      for (Map.Entry<String, At> e : section.entries().entrySet()) {
        String id = e.getKey();
        At at = e.getValue();
        At key = section.keyAt(id);
        if (!At.ID.matcher(id).matches()) {
          key.error("is a service id that is not " + At.ID_RULE);
          continue;
        }
        if (!twice(defined, id, key, "service")) {
          nodes.put(id, at);
          keys.put(id, key);
          ctx.serviceIds.add(id);
        }
      }
    }
    for (Map.Entry<String, At> e : nodes.entrySet()) {
      Service s = service(e.getKey(), e.getValue(), keys.get(e.getKey()), settings);
      if (s != null) {
        services.put(e.getKey(), s);
      }
    }
    return services;
  }

  private Service service(String id, At at, At key, Settings settings) {
    Fields f = at.fields(SERVICE_KEYS);
    if (f == null) {
      return null;
    }
    String name = f.has("name") ? f.get("name").string() : id;
    At tierAt = f.require("tier", "critical, important or non-critical");
    Tier tier = null;
    if (tierAt != null) {
      String t = tierAt.string();
      tier = t == null ? null : Tier.fromConfigName(t).orElse(null);
      if (t != null && tier == null) {
        tierAt.mustBe("one of critical, important, non-critical");
      }
    }
    Double target = f.has("target") ? percent(f.get("target")) : null;
    if (target == null && tier != null) {
      target = settings.tierTargets().get(tier);
    }
    List<At> ownerItems = f.has("owners") ? ids(f.get("owners")) : List.of();
    List<At> dependsOnItems = f.has("depends-on") ? ids(f.get("depends-on")) : List.of();
    refs.put(id, new Refs(key, f.get("owners"), ownerItems, f.get("depends-on"), dependsOnItems));
    List<String> owners = ownerItems.stream().map(At::scalar).toList();
    List<String> dependsOn = dependsOnItems.stream().map(At::scalar).toList();
    String runbook = null;
    if (f.has("runbook")) {
      runbook = ctx.plain(f.get("runbook"));
      ctx.checkUrl(f.get("runbook"), runbook);
    }
    DownWhen downWhen = DownWhen.ANY;
    if (f.has("down-when")) {
      downWhen = serviceDownWhen(f.get("down-when"));
      if (downWhen.failing() > 1) {
        serviceDownWhenAt.put(id, f.get("down-when"));
      }
    }
    PageAfter pageAfter = f.has("page-after") ? pageAfter(f.get("page-after")) : null;
    if (tier == null || target == null) {
      return null;
    }
    return new Service(
        id,
        name == null ? id : name,
        tier,
        target,
        owners,
        dependsOn,
        runbook,
        downWhen,
        pageAfter);
  }

  private static final Pattern FAILURES = Pattern.compile("([0-9]{1,4}) failures?");

  /** A {@code page-after}: a duration up to a day, or 'N failures' with N from 1 to 100. */
  private static PageAfter pageAfter(At at) {
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

  private static final Pattern SERVICE_DOWN_WHEN = Pattern.compile("([0-9]{1,9}) checks? fail");

  /** A service's {@code down-when}: any, all, majority, or 'K checks fail'. */
  private static DownWhen serviceDownWhen(At at) {
    String s = at.string();
    if (s == null) {
      return DownWhen.ANY;
    }
    switch (s) {
      case "any":
        return DownWhen.ANY;
      case "all":
        return DownWhen.ALL;
      case "majority":
        return DownWhen.MAJORITY;
      default:
        break;
    }
    Matcher m = SERVICE_DOWN_WHEN.matcher(s);
    if (!m.matches() || Integer.parseInt(m.group(1)) < 1) {
      at.mustBe(
          "'any' (the default: one DOWN check makes the service DOWN), 'all', 'majority', or 'K"
              + " checks fail' with K at least 1, e.g. '2 checks fail'");
      return DownWhen.ANY;
    }
    return new DownWhen(Integer.parseInt(m.group(1)));
  }

  /** The items of a list of ids that are well-formed ids. */
  private static List<At> ids(At at) {
    List<At> out = new ArrayList<>();
    for (At item : at.items()) {
      if (item.id() != null) {
        out.add(item);
      }
    }
    return out;
  }

  private List<Check> readChecks() {
    List<Check> checks = new ArrayList<>();
    Map<String, At> defined = new HashMap<>();
    CheckReader reader = new CheckReader(ctx);
    for (At section : sections.get("checks")) {
      for (At item : section.items()) {
        // Ids and services as written count even when the rest of the check is broken, so that
        // a duplicate is still found and its service is not said to have no checks.
        String id = rawId(item, "id");
        boolean duplicate = id != null && twice(defined, id, item, "check");
        String service = rawId(item, "service");
        if (service != null) {
          checkedServices.add(service);
          checksPerService.merge(service, 1, Integer::sum);
        }
        Check c = reader.read(item);
        if (c != null && !duplicate) {
          checks.add(c);
        }
      }
    }
    return checks;
  }

  private List<MaintenanceWindow> readMaintenance() {
    List<MaintenanceWindow> out = new ArrayList<>();
    Map<String, At> defined = new HashMap<>();
    for (At section : sections.get("maintenance")) {
      for (At item : section.items()) {
        String id = rawId(item, "id");
        boolean duplicate = id != null && twice(defined, id, item, "maintenance window");
        MaintenanceWindow w = maintenance(item);
        if (w != null && !duplicate) {
          out.add(w);
        }
      }
    }
    return out;
  }

  /** The well-formed id at {@code key} of a mapping, read without reporting anything. */
  private static String rawId(At item, String key) {
    if (item.node() instanceof org.snakeyaml.engine.v2.nodes.MappingNode m) {
      for (var t : m.getValue()) {
        if (t.getKeyNode() instanceof org.snakeyaml.engine.v2.nodes.ScalarNode k
            && k.getValue().equals(key)
            && t.getValueNode() instanceof org.snakeyaml.engine.v2.nodes.ScalarNode v
            && At.ID.matcher(v.getValue()).matches()) {
          return v.getValue();
        }
      }
    }
    return null;
  }

  private MaintenanceWindow maintenance(At at) {
    Fields f = at.fields(MAINTENANCE_KEYS);
    if (f == null) {
      return null;
    }
    At idAt = f.require("id", "a unique id such as catalog-weekly");
    String id = idAt == null ? null : idAt.id();
    At servicesAt = f.require("services", "the ids of the services it covers");
    List<String> services = new ArrayList<>();
    if (servicesAt != null) {
      for (At item : servicesAt.items()) {
        String s = item.id();
        if (s != null && !ctx.serviceIds.contains(s)) {
          LoadContext.unknown(item, "service", "services", s, ctx.serviceIds);
        } else if (s != null) {
          services.add(s);
        }
      }
      if (servicesAt.isSequence() && servicesAt.items().isEmpty()) {
        servicesAt.mustBe("a list of at least one service");
      }
    }
    String reason = f.has("reason") ? f.get("reason").anyString() : "";
    MaintenanceWindow.Schedule schedule = schedule(f, at);
    if (id == null || schedule == null) {
      return null;
    }
    return new MaintenanceWindow(id, services, schedule, reason);
  }

  private MaintenanceWindow.Schedule schedule(Fields f, At at) {
    boolean weekly = f.has("every") || f.has("for") || f.has("timezone");
    boolean once = f.has("from") || f.has("to");
    if (weekly && once) {
      at.error(
          "mixes a weekly window (every, for, timezone) with a one-off window (from, to); write"
              + " one or the other");
      return null;
    }
    if (!weekly && !once) {
      at.error(
          "has no schedule; write every: \"SUN 02:00\" and for: 2h for a weekly window, or from:"
              + " and to: (ISO-8601 instants) for a one-off window");
      return null;
    }
    if (once) {
      At fromAt = f.require("from", "when it starts, e.g. 2026-05-01T02:00:00Z");
      At toAt = f.require("to", "when it ends, e.g. 2026-05-01T04:00:00Z");
      Instant from = fromAt == null ? null : instant(fromAt);
      Instant to = toAt == null ? null : instant(toAt);
      if (from != null && to != null && !to.isAfter(from)) {
        toAt.mustBe("after from (" + from + ")");
        return null;
      }
      return from == null || to == null ? null : new MaintenanceWindow.Once(from, to);
    }
    At everyAt = f.require("every", "the weekly start, e.g. \"SUN 02:00\"");
    At forAt = f.require("for", "how long it lasts, e.g. 2h");
    DayOfWeek day = null;
    LocalTime time = null;
    if (everyAt != null) {
      String s = everyAt.string();
      Matcher m = s == null ? null : WEEKLY.matcher(s);
      if (m != null && m.matches()) {
        day = dayOf(m.group(1));
        time = LocalTime.of(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
      } else if (s != null) {
        everyAt.mustBe("a day and a 24-hour time such as \"SUN 02:00\" (MON, TUE, ... SUN)");
      }
    }
    Duration length = null;
    if (forAt != null) {
      length = forAt.duration();
      if (length != null && (length.isZero() || length.compareTo(WEEK) >= 0)) {
        forAt.mustBe("above 0 and less than 7d");
        length = null;
      }
    }
    ZoneId zone = ZoneId.of("UTC");
    if (f.has("timezone")) {
      String z = f.get("timezone").string();
      try {
        zone = z == null ? zone : ZoneId.of(z);
      } catch (RuntimeException e) {
        f.get("timezone").mustBe("a time zone id such as UTC or Europe/Paris");
      }
    }
    if (day == null || length == null) {
      return null;
    }
    return new MaintenanceWindow.Weekly(day, time, length, zone);
  }

  private static DayOfWeek dayOf(String s) {
    for (DayOfWeek d : DayOfWeek.values()) {
      if (d.name().startsWith(s)) {
        return d;
      }
    }
    throw new IllegalArgumentException(s);
  }

  private static Instant instant(At at) {
    String s = at.string();
    if (s == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      at.mustBe("an ISO-8601 date and time with an offset, such as 2026-05-01T02:00:00Z");
      return null;
    }
  }

  private void crossCheck(Map<String, Service> services) {
    Map<String, List<String>> graph = new LinkedHashMap<>();
    for (Map.Entry<String, Refs> e : refs.entrySet()) {
      String id = e.getKey();
      Refs r = e.getValue();
      if (r.ownersAt() == null || r.owners().isEmpty()) {
        (r.ownersAt() == null ? r.service() : r.ownersAt())
            .warning("has no owners, so nobody is paged when it fails; add owners: [team-id]");
      }
      Set<String> seen = new HashSet<>();
      for (At item : r.owners()) {
        String team = item.scalar();
        if (!teamIds.contains(team)) {
          LoadContext.unknown(item, "team", "teams", team, teamIds);
        } else if (!seen.add(team)) {
          item.error("was '" + team + "', which is already listed");
        }
      }
      List<String> deps = new ArrayList<>();
      seen.clear();
      for (At item : r.dependsOn()) {
        String dep = item.scalar();
        if (dep.equals(id)) {
          item.error("was '" + dep + "', the service itself; a service can't depend on itself");
        } else if (!ctx.serviceIds.contains(dep)) {
          LoadContext.unknown(item, "service", "services", dep, ctx.serviceIds);
        } else if (!seen.add(dep)) {
          item.error("was '" + dep + "', which is already listed");
        } else {
          deps.add(dep);
        }
      }
      graph.put(id, deps);
      if (!checkedServices.contains(id) && services.containsKey(id)) {
        r.service().warning("has no checks, so its availability is never measured");
      }
      Service service = services.get(id);
      At downWhenAt = serviceDownWhenAt.get(id);
      int measuredBy = checksPerService.getOrDefault(id, 0);
      if (service != null && downWhenAt != null && service.downWhen().failing() > measuredBy) {
        downWhenAt.error(
            "was '"
                + service.downWhen().printForService()
                + "' but "
                + measuredBy
                + (measuredBy == 1 ? " check measures" : " checks measure")
                + " the service, so it could never be DOWN; use K from 1 to "
                + Math.max(1, measuredBy)
                + ", or 'all'");
      }
    }
    reportCycles(graph);
  }

  /** Reports each cycle once, starting at its service declared first. */
  private void reportCycles(Map<String, List<String>> graph) {
    List<String> order = new ArrayList<>(graph.keySet());
    Map<String, Integer> state = new HashMap<>(); // 1 on the stack, 2 done
    Set<List<String>> reported = new HashSet<>();
    for (String start : order) {
      if (!state.containsKey(start)) {
        dfs(start, graph, state, new ArrayList<>(), order, reported);
      }
    }
  }

  private void dfs(
      String node,
      Map<String, List<String>> graph,
      Map<String, Integer> state,
      List<String> stack,
      List<String> order,
      Set<List<String>> reported) {
    state.put(node, 1);
    stack.add(node);
    for (String next : graph.getOrDefault(node, List.of())) {
      Integer s = state.get(next);
      if (s == null) {
        dfs(next, graph, state, stack, order, reported);
      } else if (s == 1) {
        List<String> cycle = new ArrayList<>(stack.subList(stack.indexOf(next), stack.size()));
        // Rotate to start at the service declared first, so each cycle is reported once.
        int first = 0;
        for (int i = 1; i < cycle.size(); i++) {
          if (order.indexOf(cycle.get(i)) < order.indexOf(cycle.get(first))) {
            first = i;
          }
        }
        List<String> rotated = new ArrayList<>(cycle.subList(first, cycle.size()));
        rotated.addAll(cycle.subList(0, first));
        if (reported.add(rotated)) {
          refs.get(rotated.get(0))
              .dependsOnAt()
              .error(
                  "forms a cycle: "
                      + String.join(" -> ", rotated)
                      + " -> "
                      + rotated.get(0)
                      + "; dependencies must not loop");
        }
      }
    }
    stack.remove(stack.size() - 1);
    state.put(node, 2);
  }
}
