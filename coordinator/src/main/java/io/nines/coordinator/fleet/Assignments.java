package io.nines.coordinator.fleet;

import io.nines.common.AgentInfo;
import io.nines.config.Check;
import io.nines.config.Fleet;
import io.nines.store.agents.AgentRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Places checks on agents. Pure and deterministic: the same fleet and the same live agents give the
 * same placement on every member, so members need not agree on anything else.
 *
 * <p>Each check runs on one live agent in each of its locations (more with {@code replicas}). Among
 * a location's live agents, a check goes to the one with the lowest load relative to its capacity
 * so far (ties by agent id); checks are placed in id order. A check that needs a capability (a
 * {@code browser} check needs an agent that advertises {@code browser}) goes only to agents that
 * advertise it; where a location has none, the check runs nowhere there and {@link
 * #emptyForCapabilities} names the location.
 */
public final class Assignments {
  private Assignments() {}

  /** Whether an agent is live at {@code now}: it sent a heartbeat within {@code timeout}. */
  public static boolean live(AgentRecord a, Instant now, Duration timeout) {
    return !a.lastSeen().isBefore(now.minus(timeout));
  }

  /**
   * The placement.
   *
   * @return agent id -> the ids of the checks it runs, sorted; every live agent has an entry
   */
  public static Map<String, List<String>> place(
      Fleet fleet, List<AgentRecord> agents, Instant now, Duration timeout, int replicas) {
    Map<String, List<AgentRecord>> byLocation = new HashMap<>();
    Map<String, List<String>> out = new TreeMap<>();
    for (AgentRecord a : agents) {
      if (live(a, now, timeout)) {
        byLocation.computeIfAbsent(a.info().location(), l -> new ArrayList<>()).add(a);
        out.put(a.info().id(), new ArrayList<>());
      }
    }
    Map<String, Integer> load = new HashMap<>();
    List<Check> checks = new ArrayList<>(fleet.checks());
    checks.sort(Comparator.comparing(Check::id));
    for (Check c : checks) {
      for (String location : c.locations()) {
        String needs = capabilityFor(c);
        List<AgentRecord> candidates =
            new ArrayList<>(
                byLocation.getOrDefault(location, List.of()).stream()
                    .filter(a -> needs == null || a.info().can(needs))
                    .toList());
        candidates.sort(
            Comparator.comparingDouble(
                    (AgentRecord a) ->
                        load.getOrDefault(a.info().id(), 0) / (double) a.info().capacity())
                .thenComparing(a -> a.info().id()));
        for (int i = 0; i < Math.min(replicas, candidates.size()); i++) {
          String id = candidates.get(i).info().id();
          out.get(id).add(c.id());
          load.merge(id, 1, Integer::sum);
        }
      }
    }
    out.values().forEach(l -> l.sort(String::compareTo));
    return out;
  }

  /** The locations of the fleet that have no live agent at {@code now}. */
  public static List<String> emptyLocations(
      Fleet fleet, List<AgentRecord> agents, Instant now, Duration timeout) {
    Map<String, Boolean> covered = new LinkedHashMap<>();
    fleet.locations().forEach(l -> covered.put(l, false));
    for (AgentRecord a : agents) {
      if (live(a, now, timeout) && covered.containsKey(a.info().location())) {
        covered.put(a.info().location(), true);
      }
    }
    return covered.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).toList();
  }

  /** The capability an agent needs to run {@code check}, or null when every agent can. */
  public static String capabilityFor(Check check) {
    return check.type().equals("browser") ? AgentInfo.BROWSER : null;
  }

  /**
   * The locations that have a live agent but none with a capability that a check of theirs needs,
   * as {@code <location> for <capability> checks} (e.g. {@code eu-west for browser checks}): their
   * results of those checks are missing as an empty location's are. Sorted.
   */
  public static List<String> emptyForCapabilities(
      Fleet fleet, List<AgentRecord> agents, Instant now, Duration timeout) {
    List<String> empty = emptyLocations(fleet, agents, now, timeout);
    TreeMap<String, Boolean> out = new TreeMap<>();
    for (Check c : fleet.checks()) {
      String needs = capabilityFor(c);
      if (needs == null) {
        continue;
      }
      for (String location : c.locations()) {
        if (empty.contains(location)) {
          continue; // reported as an empty location already
        }
        boolean covered =
            agents.stream()
                .anyMatch(
                    a ->
                        live(a, now, timeout)
                            && a.info().location().equals(location)
                            && a.info().can(needs));
        if (!covered) {
          out.put(location + " for " + needs + " checks", true);
        }
      }
    }
    return List.copyOf(out.keySet());
  }
}
