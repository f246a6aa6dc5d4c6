package io.nines.coordinator.alerting;

import io.nines.coordinator.timeline.State;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * One thing to decide for a service: its state now, an acknowledgement, or a burn-rate verdict. A
 * plain value, so it can travel to the member that owns the service's key.
 *
 * @param type what to decide
 * @param state with {@link Type#STATE}: the service's state now
 * @param at the decision's {@code now}
 * @param down the services that are DOWN now
 * @param inMaintenance whether the service is in a maintenance window now
 * @param details what a responder needs (failing step, actual value...), for the messages
 * @param incidentId with {@link Type#ACK}: the incident acknowledged
 * @param who with {@link Type#ACK}: who acknowledged
 * @param verdict with {@link Type#BUDGET}: the burn-rate verdict
 */
public record Command(
    Type type,
    State state,
    Instant at,
    Set<String> down,
    boolean inMaintenance,
    Map<String, String> details,
    String incidentId,
    String who,
    BurnRate.Verdict verdict) {

  public Command {
    down = down == null ? Set.of() : Set.copyOf(down);
    details = details == null ? Map.of() : Map.copyOf(details);
  }

  /** What a command asks. */
  public enum Type {
    STATE,
    ACK,
    BUDGET
  }

  public static Command state(
      State state,
      Instant at,
      Set<String> down,
      boolean inMaintenance,
      Map<String, String> details) {
    return new Command(Type.STATE, state, at, down, inMaintenance, details, null, null, null);
  }

  public static Command ack(String incidentId, String who, Instant at) {
    return new Command(Type.ACK, null, at, Set.of(), false, Map.of(), incidentId, who, null);
  }

  public static Command budget(BurnRate.Verdict verdict, Instant at, Map<String, String> details) {
    return new Command(Type.BUDGET, null, at, Set.of(), false, details, null, null, verdict);
  }

  /** Applies the command with {@code engine}. Pure. */
  public IncidentEngine.Step applyTo(IncidentEngine engine, ServiceAlerts s) {
    return switch (type) {
      case STATE ->
          engine.onState(s, state, at, new IncidentEngine.Context(down, inMaintenance, details));
      case ACK -> engine.acknowledge(s, incidentId, who, at);
      case BUDGET -> engine.onBudget(s, verdict, at, details);
    };
  }
}
