package io.nines.availability.incident;

import io.nines.config.Fleet;
import io.nines.config.Service;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The fleet's service dependency graph, both ways. Immutable; the loader ensured it is acyclic. */
public final class Dependencies {
  private final Fleet fleet;
  private final Map<String, List<String>> dependents = new LinkedHashMap<>();

  public Dependencies(Fleet fleet) {
    this.fleet = fleet;
    for (Service s : fleet.services().values()) {
      dependents.putIfAbsent(s.id(), new ArrayList<>());
      for (String upstream : s.dependsOn()) {
        dependents.computeIfAbsent(upstream, k -> new ArrayList<>()).add(s.id());
      }
    }
  }

  /** Services that depend on {@code serviceId}, directly or transitively, nearest first. */
  public List<String> dependentsOf(String serviceId) {
    return walk(serviceId, id -> dependents.getOrDefault(id, List.of()));
  }

  /** Services {@code serviceId} depends on, directly or transitively, nearest first. */
  public List<String> upstreamOf(String serviceId) {
    return walk(
        serviceId,
        id -> {
          Service s = fleet.services().get(id);
          return s == null ? List.of() : s.dependsOn();
        });
  }

  private static List<String> walk(
      String start, java.util.function.Function<String, List<String>> next) {
    Set<String> seen = new LinkedHashSet<>();
    Deque<String> queue = new ArrayDeque<>(next.apply(start));
    while (!queue.isEmpty()) {
      String id = queue.poll();
      if (!id.equals(start) && seen.add(id)) {
        queue.addAll(next.apply(id));
      }
    }
    return List.copyOf(seen);
  }

  /**
   * The probable root cause of {@code serviceId} being down: among the services it depends on that
   * are down too, the one furthest upstream (a down service none of whose own dependencies is
   * down). Null when none of its dependencies is down.
   */
  public String rootCause(String serviceId, Set<String> down) {
    String cause = null;
    for (String upstream : upstreamOf(serviceId)) {
      if (down.contains(upstream)) {
        cause = upstream;
        boolean deeper = upstreamOf(upstream).stream().anyMatch(down::contains);
        if (!deeper) {
          return upstream;
        }
      }
    }
    return cause;
  }
}
