package io.nines.config.internal;

import io.nines.config.DownWhen;
import io.nines.config.PageAfter;
import io.nines.config.Service;
import io.nines.config.Settings;
import io.nines.config.Tier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code services:}: ids first, so that checks and dependencies in any file can refer to any
 * service, then each service; owners and dependencies are kept with where they are written, for the
 * fleet's cross-check once every team and service is known.
 */
final class ServicesReader {
  static final List<String> SERVICE_KEYS =
      List.of(
          "name", "tier", "target", "owners", "depends-on", "runbook", "down-when", "page-after");

  /** Where a service's references are written, checked once every team and service is known. */
  record Refs(At service, At ownersAt, List<At> owners, At dependsOnAt, List<At> dependsOn) {}

  private final Map<String, Refs> refs = new LinkedHashMap<>();

  /** Where each service with 'K checks fail' (K above 1) says so. */
  private final Map<String, At> serviceDownWhenAt = new HashMap<>();

  private final LoadContext ctx;
  private final List<At> sections;

  ServicesReader(LoadContext ctx, List<At> sections) {
    this.ctx = ctx;
    this.sections = sections;
  }

  /** Where each service's owners and dependencies are written, by service id. */
  Map<String, Refs> refs() {
    return refs;
  }

  /** Where each service with 'K checks fail' (K above 1) says so, by service id. */
  Map<String, At> downWhenAt() {
    return serviceDownWhenAt;
  }

  Map<String, Service> read(Settings settings) {
    Map<String, Service> services = new LinkedHashMap<>();
    Map<String, At> nodes = new LinkedHashMap<>();
    Map<String, At> keys = new HashMap<>();
    // Ids first, so that checks and dependencies in any file can refer to any service.
    Definitions.forEachDefined(
        sections,
        "service",
        (id, key, at) -> {
          nodes.put(id, at);
          keys.put(id, key);
          ctx.serviceIds.add(id);
        });
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
    Double target = f.has("target") ? SettingsReader.percent(f.get("target")) : null;
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
    PageAfter pageAfter =
        f.has("page-after") ? SettingsReader.pageAfter(f.get("page-after")) : null;
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
}
