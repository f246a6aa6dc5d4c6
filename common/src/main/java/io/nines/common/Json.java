package io.nines.common;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Small helpers for reading wire JSON with errors that name the field and what was expected. */
public final class Json {
  private Json() {}

  public static String requireString(JsonObject json, String key, String where) {
    Object value = json.getValue(key);
    if (!(value instanceof String s) || s.isEmpty()) {
      throw new IllegalArgumentException(
          where + "." + key + " was " + describe(value) + " but it must be a non-empty string");
    }
    return s;
  }

  /**
   * A whole number: an integral JSON number that fits a {@code long}. Fractions ({@code 1.5}) and
   * numbers beyond a {@code long} are refused rather than rounded or wrapped.
   */
  public static long requireLong(JsonObject json, String key, String where) {
    return requireLong(json, key, where, Long.MIN_VALUE, Long.MAX_VALUE);
  }

  /**
   * A whole number from {@code min} to {@code max}.
   *
   * @throws IllegalArgumentException naming {@code where.key}, the value and the range
   */
  public static long requireLong(JsonObject json, String key, String where, long min, long max) {
    Object value = json.getValue(key);
    String range =
        min == Long.MIN_VALUE && max == Long.MAX_VALUE
            ? "a whole number"
            : max == Long.MAX_VALUE
                ? "a whole number of at least " + min
                : "a whole number from " + min + " to " + max;
    if (!(value instanceof Number n)) {
      throw new IllegalArgumentException(
          where + "." + key + " was " + describe(value) + " but it must be " + range);
    }
    java.math.BigDecimal exact;
    try {
      exact = new java.math.BigDecimal(n.toString());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          where + "." + key + " was " + describe(value) + " but it must be " + range);
    }
    if (exact.signum() != 0 && exact.stripTrailingZeros().scale() > 0
        || exact.compareTo(java.math.BigDecimal.valueOf(min)) < 0
        || exact.compareTo(java.math.BigDecimal.valueOf(max)) > 0) {
      throw new IllegalArgumentException(
          where + "." + key + " was " + describe(value) + " but it must be " + range);
    }
    return exact.longValueExact();
  }

  /** An optional string: {@code fallback} when absent or null. */
  public static String optionalString(JsonObject json, String key, String where, String fallback) {
    Object value = json.getValue(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof String s)) {
      throw new IllegalArgumentException(
          where + "." + key + " was " + describe(value) + " but it must be a string");
    }
    return s;
  }

  public static boolean requireBoolean(JsonObject json, String key, String where) {
    Object value = json.getValue(key);
    if (!(value instanceof Boolean b)) {
      throw new IllegalArgumentException(
          where + "." + key + " was " + describe(value) + " but it must be true or false");
    }
    return b;
  }

  public static Instant requireInstant(JsonObject json, String key, String where) {
    String text = requireString(json, key, where);
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          where
              + "."
              + key
              + " was '"
              + text
              + "' but it must be an ISO-8601 UTC instant such as 2026-04-01T00:00:00Z");
    }
  }

  public static JsonArray requireArray(JsonObject json, String key, String where) {
    Object value = json.getValue(key);
    if (!(value instanceof JsonArray a)) {
      throw new IllegalArgumentException(
          where + "." + key + " was " + describe(value) + " but it must be an array");
    }
    return a;
  }

  static String describe(Object value) {
    if (value == null) {
      return "missing";
    }
    if (value instanceof String s) {
      return "'" + (s.length() <= 100 ? s : s.substring(0, 100) + "...") + "'";
    }
    if (value instanceof JsonObject) {
      return "an object";
    }
    if (value instanceof JsonArray) {
      return "an array";
    }
    return "'" + value + "'";
  }
}
