package io.nines.availability.incident;

import io.nines.availability.BurnRate;
import io.nines.availability.State;
import io.nines.config.Channel;
import io.nines.config.Escalation;
import io.nines.config.Fleet;
import io.nines.config.Notices;
import io.nines.config.PageAfter;
import io.nines.config.Service;
import io.nines.config.Settings;
import io.nines.config.Team;
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
 *   <li>Confirmation: an outage is confirmed once the service has been DOWN for its {@link
 *       PageAfter} ({@code page-after}: a time, or a number of consecutive failed runs). Only then
 *       does its incident open, starting when the service turned DOWN; a blip shorter than that
 *       opens none and tells nobody (the timeline and the figures still count it).
 *   <li>One incident per outage: it opens when the outage is confirmed and resolves when the
 *       service is UP again; DEGRADED and UNKNOWN neither open nor resolve one.
 *   <li>Owners are paged through their team's escalation, whose steps count from when the incident
 *       opened; an acknowledgement stops it. Steps and repeats that fell due while the engine was
 *       not asked (a member failed over) or during a maintenance window fire at the next tick, each
 *       channel once, not in a burst.
 *   <li>One notice per team per root-cause outage. The incident of a root cause (a DOWN service
 *       none of whose dependencies is DOWN) tells each team owning services that depend on it,
 *       directly or transitively, once, naming all of that team's exposed services (a page if the
 *       team asked for it); a team that owns the root cause itself is paged and told nothing more.
 *   <li>A service DOWN because a service it depends on is DOWN has an incident of its own, but it
 *       tells nobody while the root cause is down: its owners (who opted in to root-cause
 *       suppression, the default) already heard of the root cause's incident, and its dependants
 *       too. When the root cause is in maintenance (so its incident tells nobody), the owners get
 *       one root-cause notice and the dependants their upstream notice from this incident. A
 *       flapping root cause has no incident either, and suppresses nothing. If the service is still
 *       DOWN after the root cause recovered, for its confirmation time counted from that recovery,
 *       its owners' escalation starts then.
 *   <li>Maintenance: no incident opens while the service is in a maintenance window, and an open
 *       incident's escalation pauses during one. The outage is still on the timeline.
 *   <li>Flapping: {@code changes} changes into or out of DOWN within {@code window} send one
 *       flapping notice to the owners' non-paging channels (never PagerDuty: it belongs to no
 *       incident, so nothing would resolve it); while flapping, no new incident opens. The service
 *       is stable again when its state has held for half the window; if it is DOWN then, an
 *       incident opens.
 *   <li>Recovery: a resolve notice goes to every team and channel kind notified for the incident;
 *       also when the service is no longer monitored ({@link #retire}).
 *   <li>Every PagerDuty alert resolves: PagerDuty gets pages and incident notices (resolved with
 *       the incident) and budget pages (resolved with the burn or the month), never a notice that
 *       belongs to no incident (flapping, fleet).
 *   <li>After a split brain: an incident that the merge superseded ({@link AlertsMerge}) resolves
 *       at the next decision, to every team and channel it told that has no resolve yet.
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

  /**
   * What the caller knows about the world when it asks for a decision.
   *
   * @param downServices the services DOWN now
   * @param inMaintenance whether the service decided for is in a maintenance window now
   * @param details what a responder needs (failing step, actual value...)
   * @param servicesInMaintenance every service in a maintenance window now
   * @param failedRuns when the service's latest consecutive failed runs started (a run failed when
   *     its check's {@code down-when} held), newest first; empty when it is not DOWN or unknown
   * @param servicesFlapping every service flapping now: it has no incident, so as a root cause it
   *     tells nobody and suppresses no page
   */
  public record Context(
      Set<String> downServices,
      boolean inMaintenance,
      Map<String, String> details,
      Set<String> servicesInMaintenance,
      List<Instant> failedRuns,
      Set<String> servicesFlapping) {
    public Context {
      downServices = Set.copyOf(downServices);
      details = Map.copyOf(details);
      servicesInMaintenance =
          servicesInMaintenance == null ? Set.of() : Set.copyOf(servicesInMaintenance);
      failedRuns = failedRuns == null ? List.of() : List.copyOf(failedRuns);
      servicesFlapping = servicesFlapping == null ? Set.of() : Set.copyOf(servicesFlapping);
    }

    /** With no service flapping known. */
    public Context(
        Set<String> downServices,
        boolean inMaintenance,
        Map<String, String> details,
        Set<String> servicesInMaintenance,
        List<Instant> failedRuns) {
      this(downServices, inMaintenance, details, servicesInMaintenance, failedRuns, Set.of());
    }

    /** With no other service in maintenance and no failed run known. */
    public Context(Set<String> downServices, boolean inMaintenance, Map<String, String> details) {
      this(downServices, inMaintenance, details, Set.of(), List.of(), Set.of());
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
      if (b.confirmed(at, null)) {
        b.open(at);
      }
    } else if (state == State.UP && b.incident != null) {
      b.resolve(at);
    }
    b.escalate();
    return b.build();
  }

  /**
   * Time passed: opens the incident of an outage confirmed now (or still DOWN after flapping or a
   * maintenance window ended), fires escalation steps and repeats that are due, starts paging teams
   * whose root cause recovered, and ends flapping once the state is stable.
   */
  public Step tick(ServiceAlerts s, Instant now, Context ctx) {
    Builder b = new Builder(s, now, ctx);
    if (b.flapping
        && b.lastChange != null
        && !now.isBefore(b.lastChange.plus(alerting.flapWindow().dividedBy(2)))) {
      b.flapping = false;
      b.changes.clear();
    }
    if (b.state == State.DOWN && b.incident == null && !b.flapping && !ctx.inMaintenance()) {
      Instant downSince = b.lastChange == null ? now : b.lastChange;
      if (b.confirmed(downSince, null)) {
        b.open(downSince);
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
   * A burn-rate verdict for the service at {@code now}, {@link BurnRate.Verdict#OK} included (so
   * that open budget pages resolve). Owners hear through their non-paging channels, or through
   * their first escalation step when their team set {@code notices.budget: page}. A fast burn is
   * told at most once a UTC day (a team paged for it is not paged again while that page is open), a
   * spent budget once a month. A budget page resolves: a burn page when the burn stops (any verdict
   * but a fast burn), a spent page when its month has ended.
   */
  public Step onBudget(
      ServiceAlerts s, BurnRate.Verdict verdict, Instant now, Map<String, String> details) {
    Builder b = new Builder(s, now, new Context(Set.of(), false, details));
    String day = now.atZone(ZoneOffset.UTC).toLocalDate().toString();
    String month = day.substring(0, 7);
    for (Notification open : List.copyOf(b.budgetPages)) {
      boolean over =
          open.kind() == Notification.Kind.BUDGET_SPENT
              ? !open.key().startsWith("budget/" + s.serviceId() + "/" + month + "/")
              : verdict != BurnRate.Verdict.FAST_BURN;
      if (over) {
        b.resolveBudget(open);
      }
    }
    if (verdict == BurnRate.Verdict.SPENT && !month.equals(s.spentNoticeMonth())) {
      b.spentNoticeMonth = month;
      b.budget(Notification.Kind.BUDGET_SPENT, "budget/" + s.serviceId() + "/" + month);
    } else if (verdict == BurnRate.Verdict.FAST_BURN && !day.equals(s.burnNoticeDay())) {
      b.burnNoticeDay = day;
      b.budget(Notification.Kind.BUDGET_BURN, "budget/" + s.serviceId() + "/" + day);
    }
    return b.build();
  }

  /**
   * The service is no longer monitored (gone from the configuration, or left without a check), so
   * nothing will ever tell it is UP again: its open incident resolves (every team and channel told
   * hears so) and so do its open budget pages, so that no PagerDuty alert outlives it. Its state
   * becomes UNKNOWN, so that if it returns it starts afresh. Nothing to send when nothing is open.
   */
  public Step retire(ServiceAlerts s, Instant now) {
    Builder b = new Builder(s, now, Context.of(Set.of()));
    b.retired = true;
    for (Notification open : List.copyOf(b.budgetPages)) {
      b.resolveBudget(open);
    }
    if (b.incident != null) {
      b.resolve(now);
    }
    b.state = State.UNKNOWN;
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
    final List<Notification> budgetPages;
    final List<Incident> superseded;
    final List<Notification> out = new ArrayList<>();
    final Map<String, Incident.Paging> paging = new LinkedHashMap<>();
    final List<Notification> log = new ArrayList<>();

    /** Whether resolves are sent because the service is no longer monitored. */
    boolean retired;

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
      this.budgetPages = new ArrayList<>(s.budgetPages());
      this.superseded = new ArrayList<>(s.superseded());
      if (incident != null) {
        paging.putAll(incident.paging());
        log.addAll(incident.log());
      }
    }

    List<String> owners() {
      return service == null ? List.of() : service.owners();
    }

    PageAfter pageAfter() {
      return service == null || service.pageAfter() == null
          ? alerting.pageAfter()
          : service.pageAfter();
    }

    /**
     * Whether an outage is confirmed now: DOWN for the service's confirmation time since {@code
     * since}, or with that many consecutive failed runs (those started after {@code runsAfter} when
     * it is not null, else all of them).
     */
    boolean confirmed(Instant since, Instant runsAfter) {
      PageAfter p = pageAfter();
      if (p.byFailures()) {
        long runs =
            runsAfter == null
                ? ctx.failedRuns().size()
                : ctx.failedRuns().stream().filter(t -> t.isAfter(runsAfter)).count();
        return runs >= p.failures();
      }
      return !now.isBefore(since.plus(p.duration()));
    }

    void open(Instant start) {
      String id = before.serviceId() + "@" + start.getEpochSecond();
      String rootCause = dependencies.rootCause(before.serviceId(), ctx.downServices());
      // The root cause's own incident tells everyone concerned, unless it is in maintenance (then
      // it has none): this incident then speaks for it.
      boolean causeFlaps = rootCause != null && ctx.servicesFlapping().contains(rootCause);
      boolean causeTells =
          rootCause != null && !causeFlaps && !ctx.servicesInMaintenance().contains(rootCause);
      paging.clear();
      log.clear();
      incident =
          new Incident(
              id, before.serviceId(), start, rootCause, null, null, null, Map.of(), List.of());
      for (String owner : owners()) {
        Team team = fleet.teams().get(owner);
        // A flapping root cause has no incident: it told nobody, so it suppresses no page.
        boolean suppressed =
            rootCause != null
                && !causeFlaps
                && team != null
                && team.notices().rootCauseSuppression();
        paging.put(owner, new Incident.Paging(suppressed, now, 0, 0));
        if (suppressed && !causeTells) {
          for (String kind : noticeKinds(team)) {
            send(owner, kind, Notification.Kind.ROOT_CAUSE, id, "root-cause", id);
          }
        }
      }
      if (causeTells) {
        return;
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
      // Each team and channel told, with what it was told first (a page, an upstream notice, or a
      // root-cause notice; a page when it followed a root-cause notice).
      Map<String, Notification.Kind> notified = new LinkedHashMap<>();
      for (Notification n : log) {
        notified.merge(n.team() + "\u0000" + n.channelKind(), n.kind(), AlertsMerge::resolves);
      }
      notified.forEach(
          (pair, told) -> {
            String[] parts = pair.split("\u0000");
            if (told == Notification.Kind.UPSTREAM || told == Notification.Kind.ROOT_CAUSE) {
              // Resolves the notice: same topic and severity, so Alertmanager resolves that alert.
              Notification n =
                  notification(
                      i.id() + "/" + parts[0] + "/" + parts[1] + "/resolve",
                      i.id(),
                      parts[0],
                      parts[1],
                      Notification.Kind.RESOLVE);
              Map<String, String> details = new LinkedHashMap<>(n.details());
              details.put(Notification.RESOLVES, told.name());
              add(
                  new Notification(
                      n.key(),
                      n.incidentId(),
                      n.serviceId(),
                      n.team(),
                      n.channelKind(),
                      n.kind(),
                      n.at(),
                      n.summary(),
                      details));
            } else {
              send(parts[0], parts[1], Notification.Kind.RESOLVE, i.id(), "resolve", i.id());
            }
          });
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
          // A root cause that began to flap has no incident any more and tells nobody: from then
          // on it is as if it had recovered.
          if (incident.rootCause() == null
              || (ctx.downServices().contains(incident.rootCause())
                  && !ctx.servicesFlapping().contains(incident.rootCause()))
              || state != State.DOWN) {
            // Still explained by the root cause, or not DOWN: wait (again).
            paging.put(owner, new Incident.Paging(true, p.since(), 0, 0, null));
            continue;
          }
          // The root cause recovered but this service is still down: once that is confirmed
          // (its confirmation time, counted from the recovery), its own incident pages.
          Instant recovered = p.causeRecoveredAt() == null ? now : p.causeRecoveredAt();
          if (!confirmed(recovered, recovered)) {
            paging.put(owner, new Incident.Paging(true, p.since(), 0, 0, recovered));
            continue;
          }
          p = new Incident.Paging(false, now, 0, 0);
        }
        Escalation e = team.escalation();
        int fired = p.stepsFired();
        // Steps and repeats that fell due while nobody asked (a member away, a maintenance window)
        // page each channel once, as the latest of them that names it: not in a burst.
        Map<String, String> due = new LinkedHashMap<>();
        while (fired < e.steps().size()
            && !now.isBefore(p.since().plus(e.steps().get(fired).after()))) {
          for (String kind : e.steps().get(fired).channelKinds()) {
            due.remove(kind);
            due.put(kind, "step-" + (fired + 1));
          }
          fired++;
        }
        int repeats = p.repeatsFired();
        if (fired == e.steps().size() && e.repeat() != null && !e.steps().isEmpty()) {
          Instant last = p.since().plus(e.steps().get(e.steps().size() - 1).after());
          long missed = Duration.between(last, now).toMillis() / e.repeat().toMillis();
          if (missed > repeats) {
            // Repeats missed while nobody asked fire once, not in a burst.
            repeats = (int) missed;
            for (String kind : e.steps().get(e.steps().size() - 1).channelKinds()) {
              due.remove(kind);
              due.put(kind, "repeat-" + repeats);
            }
          }
        }
        due.forEach(
            (kind, step) ->
                send(owner, kind, Notification.Kind.PAGE, incident.id(), step, incident.id()));
        paging.put(owner, new Incident.Paging(p.suppressed(), p.since(), fired, repeats));
      }
    }

    /**
     * Tells each owner team through its non-paging channels (flapping). Never PagerDuty: such a
     * notice belongs to no incident, so nothing would resolve the alert it opened; a team whose
     * only channel is PagerDuty is told nothing (the service's timeline shows the changes).
     */
    void toOwners(Notification.Kind kind, String keyPrefix, String incidentId) {
      for (String owner : owners()) {
        Team team = fleet.teams().get(owner);
        if (team == null) {
          continue;
        }
        for (String channel : nonPagingKinds(team)) {
          send(owner, channel, kind, keyPrefix, kind.name().toLowerCase(), incidentId);
        }
      }
    }

    /**
     * A budget notice to each owner team: through its non-paging channels only, or as a page
     * through its first escalation step when it set {@code notices.budget: page}; such a page is
     * remembered until it resolves, and a team with an open burn page is not paged again for it.
     */
    void budget(Notification.Kind kind, String keyPrefix) {
      for (String owner : owners()) {
        Team team = fleet.teams().get(owner);
        if (team == null) {
          continue;
        }
        boolean page = team.notices().budget() == Notices.Mode.PAGE;
        if (page
            && budgetPages.stream().anyMatch(n -> n.team().equals(owner) && n.kind() == kind)) {
          continue;
        }
        for (String channel : page ? firstStepKinds(team) : nonPagingKinds(team)) {
          Notification n =
              notification(
                  keyPrefix + "/" + owner + "/" + channel + "/" + kind.name().toLowerCase(),
                  null,
                  owner,
                  channel,
                  kind);
          add(n);
          if (page) {
            budgetPages.add(n);
          }
        }
      }
    }

    /** Resolves an open budget page: same key prefix, so PagerDuty resolves the same alert. */
    void resolveBudget(Notification open) {
      budgetPages.remove(open);
      String prefix = Notification.withoutLast(open.key(), 3);
      Notification n =
          notification(
              prefix + "/" + open.team() + "/" + open.channelKind() + "/resolve",
              null,
              open.team(),
              open.channelKind(),
              Notification.Kind.RESOLVE);
      Map<String, String> details = new LinkedHashMap<>(n.details());
      details.put(Notification.RESOLVES, open.kind().name());
      add(
          new Notification(
              n.key(),
              n.incidentId(),
              n.serviceId(),
              n.team(),
              n.channelKind(),
              n.kind(),
              now,
              retired
                  ? name() + " is no longer monitored: its budget page is closed"
                  : open.kind() == Notification.Kind.BUDGET_SPENT
                      ? name() + ": a new month, a new downtime budget"
                      : name() + " no longer burns its downtime budget fast",
              details));
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
        case RESOLVE ->
            retired
                ? name() + " is no longer monitored: its incident is closed"
                : name() + " is UP again";
        case UPSTREAM -> name() + " is down" + since;
        case ROOT_CAUSE ->
            name()
                + " is DOWN"
                + since
                + ", probably because "
                + incident.rootCause()
                + " is down, in a maintenance window";
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

    /**
     * Resolves the incidents a merge after a split brain superseded: a resolve to every team and
     * channel each told that its log does not show resolved, with the key a normal resolve has (so
     * PagerDuty's {@code dedup_key} matches the page), then keeps them with the resolved ones.
     */
    void settleSuperseded() {
      for (Incident i : superseded) {
        List<Notification> told = new ArrayList<>(i.log());
        String kept = incident == null ? null : incident.id();
        AlertsMerge.unresolved(i)
            .forEach(
                (pair, first) -> {
                  String[] parts = pair.split("\u0000");
                  Map<String, String> details = new LinkedHashMap<>(ctx.details());
                  if (service != null && service.runbook() != null) {
                    details.put("runbook", service.runbook());
                  }
                  if (service != null) {
                    details.put("tier", service.tier().configName());
                    details.put("target", String.valueOf(service.targetPercent()));
                  }
                  details.put("since", i.start().toString());
                  if (i.rootCause() != null) {
                    details.put("rootCause", i.rootCause());
                  }
                  if (first == Notification.Kind.UPSTREAM
                      || first == Notification.Kind.ROOT_CAUSE) {
                    details.put(Notification.RESOLVES, first.name());
                  }
                  if (kept != null) {
                    details.put("mergedInto", kept);
                  }
                  Notification n =
                      new Notification(
                          i.id() + "/" + parts[0] + "/" + parts[1] + "/resolve",
                          i.id(),
                          before.serviceId(),
                          parts[0],
                          parts[1],
                          Notification.Kind.RESOLVE,
                          now,
                          kept == null
                              ? name()
                                  + ": incident "
                                  + i.id()
                                  + " was opened twice during a split of the cluster; closed"
                              : name()
                                  + ": incident "
                                  + i.id()
                                  + " was opened twice during a split of the cluster; closed, "
                                  + kept
                                  + " goes on",
                          details);
                  out.add(n);
                  told.add(n);
                });
        resolved.removeIf(r -> r.id().equals(i.id()));
        resolved.add(
            new Incident(
                i.id(),
                i.serviceId(),
                i.start(),
                i.rootCause(),
                i.acknowledgedAt(),
                i.acknowledgedBy(),
                i.resolvedAt() == null ? now : i.resolvedAt(),
                i.paging(),
                told));
        while (resolved.size() > ServiceAlerts.KEEP_RESOLVED) {
          resolved.remove(0);
        }
      }
      superseded.clear();
    }

    Step build() {
      settleSuperseded();
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
              resolved,
              budgetPages,
              superseded),
          out);
    }
  }

  /** The channel kinds of the team's first escalation step. */
  static List<String> firstStepKinds(Team team) {
    return team.escalation().steps().isEmpty()
        ? List.of()
        : team.escalation().steps().get(0).channelKinds();
  }

  /** The team's non-paging channel kinds (not PagerDuty); may be empty. */
  static List<String> nonPagingKinds(Team team) {
    return team.channels().stream()
        .map(Channel::kind)
        .filter(k -> !k.equals("pagerduty"))
        .distinct()
        .toList();
  }

  /**
   * The team's non-paging channel kinds; PagerDuty only when it has nothing else. Only for notices
   * that belong to an incident (upstream, root cause), which resolve with it: a notice that belongs
   * to none (flapping, budget, fleet) goes to {@link #nonPagingKinds} so it never opens a PagerDuty
   * alert that nothing resolves.
   */
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
