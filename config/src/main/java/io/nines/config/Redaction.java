package io.nines.config;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The one rule by which a secret value is kept out of what Nines shows (results, diagnostics,
 * delivery messages, logs): every non-empty secret value used, and its URL-encoded form, is
 * replaced by a marker wherever it stands, the longest value first (so that a secret holding
 * another one is not left half shown). An endpoint that echoes a secret, as such or in a URL, shows
 * the marker.
 *
 * <p>An instance collects the values used so far, for one run or one send. It is not thread-safe:
 * use it from one thread (or one Vert.x context) at a time.
 */
public final class Redaction {
  private final String marker;
  private final Set<String> values = new LinkedHashSet<>();

  /**
   * @param marker what a secret value is replaced by, such as {@code [redacted]}; not empty
   */
  public Redaction(String marker) {
    Objects.requireNonNull(marker, "marker");
    if (marker.isEmpty()) {
      throw new IllegalArgumentException("marker: '' (expected: text such as [redacted])");
    }
    this.marker = marker;
  }

  /**
   * Adds a secret value to redact; null and empty values are ignored (there is nothing to hide).
   */
  public void add(String value) {
    if (value != null && !value.isEmpty()) {
      values.add(value);
    }
  }

  /** Whether no value is collected yet, so {@link #apply} changes nothing. */
  public boolean isEmpty() {
    return values.isEmpty();
  }

  /** {@code text} with every collected value replaced by the marker; null stays null. */
  public String apply(String text) {
    if (text == null || values.isEmpty()) {
      return text;
    }
    List<String> longestFirst = new ArrayList<>(values);
    longestFirst.sort(Comparator.comparingInt(String::length).reversed());
    String out = text;
    for (String secret : longestFirst) {
      out = out.replace(secret, marker);
      String encoded = URLEncoder.encode(secret, StandardCharsets.UTF_8);
      if (!encoded.equals(secret)) {
        out = out.replace(encoded, marker);
      }
    }
    return out;
  }
}
