package io.nines.store.agents;

import io.vertx.core.Future;
import java.util.List;

/**
 * Agents and their last heartbeats. In a cluster, every member sees the same registry, so agents
 * may talk to any member.
 */
public interface AgentRegistry {

  /** Records a heartbeat (registering the agent on its first). */
  Future<Void> heartbeat(AgentRecord record);

  /** Every agent that ever sent a heartbeat and was not forgotten. */
  Future<List<AgentRecord>> all();
}
