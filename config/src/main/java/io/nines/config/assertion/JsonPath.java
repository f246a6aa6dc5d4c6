package io.nines.config.assertion;

import java.util.List;

/**
 * A JSONPath subset: {@code $}, then {@code .name}, {@code ['name']} and {@code [index]} segments.
 *
 * @param segments each a {@link String} (a member name) or an {@link Integer} (an array index)
 */
public record JsonPath(List<Object> segments) {
  public JsonPath {
    segments = List.copyOf(segments);
  }

  /** The path as written, e.g. {@code $.cart.items[0].sku}. */
  public String print() {
    StringBuilder sb = new StringBuilder("$");
    for (Object s : segments) {
      if (s instanceof Integer i) {
        sb.append('[').append(i).append(']');
      } else {
        String name = (String) s;
        if (name.matches("[A-Za-z_][A-Za-z0-9_-]*")) {
          sb.append('.').append(name);
        } else {
          sb.append("['").append(name.replace("\\", "\\\\").replace("'", "\\'")).append("']");
        }
      }
    }
    return sb.toString();
  }
}
