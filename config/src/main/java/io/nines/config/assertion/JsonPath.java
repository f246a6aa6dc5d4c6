package io.nines.config.assertion;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A JSONPath subset: {@code $}, then {@code .name}, {@code ['name']} (or {@code ["name"]}) and
 * {@code [index]} segments, e.g. {@code $.cart.items[0].sku} or {@code $['weird key']}. No
 * wildcards, filters or negative indexes.
 *
 * @param segments each a {@link String} (a member name) or a non-negative {@link Integer} (an array
 *     index); empty for {@code $} itself
 */
public record JsonPath(List<Object> segments) {
  private static final Pattern DOTTED_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

  /**
   * @throws IllegalArgumentException when a segment is neither a String nor an Integer of 0 or more
   */
  public JsonPath {
    segments = List.copyOf(segments);
    for (Object s : segments) {
      if (!(s instanceof String) && !(s instanceof Integer i && i >= 0)) {
        throw new IllegalArgumentException(
            "segments: " + s + " (expected: a member name or an array index >= 0)");
      }
    }
  }

  /**
   * Parses a path such as {@code $.token}, as written in a journey step's {@code extract}.
   *
   * @throws AssertionSyntaxException with the 1-based column of the problem in {@code text}
   */
  public static JsonPath parse(String text) {
    return Parser.parseJsonPath(text);
  }

  /** The path as written, e.g. {@code $.cart.items[0].sku}; {@link #parse} reads it back. */
  public String print() {
    return print(segments.size());
  }

  /** The first {@code count} segments, printed. */
  String print(int count) {
    StringBuilder sb = new StringBuilder("$");
    for (Object s : segments.subList(0, count)) {
      if (s instanceof Integer i) {
        sb.append('[').append(i).append(']');
      } else {
        String name = (String) s;
        if (DOTTED_NAME.matcher(name).matches()) {
          sb.append('.').append(name);
        } else {
          sb.append('[').append(Text.quote(name, '\'')).append(']');
        }
      }
    }
    return sb.toString();
  }

  /**
   * The value at this path in a decoded Vert.x JSON value.
   *
   * @param json a {@link JsonObject}, {@link JsonArray}, String, Number, Boolean or null, as {@link
   *     io.vertx.core.json.Json#decodeValue(String)} returns
   * @return the value found (a JsonObject, JsonArray, String, Number or Boolean), or empty when
   *     there is no value at this path or it is JSON null
   */
  public Optional<Object> select(Object json) {
    return lookup(json) instanceof Found f ? Optional.ofNullable(f.value()) : Optional.empty();
  }

  /** What {@link #lookup} found: a value (possibly JSON null) or why there is none. */
  sealed interface Lookup {}

  /**
   * @param value the value found; null for JSON null
   */
  record Found(Object value) implements Lookup {}

  /**
   * @param reason e.g. {@code $.cart has no member 'items'}
   */
  record Missing(String reason) implements Lookup {}

  /** Walks the path, telling where and why it stops when there is no value. */
  Lookup lookup(Object json) {
    Object current = json;
    for (int i = 0; i < segments.size(); i++) {
      Object segment = segments.get(i);
      if (segment instanceof String name) {
        if (!(current instanceof JsonObject object)) {
          return new Missing(print(i) + " is " + kind(current) + ", not an object");
        }
        if (!object.containsKey(name)) {
          return new Missing(print(i) + " has no member " + Text.quote(name, '\''));
        }
        current = object.getValue(name);
      } else {
        int index = (Integer) segment;
        if (!(current instanceof JsonArray array)) {
          return new Missing(print(i) + " is " + kind(current) + ", not an array");
        }
        if (index >= array.size()) {
          int n = array.size();
          return new Missing(print(i) + " has " + n + (n == 1 ? " element" : " elements"));
        }
        current = array.getValue(index);
      }
    }
    return new Found(current);
  }

  /** {@code an object}, {@code a string}, ... for messages. */
  static String kind(Object json) {
    if (json == null) {
      return "null";
    }
    if (json instanceof JsonObject) {
      return "an object";
    }
    if (json instanceof JsonArray) {
      return "an array";
    }
    if (json instanceof String) {
      return "a string";
    }
    if (json instanceof Number) {
      return "a number";
    }
    if (json instanceof Boolean) {
      return "a boolean";
    }
    return "a " + Objects.toString(json.getClass().getSimpleName());
  }
}
