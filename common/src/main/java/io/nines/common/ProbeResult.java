package io.nines.common;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One run of one check from one agent: the unit that agents ship and the coordinator merges.
 *
 * <p>{@code (agentId, sequence)} identifies a result uniquely: the sequence is monotonic per agent,
 * so the coordinator can drop replays.
 *
 * @param agentId the agent that ran the probe
 * @param sequence the agent's monotonic sequence number, from 1
 * @param checkId the check's id in the fleet configuration
 * @param location the location the agent probes from
 * @param startedAt wall-clock time the probe started; a late result is placed at this time
 * @param durationMillis how long the whole probe took, retries included
 * @param ok whether every assertion held
 * @param failure why it failed; null when {@code ok}
 * @param attempts how many attempts were made (1 + retries used)
 * @param phasesMillis timing phases reached (dns, connect, tls, firstByte, total), in milliseconds
 * @param diagnostics what an on-call engineer would gather by hand; when {@code ok}, null or what
 *     is worth keeping anyway (the redirects an http check followed)
 */
public record ProbeResult(
    String agentId,
    long sequence,
    String checkId,
    String location,
    Instant startedAt,
    long durationMillis,
    boolean ok,
    Failure failure,
    int attempts,
    Map<String, Double> phasesMillis,
    JsonObject diagnostics)
    implements ProbeOutcome {

  public ProbeResult {
    Checks.checkNotBlank(agentId, "agentId");
    Checks.checkPositive(sequence, "sequence");
    Checks.checkNotBlank(checkId, "checkId");
    Checks.checkNotBlank(location, "location");
    Checks.notNull(startedAt, "startedAt");
    Checks.checkNotNegative(durationMillis, "durationMillis");
    Checks.checkArgument(
        ok == (failure == null),
        "failure: %s (expected: null exactly when ok, and ok was %s)",
        failure,
        ok);
    Checks.checkArgument(attempts >= 1, "attempts: %s (expected: >= 1)", attempts);
    phasesMillis = phasesMillis == null ? Map.of() : Map.copyOf(phasesMillis);
  }

  /** The result's unique id: {@code agentId/sequence}. */
  public String id() {
    return agentId + "/" + sequence;
  }

  public JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("agent", agentId)
            .put("seq", sequence)
            .put("check", checkId)
            .put("location", location)
            .put("startedAt", startedAt.toString())
            .put("durationMillis", durationMillis)
            .put("ok", ok)
            .put("attempts", attempts);
    if (!phasesMillis.isEmpty()) {
      JsonObject phases = new JsonObject();
      phasesMillis.forEach(phases::put);
      json.put("phases", phases);
    }
    if (failure != null) {
      json.put("failure", failure.toJson());
    }
    if (diagnostics != null) {
      json.put("diagnostics", diagnostics);
    }
    return json;
  }

  /**
   * Reads a result written by {@link #toJson()}.
   *
   * @param where the path of this object in its document, for error messages
   * @throws IllegalArgumentException naming the field that is missing or wrong
   */
  public static ProbeResult fromJson(JsonObject json, String where) {
    Map<String, Double> phases = new LinkedHashMap<>();
    Object rawPhases = json.getValue("phases");
    if (rawPhases instanceof JsonObject p) {
      for (String name : p.fieldNames()) {
        Object v = p.getValue(name);
        if (!(v instanceof Number n)) {
          throw new IllegalArgumentException(
              where + ".phases." + name + " was '" + v + "' but it must be a number");
        }
        phases.put(name, n.doubleValue());
      }
    } else if (rawPhases != null) {
      throw new IllegalArgumentException(where + ".phases must be an object");
    }
    boolean ok = Json.requireBoolean(json, "ok", where);
    Failure failure = null;
    Object rawFailure = json.getValue("failure");
    if (rawFailure instanceof JsonObject f) {
      failure = Failure.fromJson(f);
    } else if (rawFailure != null) {
      throw new IllegalArgumentException(where + ".failure must be an object");
    }
    if (!ok && failure == null) {
      throw new IllegalArgumentException(
          where + ".failure was missing but it must be present when ok is false");
    }
    if (ok && failure != null) {
      throw new IllegalArgumentException(
          where + ".failure was present but it must be absent when ok is true");
    }
    long seq = Json.requireLong(json, "seq", where, 1, Long.MAX_VALUE);
    long duration = Json.requireLong(json, "durationMillis", where, 0, Long.MAX_VALUE);
    int attempts =
        json.getValue("attempts") == null
            ? 1
            : (int) Json.requireLong(json, "attempts", where, 1, Integer.MAX_VALUE);
    Object diagnostics = json.getValue("diagnostics");
    if (diagnostics != null && !(diagnostics instanceof JsonObject)) {
      throw new IllegalArgumentException(where + ".diagnostics must be an object");
    }
    return new ProbeResult(
        Json.requireString(json, "agent", where),
        seq,
        Json.requireString(json, "check", where),
        Json.requireString(json, "location", where),
        Json.requireInstant(json, "startedAt", where),
        duration,
        ok,
        failure,
        attempts,
        phases,
        (JsonObject) diagnostics);
  }

  /** Writes results as a JSON array. */
  public static JsonArray toJsonArray(Iterable<ProbeResult> results) {
    JsonArray array = new JsonArray();
    results.forEach(r -> array.add(r.toJson()));
    return array;
  }
}
