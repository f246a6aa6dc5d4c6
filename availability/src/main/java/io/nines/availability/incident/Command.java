package io.nines.availability.incident;

import io.nines.availability.BurnRate;
import io.nines.availability.State;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One thing to decide for a service: its state now, an acknowledgement, a burn-rate verdict, or
 * that it is no longer monitored. A plain value, so it can travel to the member that owns the
 * service's key.
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
 * @param servicesInMaintenance with {@link Type#STATE}: every service in maintenance now
 * @param failedRuns with {@link Type#STATE}: when the service's consecutive failed runs started,
 *     newest first
 * @param servicesFlapping with {@link Type#STATE}: every service flapping now
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
    BurnRate.Verdict verdict,
    Set<String> servicesInMaintenance,
    List<Instant> failedRuns,
    Set<String> servicesFlapping) {

  public Command {
    servicesFlapping = servicesFlapping == null ? Set.of() : Set.copyOf(servicesFlapping);
    down = down == null ? Set.of() : Set.copyOf(down);
    details = details == null ? Map.of() : Map.copyOf(details);
    servicesInMaintenance =
        servicesInMaintenance == null ? Set.of() : Set.copyOf(servicesInMaintenance);
    failedRuns = failedRuns == null ? List.of() : List.copyOf(failedRuns);
  }

  /** What a command asks. */
  public enum Type {
    STATE,
    ACK,
    BUDGET,
    /** The service is no longer monitored: close what is open. */
    RETIRE
  }

  public static Command state(
      State state,
      Instant at,
      Set<String> down,
      boolean inMaintenance,
      Map<String, String> details) {
    return state(state, at, down, inMaintenance, details, Set.of(), List.of());
  }

  public static Command state(
      State state,
      Instant at,
      Set<String> down,
      boolean inMaintenance,
      Map<String, String> details,
      Set<String> servicesInMaintenance,
      List<Instant> failedRuns) {
    return state(
        state, at, down, inMaintenance, details, servicesInMaintenance, failedRuns, Set.of());
  }

  /**
   * The service's state, with every service in maintenance and every service flapping (a root cause
   * that tells nobody).
   */
  public static Command state(
      State state,
      Instant at,
      Set<String> down,
      boolean inMaintenance,
      Map<String, String> details,
      Set<String> servicesInMaintenance,
      List<Instant> failedRuns,
      Set<String> servicesFlapping) {
    return new Command(
        Type.STATE,
        state,
        at,
        down,
        inMaintenance,
        details,
        null,
        null,
        null,
        servicesInMaintenance,
        failedRuns,
        servicesFlapping);
  }

  public static Command ack(String incidentId, String who, Instant at) {
    return new Command(
        Type.ACK, null, at, Set.of(), false, Map.of(), incidentId, who, null, null, null, null);
  }

  public static Command budget(BurnRate.Verdict verdict, Instant at, Map<String, String> details) {
    return new Command(
        Type.BUDGET, null, at, Set.of(), false, details, null, null, verdict, null, null, null);
  }

  public static Command retire(Instant at) {
    return new Command(
        Type.RETIRE, null, at, Set.of(), false, Map.of(), null, null, null, null, null, null);
  }

  /** Applies the command with {@code engine}. Pure. */
  public IncidentEngine.Step applyTo(IncidentEngine engine, ServiceAlerts s) {
    return switch (type) {
      case STATE ->
          engine.onState(
              s,
              state,
              at,
              new IncidentEngine.Context(
                  down,
                  inMaintenance,
                  details,
                  servicesInMaintenance,
                  failedRuns,
                  servicesFlapping));
      case ACK -> engine.acknowledge(s, incidentId, who, at);
      case BUDGET -> engine.onBudget(s, verdict, at, details);
      case RETIRE -> engine.retire(s, at);
    };
  }
}
