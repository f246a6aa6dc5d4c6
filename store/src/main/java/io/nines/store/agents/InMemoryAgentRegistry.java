package io.nines.store.agents;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** An {@link AgentRegistry} in one process. Thread-safe. */
public final class InMemoryAgentRegistry implements AgentRegistry {
  private final Map<String, AgentRecord> agents = new ConcurrentHashMap<>();

  @Override
  public Future<Void> heartbeat(AgentRecord record) {
    agents.put(record.info().id(), record);
    return Future.succeededFuture();
  }

  @Override
  public Future<List<AgentRecord>> all() {
    return Future.succeededFuture(new ArrayList<>(agents.values()));
  }
}
