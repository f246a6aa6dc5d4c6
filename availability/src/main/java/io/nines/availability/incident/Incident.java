package io.nines.availability.incident;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One outage of one service: opened when it turned DOWN, resolved when it is UP again.
 *
 * @param id {@code serviceId@epochSeconds of start}: deterministic, so a decision replayed after a
 *     crash names the same incident
 * @param serviceId the service
 * @param start when the service turned DOWN
 * @param rootCause a service it depends on that was down too when it opened, or null
 * @param acknowledgedAt when someone acknowledged it, or null
 * @param acknowledgedBy who, or null
 * @param resolvedAt when it resolved, or null while open
 * @param paging for each owner team, how far its escalation has gone
 * @param log every notification decided for it, in order
 */
public record Incident(
    String id,
    String serviceId,
    Instant start,
    String rootCause,
    Instant acknowledgedAt,
    String acknowledgedBy,
    Instant resolvedAt,
    Map<String, Paging> paging,
    List<Notification> log) {

  public Incident {
    paging = Map.copyOf(paging);
    log = List.copyOf(log);
  }

  public boolean open() {
    return resolvedAt == null;
  }

  public boolean acknowledged() {
    return acknowledgedAt != null;
  }

  /**
   * An owner team's escalation state.
   *
   * @param suppressed whether the team got a root-cause notice instead of pages; it pages once the
   *     root cause recovers while this service stays down
   * @param since when its escalation started (when the incident opened, or when suppression ended);
   *     steps count from it
   * @param stepsFired how many escalation steps have fired
   * @param repeatsFired how many repeats of the last step have fired
   * @param causeRecoveredAt while suppressed: when the root cause was first seen recovered with
   *     this service still DOWN, the start of its own confirmation time; null otherwise
   */
  public record Paging(
      boolean suppressed,
      Instant since,
      int stepsFired,
      int repeatsFired,
      Instant causeRecoveredAt) {

    /** Paging that is not waiting on a recovered root cause. */
    public Paging(boolean suppressed, Instant since, int stepsFired, int repeatsFired) {
      this(suppressed, since, stepsFired, repeatsFired, null);
    }
  }
}
