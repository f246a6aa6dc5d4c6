package io.nines.availability.incident;

import io.nines.availability.State;
import io.nines.common.Checks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Unites two sides' {@link ServiceAlerts} of one service after a split brain healed. Pure.
 *
 * <p>During a split, each side decides for the service on its own; an outage that began then may
 * have opened an incident on each side (of different ids when the sides dated its start to
 * different seconds), and each paged. The merge keeps one incident per outage and records the other
 * as {@link ServiceAlerts#superseded()}, so that the next decision resolves every page it sent
 * (same keys as a normal resolve, so PagerDuty's {@code dedup_key} matches its trigger) and nothing
 * stays open at a pager that no member knows.
 *
 * <ul>
 *   <li>Open incidents: the one that started first is kept (ties: the smaller id), so both sides
 *       would choose the same. The same incident open on both sides (one id) is one: its logs are
 *       united by key, each team's escalation counts the steps and repeats fired on either side (so
 *       none fires twice), and it is acknowledged if either side acknowledged it (the earlier
 *       acknowledgement). An acknowledgement of a superseded incident is not carried over: that
 *       incident resolves, and the kept one keeps its own escalation.
 *   <li>An incident open on one side and resolved on the other is resolved: it is united into the
 *       resolved copy and superseded, so the teams and channels only the open side told hear the
 *       resolve too; those already told are not told again (the engine resolves only what its log
 *       does not show resolved).
 *   <li>State: DOWN while an incident stays open (so that the next UP resolves it); otherwise the
 *       state of the side whose state changed last. Recent changes are united, flapping if either
 *       side flaps, the later budget notice day and month are kept (no notice twice), open budget
 *       pages are united by key (each resolves in its turn), resolved incidents are united by id.
 * </ul>
 *
 * <p>Merging the result with either side again gives the same result.
 */
public final class AlertsMerge {
  private AlertsMerge() {}

  /** The two sides' states of one service as one. */
  public static ServiceAlerts merge(ServiceAlerts existing, ServiceAlerts merging) {
    Checks.notNull(existing, "existing");
    Checks.notNull(merging, "merging");
    Checks.checkArgument(
        existing.serviceId().equals(merging.serviceId()),
        "merging alerts of service '%s' into those of '%s' (expected: the same service)",
        merging.serviceId(),
        existing.serviceId());

    // Resolved incidents, one per id.
    Map<String, Incident> resolved = new LinkedHashMap<>();
    for (ServiceAlerts s : List.of(existing, merging)) {
      for (Incident i : s.resolved()) {
        resolved.merge(i.id(), i, AlertsMerge::same);
      }
    }
    // Every incident either side still holds open or has yet to resolve as superseded, one per id.
    Map<String, Incident> open = new LinkedHashMap<>();
    for (ServiceAlerts s : List.of(existing, merging)) {
      if (s.incident() != null) {
        open.merge(s.incident().id(), s.incident(), AlertsMerge::same);
      }
      for (Incident i : s.superseded()) {
        open.merge(i.id(), i, AlertsMerge::same);
      }
    }
    List<Incident> superseded = new ArrayList<>();
    Incident kept = null;
    for (Incident i : open.values()) {
      Incident done = resolved.get(i.id());
      if (done != null) {
        // Resolved on one side: resolve what the other side told on top of it.
        Incident united = same(done, i);
        resolved.put(i.id(), united);
        if (!unresolved(united).isEmpty()) {
          superseded.add(united);
        }
      } else if (kept == null || earlier(i, kept)) {
        if (kept != null) {
          superseded.add(kept);
        }
        kept = i;
      } else {
        superseded.add(i);
      }
    }
    superseded.sort(Comparator.comparing(Incident::id));
    List<Incident> resolvedList = new ArrayList<>(resolved.values());
    resolvedList.sort(
        Comparator.comparing(Incident::resolvedAt, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(Incident::id));
    while (resolvedList.size() > ServiceAlerts.KEEP_RESOLVED) {
      resolvedList.remove(0);
    }

    ServiceAlerts latest = later(existing, merging);
    State state = kept != null ? State.DOWN : latest.state();
    Instant lastChange = max(existing.lastChange(), merging.lastChange());
    TreeSet<Instant> changes = new TreeSet<>(existing.changes());
    changes.addAll(merging.changes());
    Map<String, Notification> budgetPages = new LinkedHashMap<>();
    for (ServiceAlerts s : List.of(existing, merging)) {
      for (Notification n : s.budgetPages()) {
        budgetPages.putIfAbsent(n.key(), n);
      }
    }
    return new ServiceAlerts(
        existing.serviceId(),
        state,
        kept,
        List.copyOf(changes),
        existing.flapping() || merging.flapping(),
        lastChange,
        max(existing.burnNoticeDay(), merging.burnNoticeDay()),
        max(existing.spentNoticeMonth(), merging.spentNoticeMonth()),
        resolvedList,
        List.copyOf(budgetPages.values()),
        superseded);
  }

  /**
   * The teams and channels an incident told that its log does not show resolved, each with what it
   * was told first, keyed by {@code team NUL channelKind}, in the order they were told.
   */
  static Map<String, Notification.Kind> unresolved(Incident i) {
    Map<String, Notification.Kind> told = new LinkedHashMap<>();
    Map<String, Boolean> done = new LinkedHashMap<>();
    for (Notification n : i.log()) {
      String pair = n.team() + "\u0000" + n.channelKind();
      if (n.kind() == Notification.Kind.RESOLVE) {
        done.put(pair, true);
      } else {
        told.merge(pair, n.kind(), AlertsMerge::resolves);
      }
    }
    done.keySet().forEach(told::remove);
    return told;
  }

  /**
   * What a recovery to one team and channel resolves, given what it was told first ({@code first})
   * and then ({@code then}): the first, unless the team was told of the root cause first and paged
   * later (its root cause recovered, its service stayed down); then the page, which woke it.
   */
  static Notification.Kind resolves(Notification.Kind first, Notification.Kind then) {
    return first == Notification.Kind.ROOT_CAUSE && then == Notification.Kind.PAGE ? then : first;
  }

  /** One incident's two copies (one id) as one. */
  static Incident same(Incident a, Incident b) {
    if (a.equals(b)) {
      return a;
    }
    Map<String, Notification> log = new LinkedHashMap<>();
    List<Notification> all = new ArrayList<>(a.log());
    all.addAll(b.log());
    all.sort(
        Comparator.comparing(Notification::at, Comparator.nullsFirst(Comparator.naturalOrder())));
    for (Notification n : all) {
      log.putIfAbsent(n.key(), n);
    }
    Map<String, Incident.Paging> paging = new LinkedHashMap<>();
    LinkedHashSet<String> teams = new LinkedHashSet<>(a.paging().keySet());
    teams.addAll(b.paging().keySet());
    for (String team : teams) {
      Incident.Paging p = a.paging().get(team);
      Incident.Paging q = b.paging().get(team);
      paging.put(team, p == null ? q : q == null ? p : paging(p, q));
    }
    boolean aAckFirst =
        a.acknowledgedAt() != null
            && (b.acknowledgedAt() == null || !b.acknowledgedAt().isBefore(a.acknowledgedAt()));
    Incident ack = aAckFirst ? a : b;
    Instant resolvedAt =
        a.resolvedAt() == null || b.resolvedAt() == null
            ? (a.resolvedAt() == null ? b.resolvedAt() : a.resolvedAt())
            : min(a.resolvedAt(), b.resolvedAt());
    return new Incident(
        a.id(),
        a.serviceId(),
        min(a.start(), b.start()),
        a.rootCause() != null ? a.rootCause() : b.rootCause(),
        ack.acknowledgedAt(),
        ack.acknowledgedBy(),
        resolvedAt,
        paging,
        List.copyOf(log.values()));
  }

  /** A team's escalation seen by both sides: what fired on either has fired. */
  private static Incident.Paging paging(Incident.Paging p, Incident.Paging q) {
    if (p.equals(q)) {
      return p;
    }
    if (p.suppressed() != q.suppressed()) {
      // One side started paging: that side's escalation goes on.
      Incident.Paging active = p.suppressed() ? q : p;
      return active;
    }
    return new Incident.Paging(
        p.suppressed(),
        min(p.since(), q.since()),
        Math.max(p.stepsFired(), q.stepsFired()),
        Math.max(p.repeatsFired(), q.repeatsFired()),
        p.causeRecoveredAt() == null
            ? q.causeRecoveredAt()
            : q.causeRecoveredAt() == null
                ? p.causeRecoveredAt()
                : min(p.causeRecoveredAt(), q.causeRecoveredAt()));
  }

  private static boolean earlier(Incident i, Incident than) {
    int c = i.start().compareTo(than.start());
    return c < 0 || (c == 0 && i.id().compareTo(than.id()) < 0);
  }

  /** The side whose state changed last; ties go to the worse state, then to {@code a}. */
  private static ServiceAlerts later(ServiceAlerts a, ServiceAlerts b) {
    if (Objects.equals(a.lastChange(), b.lastChange())) {
      return b.state() == State.DOWN && a.state() != State.DOWN ? b : a;
    }
    if (a.lastChange() == null) {
      return b;
    }
    if (b.lastChange() == null) {
      return a;
    }
    return b.lastChange().isAfter(a.lastChange()) ? b : a;
  }

  private static <T extends Comparable<T>> T max(T a, T b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static Instant min(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.isBefore(b) ? a : b;
  }
}
