package io.nines.coordinator.fleet;

import io.nines.config.Fleet;
import io.nines.coordinator.alerting.Alerting;
import io.nines.store.agents.AgentRecord;
import io.nines.store.agents.AgentRegistry;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Which agents are live: an agent that sent no heartbeat for {@link #AGENT_TIMEOUT} is lost and its
 * checks move; a location whose agents are all lost is empty, and so is a location for the checks
 * that need a capability none of its live agents has ({@code eu-west for browser checks}). Alerting
 * reads it to route fleet health; the API's fleet routes place checks by it.
 */
public final class AgentLiveness implements Alerting.FleetView {
  /** An agent that sent no heartbeat for this long is lost; its checks move. */
  public static final Duration AGENT_TIMEOUT = Duration.ofSeconds(30);

  private final Supplier<Fleet> fleet;
  private final AgentRegistry registry;

  public AgentLiveness(Supplier<Fleet> fleet, AgentRegistry registry) {
    this.fleet = fleet;
    this.registry = registry;
  }

  /** Whether {@code agent} sent a heartbeat within {@link #AGENT_TIMEOUT} of {@code now}. */
  public static boolean live(AgentRecord agent, Instant now) {
    return Assignments.live(agent, now, AGENT_TIMEOUT);
  }

  @Override
  public Future<Set<String>> lostAgents(Instant now) {
    return registry
        .all()
        .map(
            all ->
                all.stream()
                    .filter(a -> !live(a, now))
                    .map(a -> a.info().id())
                    .collect(Collectors.toSet()));
  }

  @Override
  public Future<Map<String, Instant>> lostAgentsLastSeen(Instant now) {
    return registry
        .all()
        .map(
            all -> {
              Map<String, Instant> out = new java.util.TreeMap<>();
              for (AgentRecord a : all) {
                if (!live(a, now)) {
                  out.put(a.info().id(), a.lastSeen());
                }
              }
              return out;
            });
  }

  @Override
  public Future<Set<String>> emptyLocations(Instant now) {
    Fleet f = fleet.get();
    if (f == null) {
      return Future.succeededFuture(Set.of());
    }
    return registry
        .all()
        .map(
            all -> {
              // A location without an agent for its browser checks is as empty for them.
              Set<String> out =
                  new java.util.TreeSet<>(Assignments.emptyLocations(f, all, now, AGENT_TIMEOUT));
              out.addAll(Assignments.emptyForCapabilities(f, all, now, AGENT_TIMEOUT));
              return Set.copyOf(out);
            });
  }
}
