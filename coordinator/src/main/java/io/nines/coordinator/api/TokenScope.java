package io.nines.coordinator.api;

import io.nines.common.ProbeResult;
import io.nines.common.ResultBatch;
import io.nines.config.Fleet;
import io.nines.coordinator.fleet.AgentAuth;
import io.nines.store.results.AppendOutcome;
import io.nines.store.results.Rejection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an agent token may post: results of its own agent id (checked for the whole batch by the
 * caller), from the location a per-agent token was issued for, only from a location the fleet
 * declares, and only of checks that run from that location (so that no token, per-agent or shared,
 * makes a check DOWN from a vantage point the configuration does not give it). A shared fleet token
 * is bound to no agent or location, only to the declared locations and the checks' own. Stateless.
 */
final class TokenScope {
  private TokenScope() {}

  /** A batch's results split into those its token may post and the refusals of the others. */
  record Bound(List<ProbeResult> allowed, List<Rejection> refused) {
    /** The store's outcome with the refusals added, all rejections in the order posted. */
    AppendOutcome merge(AppendOutcome stored, List<ProbeResult> posted) {
      if (refused.isEmpty()) {
        return stored;
      }
      Map<String, Integer> position = new java.util.HashMap<>();
      for (int i = 0; i < posted.size(); i++) {
        position.putIfAbsent(posted.get(i).id(), i);
      }
      List<Rejection> all = new ArrayList<>(stored.rejected());
      all.addAll(refused);
      all.sort(
          java.util.Comparator.comparingInt(r -> position.getOrDefault(r.id(), Integer.MAX_VALUE)));
      return new AppendOutcome(stored.accepted(), stored.duplicates(), all);
    }
  }

  /**
   * Whether {@code checkId} runs from {@code location}; true for a check the fleet does not know
   * (the store rejects its results, as an unknown check).
   */
  private static boolean runsFrom(Fleet fleet, String checkId, String location) {
    return fleet.check(checkId).map(c -> c.locations().contains(location)).orElse(true);
  }

  /**
   * Keeps the results {@code verdict}'s token may post: from the location a per-agent token was
   * issued for, only from a location the fleet declares, and only of checks that run from that
   * location. The others are refused one by one, counted by reason and logged once per agent;
   * nothing of them reaches the store, so a leaked token cannot fake failures (or successes) from
   * another location, nor make a check DOWN from a vantage point it does not have.
   */
  static Bound bind(
      ResultBatch batch, AgentAuth.Verdict verdict, Fleet fleet, AuthFailures authFailures) {
    List<ProbeResult> allowed = new ArrayList<>(batch.results().size());
    List<Rejection> refused = new ArrayList<>();
    int otherLocation = 0;
    int undeclared = 0;
    int notRunFrom = 0;
    for (ProbeResult r : batch.results()) {
      if (verdict != null && !verdict.mayPostFrom(r.location())) {
        otherLocation++;
        refused.add(
            new Rejection(
                r.id(),
                "location '"
                    + r.location()
                    + "' is not this agent's: its token was issued for location '"
                    + verdict.identity().location()
                    + "'"));
      } else if (!fleet.locations().contains(r.location())) {
        undeclared++;
        refused.add(
            new Rejection(
                r.id(),
                "location '"
                    + r.location()
                    + "' is not declared in the configuration (it declares "
                    + String.join(", ", fleet.locations())
                    + ")"));
      } else if (!runsFrom(fleet, r.checkId(), r.location())) {
        notRunFrom++;
        refused.add(
            new Rejection(
                r.id(),
                "check '"
                    + r.checkId()
                    + "' does not run from location '"
                    + r.location()
                    + "' (it runs from "
                    + String.join(", ", fleet.check(r.checkId()).orElseThrow().locations())
                    + ")"));
      } else {
        allowed.add(r);
      }
    }
    if (otherLocation > 0) {
      authFailures.count(AuthFailures.Reason.OTHER_LOCATION, otherLocation);
      authFailures.logOnce(
          batch.agentId(),
          AuthFailures.Reason.OTHER_LOCATION,
          "agent "
              + batch.agentId()
              + " posted results for a location other than '"
              + verdict.identity().location()
              + "', the one its token was issued for; they were refused");
    }
    if (undeclared > 0) {
      authFailures.count(AuthFailures.Reason.UNDECLARED_LOCATION, undeclared);
      authFailures.logOnce(
          batch.agentId(),
          AuthFailures.Reason.UNDECLARED_LOCATION,
          "agent "
              + batch.agentId()
              + " posted results for a location the configuration does not declare; they were"
              + " refused");
    }
    if (notRunFrom > 0) {
      authFailures.count(AuthFailures.Reason.CHECK_NOT_AT_LOCATION, notRunFrom);
      authFailures.logOnce(
          batch.agentId(),
          AuthFailures.Reason.CHECK_NOT_AT_LOCATION,
          "agent "
              + batch.agentId()
              + " posted results of a check from a location the check does not run from (an"
              + " agent still on an older configuration, or a token used elsewhere); they were"
              + " refused");
    }
    return new Bound(allowed, refused);
  }
}
