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

  public static AgentInfo fromJson(JsonObject json) {
    return new AgentInfo(
        Json.requireString(json, "id", "agent"),
        Json.requireString(json, "location", "agent"),
        json.getString("host", ""),
        json.getString("version", ""),
        json.getInteger("capacity", 1000));
  }
}
