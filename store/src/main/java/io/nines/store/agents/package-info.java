/**
 * The agents that have sent a heartbeat ({@link io.nines.store.agents.AgentRegistry}): in memory
 * for a single process, in the cluster map {@code nines.agents} for a cluster.
 */
package io.nines.store.agents;
