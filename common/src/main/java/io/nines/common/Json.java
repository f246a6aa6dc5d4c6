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

  public static long requireLong(JsonObject json, String key, String where) {
    Object value = json.getValue(key);
    if (!(value instanceof Number n)) {
      throw new IllegalArgumentException(
          where + "." + key + " was " + describe(value) + " but it must be a number");
    }
    return n.longValue();
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
      return "'" + s + "'";
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
