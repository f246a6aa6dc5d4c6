package io.nines.common;

import java.time.Instant;
import java.util.regex.Pattern;

/** The one rule for showing instants to people inside text: cut to the second. */
public final class InstantText {
  private InstantText() {}

  /** An ISO-8601 UTC instant with a fraction of a second, as {@link Instant#toString} writes it. */
  private static final Pattern FRACTIONAL_INSTANT =
      Pattern.compile("(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2})\\.\\d+Z");

  /**
   * {@code text} with every ISO-8601 UTC instant cut to the second: {@code
   * 2026-12-06T22:40:02.274812478Z} becomes {@code 2026-12-06T22:40:02Z}. Readers of a page need
   * the second, not the nanosecond.
   */
  public static String toSeconds(String text) {
    return text == null || text.indexOf('.') < 0
        ? text
        : FRACTIONAL_INSTANT.matcher(text).replaceAll("$1Z");
  }
}
