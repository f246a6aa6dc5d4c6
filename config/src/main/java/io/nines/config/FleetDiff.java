package io.nines.config;

import io.nines.config.internal.Flatten;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * What changed between two fleets: locations, teams, services, checks, maintenance windows,
 * variables and settings added, removed or changed, and for changed ones which fields, in the
 * configuration's own words ({@code every 30s -> 60s}). Secrets appear only as their references.
 *
 * <p>Immutable. Changes are ordered by kind (locations, teams, services, checks, maintenance, vars,
 * settings), then as declared in the new fleet, then removed ones as declared in the old.
 *
 * @param from the old fleet's version hash
 * @param to the new fleet's version hash
 * @param changes every change, in the order above
 */
public record FleetDiff(String from, String to, List<Change> changes) {
  /** Values longer than this are cut in {@link #lines()} (not in {@link #toJson()}). */
  private static final int MAX_LINE_VALUE = 80;

  public FleetDiff {
    changes = List.copyOf(changes);
  }

  /** How an entity changed. */
  public enum Op {
    ADDED("+"),
    REMOVED("-"),
    CHANGED("~");

    private final String sign;

    Op(String sign) {
      this.sign = sign;
    }

    /** {@code +}, {@code -} or {@code ~}. */
    public String sign() {
      return sign;
    }
  }

  /**
   * One field of a changed entity.
   *
   * @param field as in the configuration, e.g. {@code every} or {@code journey.login.url}
   * @param before the old value as written, or null when the field was absent
   * @param after the new value as written, or null when it is now absent
   */
  public record FieldChange(String field, String before, String after) {}

  /**
   * One entity added, removed or changed.
   *
   * @param op what happened
   * @param kind {@code location}, {@code team}, {@code service}, {@code check}, {@code
   *     maintenance}, {@code var} or {@code settings}
   * @param id the entity's id; empty for settings
   * @param fields for {@link Op#CHANGED}, the fields that changed; otherwise empty
   */
  public record Change(Op op, String kind, String id, List<FieldChange> fields) {
    public Change {
      fields = List.copyOf(fields);
    }

    /** {@code + service reviews}, {@code ~ check shop-home: every 30s -> 60s}. */
    public String line() {
      StringBuilder sb = new StringBuilder(op.sign()).append(' ').append(kind);
      if (!id.isEmpty()) {
        sb.append(' ').append(id);
      }
      for (int i = 0; i < fields.size(); i++) {
        FieldChange f = fields.get(i);
        sb.append(i == 0 ? ": " : ", ")
            .append(f.field())
            .append(' ')
            .append(shorten(f.before()))
            .append(" -> ")
            .append(shorten(f.after()));
      }
      return sb.toString();
    }
  }

  /** The differences from {@code old} to {@code now}. */
  public static FleetDiff between(Fleet old, Fleet now) {
    List<Change> changes = new ArrayList<>();
    compare(changes, "location", ids(old.locations()), ids(now.locations()));
    compare(
        changes, "team", flatten(old.teams(), Flatten::team), flatten(now.teams(), Flatten::team));
    compare(
        changes,
        "service",
        flatten(old.services(), Flatten::service),
        flatten(now.services(), Flatten::service));
    compare(changes, "check", checks(old), checks(now));
    compare(changes, "maintenance", maintenance(old), maintenance(now));
    compare(changes, "var", vars(old.vars()), vars(now.vars()));
    List<FieldChange> settings =
        fieldChanges(Flatten.settings(old.settings()), Flatten.settings(now.settings()));
    if (!settings.isEmpty()) {
      changes.add(new Change(Op.CHANGED, "settings", "", settings));
    }
    return new FleetDiff(old.version().hash(), now.version().hash(), changes);
  }

  /** Whether the two fleets are the same in every way listed above. */
  public boolean isEmpty() {
    return changes.isEmpty();
  }

  /** One line a change, as {@link Change#line()}. */
  public List<String> lines() {
    return changes.stream().map(Change::line).toList();
  }

  /**
   * For the API: {@code {"from": hash, "to": hash, "added": n, "removed": n, "changed": n,
   * "changes": [{"op": "changed", "kind": "check", "id": "shop-home", "fields": [{"field": "every",
   * "before": "30s", "after": "60s"}]}]}}; absent values are null.
   */
  public JsonObject toJson() {
    JsonArray items = new JsonArray();
    for (Change c : changes) {
      JsonArray fields = new JsonArray();
      for (FieldChange f : c.fields()) {
        fields.add(
            new JsonObject()
                .put("field", f.field())
                .put("before", f.before())
                .put("after", f.after()));
      }
      items.add(
          new JsonObject()
              .put("op", c.op().name().toLowerCase(java.util.Locale.ROOT))
              .put("kind", c.kind())
              .put("id", c.id())
              .put("fields", fields));
    }
    return new JsonObject()
        .put("from", from)
        .put("to", to)
        .put("added", count(Op.ADDED))
        .put("removed", count(Op.REMOVED))
        .put("changed", count(Op.CHANGED))
        .put("changes", items);
  }

  private long count(Op op) {
    return changes.stream().filter(c -> c.op() == op).count();
  }

  private static Map<String, Map<String, String>> ids(List<String> ids) {
    Map<String, Map<String, String>> m = new LinkedHashMap<>();
    ids.forEach(id -> m.put(id, Map.of()));
    return m;
  }

  private static <T> Map<String, Map<String, String>> flatten(
      Map<String, T> byId, Function<T, Map<String, String>> flatten) {
    Map<String, Map<String, String>> m = new LinkedHashMap<>();
    byId.forEach((id, v) -> m.put(id, flatten.apply(v)));
    return m;
  }

  private static Map<String, Map<String, String>> checks(Fleet f) {
    Map<String, Map<String, String>> m = new LinkedHashMap<>();
    f.checks().forEach(c -> m.put(c.id(), Flatten.check(c)));
    return m;
  }

  private static Map<String, Map<String, String>> maintenance(Fleet f) {
    Map<String, Map<String, String>> m = new LinkedHashMap<>();
    f.maintenance().forEach(w -> m.put(w.id(), Flatten.maintenance(w)));
    return m;
  }

  /** Variables by name, for a stable order. */
  private static Map<String, Map<String, String>> vars(Map<String, String> vars) {
    Map<String, Map<String, String>> m = new LinkedHashMap<>();
    new java.util.TreeMap<>(vars).forEach((k, v) -> m.put(k, Map.of("value", v)));
    return m;
  }

  private static void compare(
      List<Change> out,
      String kind,
      Map<String, Map<String, String>> old,
      Map<String, Map<String, String>> now) {
    for (Map.Entry<String, Map<String, String>> e : now.entrySet()) {
      Map<String, String> before = old.get(e.getKey());
      if (before == null) {
        out.add(new Change(Op.ADDED, kind, e.getKey(), List.of()));
      } else {
        List<FieldChange> fields = fieldChanges(before, e.getValue());
        if (!fields.isEmpty()) {
          out.add(new Change(Op.CHANGED, kind, e.getKey(), fields));
        }
      }
    }
    for (String id : old.keySet()) {
      if (!now.containsKey(id)) {
        out.add(new Change(Op.REMOVED, kind, id, List.of()));
      }
    }
  }

  private static List<FieldChange> fieldChanges(Map<String, String> old, Map<String, String> now) {
    Set<String> keys = new LinkedHashSet<>(now.keySet());
    keys.addAll(old.keySet());
    List<FieldChange> out = new ArrayList<>();
    for (String k : keys) {
      String before = old.get(k);
      String after = now.get(k);
      if (!Objects.equals(before, after)) {
        out.add(new FieldChange(k, before, after));
      }
    }
    return out;
  }

  private static String shorten(String v) {
    if (v == null) {
      return "(none)";
    }
    return v.length() <= MAX_LINE_VALUE ? v : v.substring(0, MAX_LINE_VALUE - 3) + "...";
  }
}
