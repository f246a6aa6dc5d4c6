package io.nines.common;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * What an agent posts to the coordinator: results of one agent, in sequence order.
 *
 * <p>JSON: {@code {"agent": ..., "results": [...], "dropped": N}}, where {@code dropped} is
 * optional (absent means 0) so that older agents and coordinators understand each other.
 *
 * @param agentId the posting agent; every result must carry the same id
 * @param results the results, never empty
 * @param dropped how many results the agent dropped (its spool was full) since it last reported a
 *     number; 0 when none
 */
public record ResultBatch(String agentId, List<ProbeResult> results, long dropped) {

  /** The most results one batch may carry; the coordinator refuses larger ones. */
  public static final int MAX_RESULTS = 5_000;

  public ResultBatch {
    Checks.checkNotBlank(agentId, "agentId");
    Checks.checkNotNegative(dropped, "dropped");
    results = List.copyOf(results);
    Checks.checkArgument(
        !results.isEmpty() && results.size() <= MAX_RESULTS,
        "results: %s (expected: 1 to %s)",
        results.size(),
        MAX_RESULTS);
    for (ProbeResult r : results) {
      Checks.checkArgument(
          r.agentId().equals(agentId),
          "result %s: agent '%s' (expected: '%s', the batch's agent)",
          r.id(),
          r.agentId(),
          agentId);
    }
  }

  /** A batch that reports no dropped results. */
  public ResultBatch(String agentId, List<ProbeResult> results) {
    this(agentId, results, 0);
  }

  public JsonObject toJson() {
    JsonObject json =
        new JsonObject().put("agent", agentId).put("results", ProbeResult.toJsonArray(results));
    if (dropped > 0) {
      json.put("dropped", dropped);
    }
    return json;
  }

  /**
   * Reads a batch, validating every result.
   *
   * @throws IllegalArgumentException naming the first field that is wrong, e.g. {@code
   *     results[3].startedAt}
   */
  public static ResultBatch fromJson(JsonObject json) {
    String agent = Json.requireString(json, "agent", "batch");
    JsonArray array = Json.requireArray(json, "results", "batch");
    if (array.isEmpty() || array.size() > MAX_RESULTS) {
      throw new IllegalArgumentException(
          "batch.results had " + array.size() + " results but it must have 1 to " + MAX_RESULTS);
    }
    List<ProbeResult> results = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      Object item = array.getValue(i);
      String where = "results[" + i + "]";
      if (!(item instanceof JsonObject o)) {
        throw new IllegalArgumentException(where + " must be an object");
      }
      ProbeResult r = ProbeResult.fromJson(o, where);
      if (!r.agentId().equals(agent)) {
        throw new IllegalArgumentException(
            where
                + ".agent was '"
                + r.agentId()
                + "' but it must be the batch's agent '"
                + agent
                + "'");
      }
      results.add(r);
    }
    long dropped =
        json.getValue("dropped") == null
            ? 0
            : Json.requireLong(json, "dropped", "batch", 0, Long.MAX_VALUE);
    return new ResultBatch(agent, results, dropped);
  }
}
