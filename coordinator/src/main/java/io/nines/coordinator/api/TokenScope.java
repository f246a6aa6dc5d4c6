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
 * caller), from the location a per-agent token was issued for, and only from a location the fleet
 * declares. A shared fleet token is bound to no agent or location, only to the declared locations.
 * Stateless.
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
   * Keeps the results {@code verdict}'s token may post: from the location a per-agent token was
   * issued for, and only from a location the fleet declares. The others are refused one by one,
   * counted by reason and logged once per agent; nothing of them reaches the store, so a leaked
   * token cannot fake failures (or successes) from another location.
   */
  static Bound bind(
      ResultBatch batch, AgentAuth.Verdict verdict, Fleet fleet, AuthFailures authFailures) {
    List<ProbeResult> allowed = new ArrayList<>(batch.results().size());
    List<Rejection> refused = new ArrayList<>();
    int otherLocation = 0;
    int undeclared = 0;
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
    return new Bound(allowed, refused);
  }
}
