package io.nines.config.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What every section reader shares: duplicate definitions and ids read without reporting. */
final class Definitions {
  private Definitions() {}

  /** Reports a second definition of {@code id}, naming both places; true when it was one. */
  static boolean twice(Map<String, At> defined, String id, At at, String kind) {
    At first = defined.putIfAbsent(id, at);
    if (first != null) {
      at.error(kind + " '" + id + "' is defined twice: here and at " + first.where());
      return true;
    }
    return false;
  }

  /** The well-formed id at {@code key} of a mapping, read without reporting anything. */
  static String rawId(At item, String key) {
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

  /** What to do with one definition of a keyed section. */
  interface Definition {
    void accept(String id, At key, At value);
  }

  /**
   * Hands each entry of keyed sections ({@code teams:}, {@code services:}) to {@code action}, in
   * order, once its id is well-formed and not defined before; reports the others.
   */
  static void forEachDefined(List<At> sections, String kind, Definition action) {
    Map<String, At> defined = new HashMap<>();
    for (At section : sections) {
      for (Map.Entry<String, At> e : section.entries().entrySet()) {
        String id = e.getKey();
        At at = e.getValue();
        At key = section.keyAt(id);
        if (!At.ID.matcher(id).matches()) {
          key.error("is a " + kind + " id that is not " + At.ID_RULE);
          continue;
        }
        if (!twice(defined, id, key, kind)) {
          action.accept(id, key, at);
        }
      }
    }
  }
}
