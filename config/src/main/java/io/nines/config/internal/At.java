package io.nines.config.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * A YAML node at a place: its file, its key path ({@code checks[2].every}) and its line. The typed
 * readers report a problem naming what was found and what was expected, and return null (or an
 * empty result) so that loading goes on and finds the next problem too.
 */
public final class At {
  /** Ids of teams, services, checks, maintenance windows and locations. */
  public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");

  public static final String ID_RULE =
      "an id of lowercase letters, digits, '-', '_' and '.' that starts with a letter or digit"
          + " (at most 63 characters)";

  private static final int SHOWN_VALUE_CHARS = 60;

  private final String file;
  private final Node node;
  private final String path;
  private final Diagnostics diagnostics;

  public At(String file, Node node, String path, Diagnostics diagnostics) {
    this.file = file;
    this.node = node;
    this.path = path;
    this.diagnostics = diagnostics;
  }

  public String file() {
    return file;
  }

  public Node node() {
    return node;
  }

  public String path() {
    return path;
  }

  /** 1-based line of the node's start. */
  public int line() {
    return node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
  }

  /** {@code file:line}, for messages that point at another place. */
  public String where() {
    return file + ":" + line();
  }

  public Diagnostics diagnostics() {
    return diagnostics;
  }

  /** The child at {@code key} of this mapping. */
  public At key(String key, Node child) {
    return new At(file, child, path.isEmpty() ? key : path + "." + key, diagnostics);
  }

  /** The item at {@code index} of this list. */
  public At index(int index, Node child) {
    return new At(file, child, path + "[" + index + "]", diagnostics);
  }

  /** This node under another path (e.g. a map key reported at its entry's path). */
  public At withPath(String newPath) {
    return new At(file, node, newPath, diagnostics);
  }

  public void error(String message) {
    diagnostics.error(this, message);
  }

  public void warning(String message) {
    diagnostics.warning(this, message);
  }

  /** Reports {@code was <what was found> but it must be <expected>}. */
  public void mustBe(String expected) {
    error("was " + describe() + " but it must be " + expected);
  }

  public boolean isMapping() {
    return node instanceof MappingNode;
  }

  public boolean isSequence() {
    return node instanceof SequenceNode;
  }

  public boolean isNull() {
    return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
  }

  /** A string scalar, quoted or plain, as opposed to a number, boolean or null. */
  public boolean isString() {
    return node instanceof ScalarNode
        && !Tag.NULL.equals(node.getTag())
        && !Tag.INT.equals(node.getTag())
        && !Tag.FLOAT.equals(node.getTag())
        && !Tag.BOOL.equals(node.getTag());
  }

  /** The scalar's text as written, or null for collections. */
  public String scalar() {
    return node instanceof ScalarNode s ? s.getValue() : null;
  }

  /**
   * What was found, for messages: {@code '0s'}, {@code empty}, {@code a list}, {@code a mapping}.
   */
  public String describe() {
    return describe(node);
  }

  static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    ScalarNode s = (ScalarNode) node;
    if (Tag.NULL.equals(s.getTag())) {
      return "empty";
    }
    String v = s.getValue();
    if (v.length() > SHOWN_VALUE_CHARS) {
      v = v.substring(0, SHOWN_VALUE_CHARS) + "...";
    }
    return "'" + v.replace("\n", "\\n") + "'";
  }

  /** A non-empty string; null after reporting otherwise. */
  public String string() {
    if (!isString() || scalar().isEmpty()) {
      mustBe("a non-empty string");
      return null;
    }
    return scalar();
  }

  /** A string or empty string; null after reporting otherwise. */
  public String anyString() {
    if (!isString()) {
      mustBe("a string");
      return null;
    }
    return scalar();
  }

  /** Text: a string, number or boolean, as written. */
  public String text() {
    if (!(node instanceof ScalarNode) || isNull()) {
      mustBe("a string");
      return null;
    }
    return scalar();
  }

  /** An id such as {@code shop-home}. */
  public String id() {
    String s = string();
    if (s == null) {
      return null;
    }
    if (!ID.matcher(s).matches()) {
      mustBe(ID_RULE);
      return null;
    }
    return s;
  }

  /** An integer in {@code [min, max]}. */
  public Integer integer(int min, int max) {
    if (!(node instanceof ScalarNode) || !Tag.INT.equals(node.getTag())) {
      mustBe("a whole number from " + min + " to " + max);
      return null;
    }
    long v;
    try {
      v = Long.parseLong(scalar());
    } catch (NumberFormatException e) {
      mustBe("a whole number from " + min + " to " + max);
      return null;
    }
    if (v < min || v > max) {
      mustBe("a whole number from " + min + " to " + max);
      return null;
    }
    return (int) v;
  }

  /** A number, whole or not. */
  public Double number(String expected) {
    if (!(node instanceof ScalarNode)
        || !(Tag.INT.equals(node.getTag()) || Tag.FLOAT.equals(node.getTag()))) {
      mustBe(expected);
      return null;
    }
    try {
      return Double.parseDouble(scalar());
    } catch (NumberFormatException e) {
      mustBe(expected);
      return null;
    }
  }

  public Boolean bool() {
    if (!(node instanceof ScalarNode) || !Tag.BOOL.equals(node.getTag())) {
      mustBe("true or false");
      return null;
    }
    return Boolean.parseBoolean(scalar());
  }

  /** A duration such as {@code 30s}; null after reporting otherwise. */
  public Duration duration() {
    Duration d = isString() ? Units.parseDuration(scalar()) : null;
    if (d == null) {
      mustBe("a duration such as 30s: a number and a unit, ms, s, m, h or d (1h30m works too)");
    }
    return d;
  }

  /** The items of a list, each at its place; empty after reporting when this is not a list. */
  public List<At> items() {
    if (!(node instanceof SequenceNode seq)) {
      mustBe("a list");
      return List.of();
    }
    List<At> out = new ArrayList<>();
    List<Node> value = seq.getValue();
    for (int i = 0; i < value.size(); i++) {
      out.add(index(i, value.get(i)));
    }
    return out;
  }

  /**
   * The entries of a mapping whose keys are names (teams, vars, headers...), in order. A key that
   * is not a scalar, and a key written twice, are reported and skipped.
   */
  public Map<String, At> entries() {
    Map<String, At> out = new LinkedHashMap<>();
    if (!(node instanceof MappingNode map)) {
      mustBe("a mapping");
      return out;
    }
    Map<String, At> keys = new LinkedHashMap<>();
    for (NodeTuple t : map.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode k) || Tag.NULL.equals(k.getTag())) {
        new At(file, t.getKeyNode(), path, diagnostics)
            .error("has a key that is " + describe(t.getKeyNode()) + "; keys must be names");
        continue;
      }
      String name = k.getValue();
      At keyAt = new At(file, k, childPath(name), diagnostics);
      At first = keys.putIfAbsent(name, keyAt);
      if (first != null) {
        keyAt.error("is written twice in this mapping; the first is at line " + first.line());
        continue;
      }
      out.put(name, key(name, t.getValueNode()));
    }
    return out;
  }

  /**
   * A mapping with a fixed set of keys. Unknown keys are reported with a suggestion and the list of
   * allowed keys.
   *
   * @return the fields, or null after reporting when this is not a mapping
   */
  public Fields fields(List<String> allowed) {
    return fields(allowed, Map.of());
  }

  /**
   * As {@link #fields(List)}, with hints for keys people often write by mistake, e.g. {@code url}
   * in a request.
   */
  public Fields fields(List<String> allowed, Map<String, String> hints) {
    if (!(node instanceof MappingNode)) {
      mustBe("a mapping with keys " + String.join(", ", allowed));
      return null;
    }
    Map<String, At> entries = entries();
    Map<String, At> known = new LinkedHashMap<>();
    for (Map.Entry<String, At> e : entries.entrySet()) {
      if (allowed.contains(e.getKey())) {
        known.put(e.getKey(), e.getValue());
        continue;
      }
      String hint =
          e.getKey().equals("<<")
              ? "YAML merge keys are not supported; write the keys out, or share values with vars:"
              : hints.get(e.getKey());
      String message =
          "is an unknown key"
              + (hint != null ? "; " + hint : Suggestions.didYouMean(e.getKey(), allowed))
              + " (allowed here: "
              + String.join(", ", allowed)
              + ")";
      keyAt(e.getKey()).error(message);
    }
    return new Fields(this, known);
  }

  /** The key node of entry {@code name}, for problems about the key itself. */
  public At keyAt(String name) {
    for (NodeTuple t : ((MappingNode) node).getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(name)) {
        return new At(file, k, childPath(name), diagnostics);
      }
    }
    return this;
  }

  private String childPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }
}
