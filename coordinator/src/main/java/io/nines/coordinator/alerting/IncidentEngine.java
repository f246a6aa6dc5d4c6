package io.nines.coordinator.alerting;

import io.nines.config.Channel;
import io.nines.config.Escalation;
import io.nines.config.Fleet;
import io.nines.config.Notices;
import io.nines.config.Service;
import io.nines.config.Settings;
import io.nines.config.Team;
import io.nines.coordinator.timeline.State;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides incidents and who is told what, when. Pure: every method takes the service's {@link
 * ServiceAlerts} and {@code now}, and returns the next {@link ServiceAlerts} with the notifications
 * to put in the outbox. Thread-safe (immutable).
 *
 * <p>The rules:
 *
 * <ul>
 *   <li>One incident per outage: it opens when the service turns DOWN and resolves when it is UP
 *       again; DEGRADED and UNKNOWN neither open nor resolve one.
 *   <li>Owners are paged through their team's escalation; an acknowledgement stops it. Steps that
 *       fell due while the engine was not asked (a member failed over) fire at the next tick;
 *       missed repeats fire once, not in a burst.
 *   <li>Teams owning services that depend on the failing one, directly or transitively, get one
 *       upstream notice per incident naming their exposed services (a page if they asked for it).
 *   <li>Root-cause suppression: when a service the failing one depends on is down too, owners who
 *       opted in get one notice naming it instead of pages; if their service is still down when the
 *       root cause recovers, their escalation starts then.
 *   <li>Maintenance: no incident opens while the service is in a maintenance window, and an open
 *       incident's escalation pauses during one. The outage is still on the timeline.
 *   <li>Flapping: {@code changes} changes into or out of DOWN within {@code window} send one
 *       flapping notice to the owners; while flapping, no new incident opens. The service is stable
 *       again when its state has held for half the window; if it is DOWN then, an incident opens.
 *   <li>Recovery: a resolve notice goes to every team and channel kind notified for the incident.
 * </ul>
 */
public final class IncidentEngine {
  private final Fleet fleet;
  private final Dependencies dependencies;
  private final Settings.Alerting alerting;

  public IncidentEngine(Fleet fleet) {
    this.fleet = fleet;
    this.dependencies = new Dependencies(fleet);
    this.alerting = fleet.settings().alerting();
  }

  /** A decision: the next state and what to send. */
  public record Step(ServiceAlerts next, List<Notification> notifications) {
    public Step {
      notifications = List.copyOf(notifications);
    }
  }

  /** What the caller knows about the world when it asks for a decision. */
  public record Context(
      Set<String> downServices, boolean inMaintenance, Map<String, String> details) {
    public Context {
      downServices = Set.copyOf(downServices);
      details = Map.copyOf(details);
    }

    public static Context of(Set<String> downServices) {
      return new Context(downServices, false, Map.of());
    }
  }

  /** The service's state changed (or was re-confirmed) at {@code at}. */
  public Step onState(ServiceAlerts s, State state, Instant at, Context ctx) {
    if (state == s.state()) {
      return tick(s, at, ctx);
    }
    Builder b = new Builder(s, at, ctx);
    b.state = state;
    // UP, DEGRADED and UNKNOWN moving among themselves is not flapping: only going down and
    // coming back count.
    boolean downChange = (s.state() == State.DOWN) != (state == State.DOWN);
    if (downChange) {
      b.changes.removeIf(t -> t.isBefore(at.minus(alerting.flapWindow())));
      b.changes.add(at);
      b.lastChange = at;
    }
    if (downChange && !b.flapping && b.changes.size() >= alerting.flapChanges()) {
      b.flapping = true;
      b.toOwners(Notification.Kind.FLAPPING, s.serviceId() + "@" + at.getEpochSecond(), null);
    }
    if (state == State.DOWN && b.incident == null && !ctx.inMaintenance() && !b.flapping) {
      b.open(at);
    } else if (state == State.UP && b.incident != null) {
      b.resolve(at);
    }
    b.escalate();
    return b.build();
  }

  /**
   * Time passed: fires escalation steps and repeats that are due, starts paging teams whose root
   * cause recovered, and ends flapping once the state is stable.
   */
  public Step tick(ServiceAlerts s, Instant now, Context ctx) {
    Builder b = new Builder(s, now, ctx);
    if (b.flapping
        && b.lastChange != null
        && !now.isBefore(b.lastChange.plus(alerting.flapWindow().dividedBy(2)))) {
      b.flapping = false;
      b.changes.clear();
      if (b.state == State.DOWN && b.incident == null && !ctx.inMaintenance()) {
        b.open(b.lastChange);
      }
    }
    b.escalate();
    return b.build();
  }

  /**
   * Someone acknowledged the incident: escalation stops, and PagerDuty is told.
   *
   * @return the same state and no notification when {@code incidentId} is not the open incident or
   *     it was already acknowledged
   */
  public Step acknowledge(ServiceAlerts s, String incidentId, String who, Instant at) {
    Incident i = s.incident();
    if (i == null || !i.id().equals(incidentId) || i.acknowledged()) {
      return new Step(s, List.of());
    }
    Builder b = new Builder(s, at, Context.of(Set.of()));
    b.incident =
        new Incident(
            i.id(), i.serviceId(), i.start(), i.rootCause(), at, who, null, i.paging(), i.log());
    Set<String> paged = new LinkedHashSet<>();
    for (Notification n : i.log()) {
      if (n.kind() == Notification.Kind.PAGE && n.channelKind().equals("pagerduty")) {
        paged.add(n.team());
      }
    }
    for (String team : paged) {
      b.send(team, "pagerduty", Notification.Kind.ACKNOWLEDGE, i.id(), "ack", i.id());
    }
    return b.build();
  }

  /**
   * A burn-rate verdict for the service at {@code now}. A fast burn is told at most once a UTC day,
   * a spent budget once a month.
   */
  public Step onBudget(
      ServiceAlerts s, BurnRate.Verdict verdict, Instant now, Map<String, String> details) {
    Builder b = new Builder(s, now, new Context(Set.of(), false, details));
    String day = now.atZone(ZoneOffset.UTC).toLocalDate().toString();
    String month = day.substring(0, 7);
    if (verdict == BurnRate.Verdict.SPENT && !month.equals(s.spentNoticeMonth())) {
      b.spentNoticeMonth = month;
      b.toOwners(Notification.Kind.BUDGET_SPENT, "budget/" + s.serviceId() + "/" + month, null);
    } else if (verdict == BurnRate.Verdict.FAST_BURN && !day.equals(s.burnNoticeDay())) {
      b.burnNoticeDay = day;
      b.toOwners(Notification.Kind.BUDGET_BURN, "budget/" + s.serviceId() + "/" + day, null);
    }
    return b.build();
  }

  /** Builds one decision; confined to one call. */
  private final class Builder {
    final ServiceAlerts before;
    final Instant now;
    final Context ctx;
    final Service service;
    State state;
    Incident incident;
    final List<Instant> changes;
    boolean flapping;
    Instant lastChange;
    String burnNoticeDay;
    String spentNoticeMonth;
    final List<Incident> resolved;
    final List<Notification> out = new ArrayList<>();
    final Map<String, Incident.Paging> paging = new LinkedHashMap<>();
    final List<Notification> log = new ArrayList<>();

    Builder(ServiceAlerts s, Instant now, Context ctx) {
      this.before = s;
      this.now = now;
      this.ctx = ctx;
      this.service = fleet.services().get(s.serviceId());
      this.state = s.state();
      this.incident = s.incident();
      this.changes = new ArrayList<>(s.changes());
      this.flapping = s.flapping();
      this.lastChange = s.lastChange();
      this.burnNoticeDay = s.burnNoticeDay();
      this.spentNoticeMonth = s.spentNoticeMonth();
      this.resolved = new ArrayList<>(s.resolved());
      if (incident != null) {
        paging.putAll(incident.paging());
        log.addAll(incident.log());
      }
    }

    List<String> owners() {
      return service == null ? List.of() : service.owners();
    }

    void open(Instant start) {
      String id = before.serviceId() + "@" + start.getEpochSecond();
      String rootCause = dependencies.rootCause(before.serviceId(), ctx.downServices());
      paging.clear();
      log.clear();
      incident =
          new Incident(
              id, before.serviceId(), start, rootCause, null, null, null, Map.of(), List.of());
      for (String owner : owners()) {
        Team team = fleet.teams().get(owner);
        boolean suppressed =
            rootCause != null && team != null && team.notices().rootCauseSuppression();
        paging.put(owner, new Incident.Paging(suppressed, start, 0, 0));
        if (suppressed) {
          for (String kind : noticeKinds(team)) {
            send(owner, kind, Notification.Kind.ROOT_CAUSE, id, "root-cause", id);
          }
        }
      }
      // Dependent teams: one upstream notice each, naming the services of theirs that are exposed.
      Map<String, List<String>> exposed = new LinkedHashMap<>();
      for (String dependent : dependencies.dependentsOf(before.serviceId())) {
        Service d = fleet.services().get(dependent);
        for (String team : d.owners()) {
          if (!owners().contains(team)) {
            exposed.computeIfAbsent(team, t -> new ArrayList<>()).add(dependent);
          }
        }
      }
      exposed.forEach(
          (teamId, services) -> {
            Team team = fleet.teams().get(teamId);
            if (team == null) {
              return;
            }
            List<String> kinds =
                team.notices().upstream() == Notices.Mode.PAGE
                    ? firstStepKinds(team)
                    : noticeKinds(team);
            for (String kind : kinds) {
              Notification n =
                  notification(
                      id + "/" + teamId + "/" + kind + "/upstream",
                      id,
                      teamId,
                      kind,
                      Notification.Kind.UPSTREAM);
              Map<String, String> details = new LinkedHashMap<>(n.details());
              details.put("exposedServices", String.join(", ", services));
              add(
                  new Notification(
                      n.key(),
                      id,
                      n.serviceId(),
                      teamId,
                      kind,
                      n.kind(),
                      now,
                      name()
                          + " is down since "
                          + start
                          + "; your services "
                          + String.join(", ", services)
                          + " depend on it",
                      details));
            }
          });
    }

    void resolve(Instant at) {
      Incident i = incident;
      Set<String> notified = new LinkedHashSet<>();
      for (Notification n : log) {
        notified.add(n.team() + "\u0000" + n.channelKind());
      }
      for (String pair : notified) {
        String[] parts = pair.split("\u0000");
        send(parts[0], parts[1], Notification.Kind.RESOLVE, i.id(), "resolve", i.id());
      }
      Incident done =
          new Incident(
              i.id(),
              i.serviceId(),
              i.start(),
              i.rootCause(),
              i.acknowledgedAt(),
              i.acknowledgedBy(),
              at,
              paging,
              log);
      resolved.add(done);
      while (resolved.size() > ServiceAlerts.KEEP_RESOLVED) {
        resolved.remove(0);
      }
      incident = null;
      paging.clear();
      log.clear();
    }

    /** Fires what is due of each owner's escalation. */
    void escalate() {
      if (incident == null || incident.acknowledged() || ctx.inMaintenance()) {
        return;
      }
      for (String owner : owners()) {
        Team team = fleet.teams().get(owner);
        Incident.Paging p = paging.get(owner);
        if (team == null || p == null) {
          continue;
        }
        if (p.suppressed()) {
          if (incident.rootCause() != null
              && !ctx.downServices().contains(incident.rootCause())
              && state == State.DOWN) {
            // The root cause recovered but this service is still down: its own incident pages.
            p = new Incident.Paging(false, now, 0, 0);
          } else {
            continue;
          }
        }
        Escalation e = team.escalation();
        int fired = p.stepsFired();
        while (fired < e.steps().size()
            && !now.isBefore(p.since().plus(e.steps().get(fired).after()))) {
          for (String kind : e.steps().get(fired).channelKinds()) {
            send(
                owner,
                kind,
                Notification.Kind.PAGE,
                incident.id(),
                "step-" + (fired + 1),
                incident.id());
          }
          fired++;
        }
        int repeats = p.repeatsFired();
        if (fired == e.steps().size() && e.repeat() != null && !e.steps().isEmpty()) {
          Instant last = p.since().plus(e.steps().get(e.steps().size() - 1).after());
          long due = Duration.between(last, now).toMillis() / e.repeat().toMillis();
          if (due > repeats) {
            // Repeats missed while nobody asked fire once, not in a burst.
            repeats = (int) due;
            for (String kind : e.steps().get(e.steps().size() - 1).channelKinds()) {
              send(
                  owner,
                  kind,
                  Notification.Kind.PAGE,
                  incident.id(),
                  "repeat-" + repeats,
                  incident.id());
            }
          }
        }
        paging.put(owner, new Incident.Paging(p.suppressed(), p.since(), fired, repeats));
      }
    }

    /**
     * Tells each owner team through its notice channels (or its first step when it asked to be
     * paged).
     */
    void toOwners(Notification.Kind kind, String keyPrefix, String incidentId) {
      for (String owner : owners()) {
        Team team = fleet.teams().get(owner);
        if (team == null) {
          continue;
        }
        boolean page =
            (kind == Notification.Kind.BUDGET_BURN || kind == Notification.Kind.BUDGET_SPENT)
                && team.notices().budget() == Notices.Mode.PAGE;
        for (String channel : page ? firstStepKinds(team) : noticeKinds(team)) {
          send(owner, channel, kind, keyPrefix, kind.name().toLowerCase(), incidentId);
        }
      }
    }

    void send(
        String team,
        String kind,
        Notification.Kind what,
        String keyPrefix,
        String step,
        String incidentId) {
      add(
          notification(
              keyPrefix + "/" + team + "/" + kind + "/" + step, incidentId, team, kind, what));
    }

    Notification notification(
        String key, String incidentId, String team, String kind, Notification.Kind what) {
      Map<String, String> details = new LinkedHashMap<>(ctx.details());
      if (service != null && service.runbook() != null) {
        details.put("runbook", service.runbook());
      }
      if (service != null) {
        details.put("tier", service.tier().configName());
        details.put("target", String.valueOf(service.targetPercent()));
      }
      if (incident != null) {
        details.put("since", incident.start().toString());
        if (incident.rootCause() != null) {
          details.put("rootCause", incident.rootCause());
        }
      }
      return new Notification(
          key,
          incidentId == null ? "" : incidentId,
          before.serviceId(),
          team,
          kind,
          what,
          now,
          summary(what),
          details);
    }

    String name() {
      return service == null ? before.serviceId() : service.name();
    }

    String summary(Notification.Kind what) {
      String since = incident == null ? "" : " since " + incident.start();
      return switch (what) {
        case PAGE -> name() + " is DOWN" + since;
        case ACKNOWLEDGE -> name() + ": the incident was acknowledged";
        case RESOLVE -> name() + " is UP again";
        case UPSTREAM -> name() + " is down" + since;
        case ROOT_CAUSE ->
            name()
                + " is DOWN"
                + since
                + ", probably because "
                + incident.rootCause()
                + " is down; see its incident";
        case FLAPPING ->
            name()
                + " is flapping: "
                + changes.size()
                + " state changes within "
                + alerting.flapWindow().toMinutes()
                + " minutes";
        case BUDGET_BURN ->
            name()
                + " is burning its downtime budget fast enough to spend it before the month ends";
        case BUDGET_SPENT -> name() + " has spent its downtime budget for this month";
        case FLEET -> "fleet health";
      };
    }

    void add(Notification n) {
      out.add(n);
      if (incident != null && n.incidentId().equals(incident.id())) {
        log.add(n);
      }
    }

    Step build() {
      Incident i = incident;
      if (i != null) {
        i =
            new Incident(
                i.id(),
                i.serviceId(),
                i.start(),
                i.rootCause(),
                i.acknowledgedAt(),
                i.acknowledgedBy(),
                null,
                paging,
                log);
      }
      return new Step(
          new ServiceAlerts(
              before.serviceId(),
              state,
              i,
              changes,
              flapping,
              lastChange,
              burnNoticeDay,
              spentNoticeMonth,
              resolved),
          out);
    }
  }

  /** The channel kinds of the team's first escalation step. */
  static List<String> firstStepKinds(Team team) {
    return team.escalation().steps().isEmpty()
        ? List.of()
        : team.escalation().steps().get(0).channelKinds();
  }

  /** The team's non-paging channel kinds; PagerDuty only when it has nothing else. */
  static List<String> noticeKinds(Team team) {
    List<String> kinds =
        team.channels().stream()
            .map(Channel::kind)
            .filter(k -> !k.equals("pagerduty"))
            .distinct()
            .toList();
    if (kinds.isEmpty()) {
      return team.channels().stream().map(Channel::kind).distinct().toList();
    }
    return kinds;
  }
}
