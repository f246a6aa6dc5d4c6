package io.nines.availability.incident;

import io.nines.availability.State;
import java.time.Instant;
import java.util.List;

/**
 * Everything alerting remembers about one service. Immutable; the engine returns a new one with
 * each decision. It is the value kept under the service's key, so exactly one member (the owner of
 * that key's partition) decides for a service at a time.
 *
 * @param serviceId the service
 * @param state its last known state
 * @param incident the open incident, or null
 * @param changes recent state changes, for flap detection (only those within the flap window)
 * @param flapping whether a flapping notice went out and the state is not yet stable
 * @param lastChange when the state last changed, or null
 * @param burnNoticeDay the UTC day ({@code 2026-11-25}) of the last burn notice, or null
 * @param spentNoticeMonth the month ({@code 2026-11}) the spent notice went out for, or null
 * @param resolved recent resolved incidents, newest last, at most {@link #KEEP_RESOLVED}
 * @param budgetPages budget notices sent as pages (to teams with {@code notices.budget: page}) that
 *     are not resolved yet: a burn page until the burn stops, a spent page until the month ends
 * @param superseded incidents that a merge after a split brain replaced by the one kept (both sides
 *     had opened one for the same outage, see {@link AlertsMerge}): the next decision sends a
 *     resolve to every team and channel each of them told, and moves them to {@code resolved}
 */
public record ServiceAlerts(
    String serviceId,
    State state,
    Incident incident,
    List<Instant> changes,
    boolean flapping,
    Instant lastChange,
    String burnNoticeDay,
    String spentNoticeMonth,
    List<Incident> resolved,
    List<Notification> budgetPages,
    List<Incident> superseded) {

  /** How many resolved incidents a service keeps in memory; the store keeps them all. */
  public static final int KEEP_RESOLVED = 20;

  public ServiceAlerts {
    changes = List.copyOf(changes);
    resolved = List.copyOf(resolved);
    budgetPages = budgetPages == null ? List.of() : List.copyOf(budgetPages);
    superseded = superseded == null ? List.of() : List.copyOf(superseded);
  }

  /** With no superseded incident. */
  public ServiceAlerts(
      String serviceId,
      State state,
      Incident incident,
      List<Instant> changes,
      boolean flapping,
      Instant lastChange,
      String burnNoticeDay,
      String spentNoticeMonth,
      List<Incident> resolved,
      List<Notification> budgetPages) {
    this(
        serviceId,
        state,
        incident,
        changes,
        flapping,
        lastChange,
        burnNoticeDay,
        spentNoticeMonth,
        resolved,
        budgetPages,
        List.of());
  }

  /** With no open budget page. */
  public ServiceAlerts(
      String serviceId,
      State state,
      Incident incident,
      List<Instant> changes,
      boolean flapping,
      Instant lastChange,
      String burnNoticeDay,
      String spentNoticeMonth,
      List<Incident> resolved) {
    this(
        serviceId,
        state,
        incident,
        changes,
        flapping,
        lastChange,
        burnNoticeDay,
        spentNoticeMonth,
        resolved,
        List.of());
  }

  /** A service with no history, assumed UP. */
  public static ServiceAlerts initial(String serviceId) {
    return new ServiceAlerts(
        serviceId, State.UP, null, List.of(), false, null, null, null, List.of());
  }
}
