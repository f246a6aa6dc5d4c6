package io.nines.config.internal;

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
}
