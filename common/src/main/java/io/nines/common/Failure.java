package io.nines.common;

import io.vertx.core.json.JsonObject;

/**
 * Why a probe failed, in terms an on-call engineer can act on.
 *
 * @param kind the classification
 * @param step the journey step that failed, or the check's single request name; never null
 * @param message a human sentence: what was expected and what was seen; never contains a secret
 */
public record Failure(FailureKind kind, String step, String message) {
  public Failure {
    Checks.notNull(kind, "kind");
    step = step == null ? "" : step;
    message = message == null ? "" : message;
  }

  public JsonObject toJson() {
    return new JsonObject().put("kind", kind.name()).put("step", step).put("message", message);
  }

  /**
   * Reads a failure written by {@link #toJson()}.
   *
   * @throws IllegalArgumentException naming the field that is missing or wrong
   */
  public static Failure fromJson(JsonObject json) {
    String kind = Json.requireString(json, "kind", "failure");
    FailureKind parsed;
    try {
      parsed = FailureKind.valueOf(kind);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "failure.kind was '"
              + kind
              + "' but it must be one of "
              + java.util.Arrays.toString(FailureKind.values()));
    }
    return new Failure(parsed, json.getString("step", ""), json.getString("message", ""));
  }
}
