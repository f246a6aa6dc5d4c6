package io.nines.common;

import io.vertx.core.json.JsonObject;

/**
 * Who an agent is.
 *
 * @param id unique agent id, e.g. {@code eu-west-1}
 * @param location where it probes from, e.g. {@code eu-west}
 * @param host the host name it runs on
 * @param version the Nines version it runs
 * @param capacity how many checks it should carry at most
 */
public record AgentInfo(String id, String location, String host, String version, int capacity) {
  public AgentInfo {
    Checks.checkNotBlank(id, "id");
    Checks.checkNotBlank(location, "location");
    host = host == null ? "" : host;
    version = version == null ? "" : version;
    Checks.checkPositive(capacity, "capacity");
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("location", location)
        .put("host", host)
        .put("version", version)
        .put("capacity", capacity);
  }

  /** The most checks an agent may say it carries. */
  public static final int MAX_CAPACITY = 1_000_000;

  /**
   * Reads an agent's description.
   *
   * @throws IllegalArgumentException naming the first field that is wrong, e.g. {@code
   *     agent.capacity was 'lots' but it must be a whole number from 1 to 1000000}
   */
  public static AgentInfo fromJson(JsonObject json) {
    return new AgentInfo(
        Json.requireString(json, "id", "agent"),
        Json.requireString(json, "location", "agent"),
        Json.optionalString(json, "host", "agent", ""),
        Json.optionalString(json, "version", "agent", ""),
        json.getValue("capacity") == null
            ? 1000
            : (int) Json.requireLong(json, "capacity", "agent", 1, MAX_CAPACITY));
  }
}
