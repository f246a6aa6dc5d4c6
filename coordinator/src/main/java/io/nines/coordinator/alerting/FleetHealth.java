package io.nines.coordinator.alerting;

import io.nines.availability.incident.Notification;
import io.nines.config.Channel;
import io.nines.config.Fleet;
import io.nines.config.Team;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Routes fleet health like a service: a lost agent and a location without agents each send one
 * notice to the operators team ({@code settings.alerting.operators}) when they start, and one when
 * they end, through the team's non-paging channels (never PagerDuty, where a notice would open an
 * alert that nothing resolves). Pure apart from the memory of what is going on now; not thread-safe
 * (one caller).
 *
 * <p>For the first {@link #STARTUP_GRACE} after it first looks (a coordinator that just started, or
 * a member that just took fleet health over), a location without a live agent is not reported: its
 * agents have not had the time to send a heartbeat yet, so nobody knows it is empty. One still
 * empty after that is reported, as of when it was first seen empty.
 */
public final class FleetHealth {
  /** How long after the first look empty locations wait: as long as an agent takes to be lost. */
  public static final Duration STARTUP_GRACE = Duration.ofSeconds(30);

  private Instant watchingSince;
  private final Set<String> lostAgents = new LinkedHashSet<>();
  private final Map<String, Instant> emptyLocations = new HashMap<>();
  private final Map<String, Instant> lostSince = new HashMap<>();

  /**
   * Compares what is going on now with what was, and returns the notices to send.
   *
   * @param lost agents that were seen and then stopped sending heartbeats
   * @param empty configured locations with no live agent
   */
  public List<Notification> observe(Fleet fleet, Set<String> lost, Set<String> empty, Instant now) {
    Map<String, Instant> since = new LinkedHashMap<>();
    lost.forEach(agent -> since.put(agent, now));
    return observe(fleet, since, empty, now);
  }

  /**
   * Compares what is going on now with what was, and returns the notices to send. A lost agent's
   * notices are keyed by its last heartbeat, which every member sees alike: a member that takes
   * fleet health over (or this one, after it let go and took it back) makes the keys the first one
   * made, so the outbox, which ignores a key it has, tells the operators once.
   *
   * @param lost agents that were seen and then stopped sending heartbeats, each with its last
   *     heartbeat
   * @param empty configured locations with no live agent
   */
  public List<Notification> observe(
      Fleet fleet, Map<String, Instant> lost, Set<String> empty, Instant now) {
    if (watchingSince == null) {
      watchingSince = now;
    }
    boolean settled = !now.isBefore(watchingSince.plus(STARTUP_GRACE));
    String operators = fleet.settings().alerting().operators();
    Team team = operators == null ? null : fleet.teams().get(operators);
    List<Notification> out = new ArrayList<>();
    for (Map.Entry<String, Instant> e : lost.entrySet()) {
      String agent = e.getKey();
      Instant lastSeen = e.getValue() == null ? now : e.getValue();
      if (lostAgents.add(agent)) {
        lostSince.put(agent, lastSeen);
        out.addAll(
            notices(
                team,
                "agent/" + agent + "@" + lastSeen.getEpochSecond(),
                "agent "
                    + agent
                    + " is lost: no heartbeat for 30 s; its checks moved to other agents of its location",
                now));
      }
    }
    for (String agent : List.copyOf(lostAgents)) {
      if (!lost.containsKey(agent)) {
        lostAgents.remove(agent);
        Instant since = lostSince.remove(agent);
        out.addAll(
            notices(
                team,
                "agent/" + agent + "@" + since.getEpochSecond() + "/back",
                "agent " + agent + " is back",
                now));
      }
    }
    for (String location : empty) {
      if (settled && !emptyLocations.containsKey(location)) {
        emptyLocations.put(location, now);
        out.addAll(
            notices(
                team,
                "location/" + location + "@" + now.getEpochSecond(),
                "location "
                    + location
                    + " has no live agent: its results are UNKNOWN until one returns",
                now));
      }
    }
    for (String location : List.copyOf(emptyLocations.keySet())) {
      if (!empty.contains(location)) {
        Instant since = emptyLocations.remove(location);
        out.addAll(
            notices(
                team,
                "location/" + location + "@" + since.getEpochSecond() + "/back",
                "location " + location + " has a live agent again",
                now));
      }
    }
    return out;
  }

  private static List<Notification> notices(Team team, String prefix, String summary, Instant now) {
    if (team == null) {
      return List.of();
    }
    List<Notification> out = new ArrayList<>();
    for (String kind : team.channels().stream().map(Channel::kind).distinct().toList()) {
      if (kind.equals("pagerduty")) {
        // A fleet notice belongs to no incident: on PagerDuty it would open an alert that nothing
        // resolves ("back" is a notice of its own). Operators see agents and locations in the API.
        continue;
      }
      out.add(
          new Notification(
              "fleet/" + prefix + "/" + team.id() + "/" + kind + "/notice",
              "",
              "fleet",
              team.id(),
              kind,
              Notification.Kind.FLEET,
              now,
              summary,
              Map.of()));
    }
    return out;
  }
}
