package io.nines.common;

import java.util.Objects;

/**
 * The one argument-check helper. Messages carry the offending and the expected value, as in {@code
 * "intervalMillis: -1 (expected: > 0)"}.
 */
public final class Checks {
  private Checks() {}

  /** Returns {@code value} or throws {@link NullPointerException} naming {@code name}. */
  public static <T> T notNull(T value, String name) {
    return Objects.requireNonNull(value, name);
  }

  /**
   * Throws {@link IllegalArgumentException} with the formatted message when {@code condition} is
   * false.
   */
  public static void checkArgument(boolean condition, String format, Object... args) {
    if (!condition) {
      throw new IllegalArgumentException(String.format(format, args));
    }
  }

  /** Returns {@code value} when it is above zero. */
  public static long checkPositive(long value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
    return value;
  }

  /** Returns {@code value} when it is zero or above. */
  public static long checkNotNegative(long value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
    }
    return value;
  }

  /** Returns {@code value} when it is neither null nor blank. */
  public static String checkNotBlank(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + ": '" + value + "' (expected: a non-blank string)");
    }
    return value;
  }
}
