package io.nines.store.agents;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link AgentRegistry} in the cluster's map {@value #MAP}, so every member sees every agent.
 * Values are the records' JSON text: small, and readable without registering serializers.
 */
public final class HazelcastAgentRegistry implements AgentRegistry {
  /** The map's name. */
  public static final String MAP = "nines.agents";

  private final Vertx vertx;
  private final IMap<String, String> agents;

  public HazelcastAgentRegistry(Vertx vertx, HazelcastInstance hazelcast) {
    this.vertx = vertx;
    this.agents = hazelcast.getMap(MAP);
  }

  @Override
  public Future<Void> heartbeat(AgentRecord record) {
    Context ctx = vertx.getOrCreateContext();
    return Future.fromCompletionStage(
            agents.setAsync(record.info().id(), record.toJson().encode()), ctx)
        .mapEmpty();
  }

  @Override
  public Future<List<AgentRecord>> all() {
    return vertx.executeBlocking(
        () -> {
          List<AgentRecord> out = new ArrayList<>();
          for (String json : agents.values()) {
            out.add(AgentRecord.fromJson(new JsonObject(json)));
          }
          return out;
        });
  }
}
