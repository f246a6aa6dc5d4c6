package io.nines.store.agents;

import io.nines.common.AgentInfo;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * What the coordinator knows of an agent.
 *
 * @param info who it is
 * @param lastSeen its last heartbeat
 * @param inFlight probes it had running at its last heartbeat
 * @param buffered results it had waiting to be shipped at its last heartbeat
 */
public record AgentRecord(AgentInfo info, Instant lastSeen, int inFlight, long buffered) {

  public JsonObject toJson() {
    return info.toJson()
        .put("lastSeen", lastSeen.toString())
        .put("inFlight", inFlight)
        .put("buffered", buffered);
  }

  public static AgentRecord fromJson(JsonObject json) {
    return new AgentRecord(
        AgentInfo.fromJson(json),
        Instant.parse(json.getString("lastSeen")),
        json.getInteger("inFlight", 0),
        json.getLong("buffered", 0L));
  }
}
