package io.nines.store.agents;

/** The agent registry contract on a single coordinator. */
class InMemoryAgentRegistryTest extends AgentRegistryContract {
  @Override
  AgentRegistry newRegistry() {
    return new InMemoryAgentRegistry();
  }
}
