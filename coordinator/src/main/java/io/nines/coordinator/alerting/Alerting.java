package io.nines.coordinator.alerting;

import io.micrometer.core.instrument.MeterRegistry;
import io.nines.availability.BurnRate;
import io.nines.availability.DowntimeBudget;
import io.nines.availability.State;
import io.nines.availability.incident.Command;
import io.nines.availability.incident.Incident;
import io.nines.availability.incident.Notification;
import io.nines.availability.incident.ServiceAlerts;
import io.nines.availability.report.FleetTimelines;
import io.nines.availability.report.Lives;
import io.nines.availability.report.ServiceView;
import io.nines.common.ProbeResult;
import io.nines.common.TimeRange;
import io.nines.common.TimeSource;
import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.nines.config.Fleet;
import io.nines.config.PageAfter;
import io.nines.config.Service;
import io.nines.coordinator.query.Queries;
import io.nines.coordinator.screenshots.Screenshots;
import io.nines.store.alerts.AlertStore;
import io.nines.store.alerts.Delivery;
import io.nines.store.alerts.Outbox;
import io.nines.store.alerts.OutboxEntry;
import io.nines.store.results.ResultStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Alerting's shell around the pure {@link IncidentEngine}: once a period it reads each service's
 * state from the timelines, asks the engine what to do, queues the notifications in the outbox, and
 * delivers what is due, retrying with exponential backoff for up to 24 hours.
 *
 * <p>Only services {@code owns} accepts are decided here: in a cluster, those whose key this
 * member's partitions own, so that exactly one member decides for a service.
 *
 * <p>Runs on the Vert.x context that calls {@link #start}; the timeline arithmetic runs on a
 * worker.
 */
public final class Alerting {
  private static final Logger LOG = Logger.getLogger(Alerting.class.getName());

  /** Deliveries are retried for this long after a notification was queued. */
  public static final Duration GIVE_UP_AFTER = Duration.ofHours(24);

  private static final Duration BUDGET_EVERY = Duration.ofMinutes(1);

  /** How far before a burn window an outage's start is looked for, to know its whole length. */
  private static final Duration CONFIRMATION_LOOKBACK = Duration.ofHours(1);

  private final Vertx vertx;
  private final Supplier<Fleet> fleet;
  private final TimeSource time;
  private final ResultStore store;
  private final Queries queries;
  private final AlertStore alerts;
  private final Outbox outbox;
  private final Sender sender;
  private final Predicate<String> owns;
  private final MeterRegistry registry;
  private final Supplier<Lives> lives;
  private final AtomicInteger openIncidents = new AtomicInteger();
  private long timerId = -1;
  private boolean running;
  private boolean busy;
  private Instant lastBudget = Instant.EPOCH;
  private Instant lastRepost = Instant.EPOCH;

  public Alerting(
      Vertx vertx,
      Supplier<Fleet> fleet,
      TimeSource time,
      ResultStore store,
      AlertStore alerts,
      Outbox outbox,
      Sender sender,
      Predicate<String> owns,
      MeterRegistry registry) {
    this(vertx, fleet, time, store, alerts, outbox, sender, owns, registry, () -> Lives.NONE);
  }

  /**
   * @param lives where checks' lives start, by the configuration history; budget and burn-rate
   *     notices count only downtime inside a service's life, against its budget pro-rated to it
   */
  public Alerting(
      Vertx vertx,
      Supplier<Fleet> fleet,
      TimeSource time,
      ResultStore store,
      AlertStore alerts,
      Outbox outbox,
      Sender sender,
      Predicate<String> owns,
      MeterRegistry registry,
      Supplier<Lives> lives) {
    this.lives = lives;
    this.vertx = vertx;
    this.fleet = fleet;
    this.time = time;
    this.store = store;
    this.queries = new Queries(store);
    this.alerts = alerts;
    this.outbox = outbox;
    this.sender = sender;
    this.owns = owns;
    this.registry = registry;
    io.micrometer.core.instrument.Gauge.builder(
            "nines.alerting.incidents.open", openIncidents, AtomicInteger::get)
        .description("Incidents open now, of the services this coordinator decides for")
        .register(registry);
  }

  public AlertStore alerts() {
    return alerts;
  }

  public Outbox outbox() {
    return outbox;
  }

  /** Runs {@link #runOnce} every {@code periodMillis}; a run still going skips the next. */
  public void start(long periodMillis) {
    running = true;
    timerId =
        vertx.setPeriodic(
            periodMillis,
            t -> {
              if (!busy && running) {
                busy = true;
                runOnce()
                    .onComplete(
                        ar -> {
                          busy = false;
                          if (ar.failed()) {
                            LOG.log(Level.WARNING, "alerting run failed", ar.cause());
                          }
                        });
              }
            });
  }

  public void stop() {
    running = false;
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
  }

  /** Decides for every owned service at the clock's now, then delivers what is due. */
  public Future<Void> runOnce() {
    Fleet f = fleet.get();
    if (f == null) {
      return Future.succeededFuture();
    }
    Instant now = time.now();
    return evaluate(f, now)
        .compose(v -> budgetIfDue(f, now))
        .compose(v -> fleetHealth(f, now))
        .compose(v -> deliverDue(now))
        .compose(v -> repostIfDue(now));
  }

  /**
   * Posts the open incidents' alerts again to Alertmanager channels, once every {@link
   * Reposts#EVERY}, and recent resolutions for a while (see {@link Reposts}). Reposts bypass the
   * outbox: each is superseded by the next a minute later, so a failed one is not retried.
   */
  private Future<Void> repostIfDue(Instant now) {
    if (now.isBefore(lastRepost.plus(Reposts.EVERY))) {
      return Future.succeededFuture();
    }
    lastRepost = now;
    return alerts
        .all()
        .compose(
            all -> {
              List<Future<Void>> sends = new ArrayList<>();
              for (Reposts.Due due :
                  Reposts.due(all.stream().filter(a -> owns.test(a.serviceId())).toList(), now)) {
                Future<Delivery> sent;
                try {
                  sent = sender.repost(due.firing(), due.resolvedAt());
                } catch (RuntimeException ex) {
                  sent = Future.failedFuture(ex);
                }
                sends.add(
                    sent.recover(
                            ex ->
                                Future.succeededFuture(
                                    new Delivery(
                                        now,
                                        false,
                                        "error",
                                        String.valueOf(ex.getMessage()),
                                        true)))
                        .map(
                            d -> {
                              repostCounter(due, d.ok()).increment();
                              if (!d.ok()) {
                                LOG.fine(
                                    "repost of " + due.firing().key() + " failed: " + d.message());
                              }
                              return null;
                            }));
              }
              return Future.join(sends).mapEmpty();
            });
  }

  private io.micrometer.core.instrument.Counter repostCounter(Reposts.Due due, boolean ok) {
    return io.micrometer.core.instrument.Counter.builder("nines.alerting.reposts")
        .description(
            "Alerts posted again to Alertmanager channels: firing while their incident is open,"
                + " resolved for a while after it closed; by channel, state and outcome")
        .tag("channel", due.firing().channelKind())
        .tag("state", due.resolvedAt() == null ? "firing" : "resolved")
        .tag("outcome", ok ? "sent" : "failed")
        .register(registry);
  }

  /**
   * Where fleet health comes from: the lost agents and the locations without a live agent now. Null
   * (the default) when this coordinator does not track agents.
   */
  public interface FleetView {
    Future<Set<String>> lostAgents(Instant now);

    /**
     * The lost agents with their last heartbeat, which keys their notices so that every member
     * makes the same ones ({@link FleetHealth}). The default knows no heartbeat and says {@code
     * now}.
     */
    default Future<Map<String, Instant>> lostAgentsLastSeen(Instant now) {
      return lostAgents(now)
          .map(
              lost -> {
                Map<String, Instant> out = new LinkedHashMap<>();
                lost.forEach(agent -> out.put(agent, now));
                return out;
              });
    }

    Future<Set<String>> emptyLocations(Instant now);
  }

  private FleetView fleetView;
  private final FleetHealth health = new FleetHealth();

  /** Routes fleet health (lost agents, empty locations) to the operators team. */
  public void watchFleet(FleetView view) {
    this.fleetView = view;
  }

  private Future<Void> fleetHealth(Fleet f, Instant now) {
    FleetView view = fleetView;
    // In a cluster every member sees the same registry; the member owning the key "fleet" reports.
    if (view == null || !owns.test("fleet")) {
      return Future.succeededFuture();
    }
    return view.lostAgentsLastSeen(now)
        .compose(lost -> view.emptyLocations(now).map(empty -> health.observe(f, lost, empty, now)))
        .compose(notices -> outbox.enqueue(notices, now))
        .mapEmpty();
  }

  private Future<Void> evaluate(Fleet f, Instant now) {
    TimeRange span = new TimeRange(now.minusSeconds(1), now);
    return queries
        .fetch(f.checks(), span)
        .compose(
            results ->
                vertx.executeBlocking(
                    () -> {
                      Map<String, State> states = new LinkedHashMap<>();
                      for (Service s : f.services().values()) {
                        if (!f.checksOf(s.id()).isEmpty()) {
                          states.put(
                              s.id(),
                              FleetTimelines.serviceTimeline(f, s.id(), span, results).lastState());
                        }
                      }
                      return states;
                    }))
        .compose(
            states ->
                // Flapping matters only as a root cause of a service that is down: with none down
                // (most ticks), every service's alerting state is not read.
                states.containsValue(State.DOWN)
                    ? alerts.all().map(all -> new Observed(states, flapping(all)))
                    : Future.succeededFuture(new Observed(states, Set.of())))
        .compose(
            observed -> {
              Map<String, State> states = observed.states();
              Set<String> flapping = observed.flapping();
              Set<String> down = new HashSet<>();
              states.forEach(
                  (id, st) -> {
                    if (st == State.DOWN) {
                      down.add(id);
                    }
                  });
              // Every service's maintenance, not only this member's: a root cause in maintenance
              // has no incident to tell its dependants.
              Set<String> maintenance = new HashSet<>();
              for (String id : states.keySet()) {
                if (!FleetTimelines.maintenance(f, id, new TimeRange(now, now.plusMillis(1)))
                    .isEmpty()) {
                  maintenance.add(id);
                }
              }
              List<Future<Void>> work = new ArrayList<>();
              for (Map.Entry<String, State> e : states.entrySet()) {
                String id = e.getKey();
                if (!owns.test(id)) {
                  continue;
                }
                boolean inMaintenance = maintenance.contains(id);
                Future<Failures> failures =
                    e.getValue() == State.DOWN
                        ? failures(f, id)
                        : Future.succeededFuture(Failures.NONE);
                work.add(
                    failures
                        .compose(
                            d ->
                                alerts.apply(
                                    id,
                                    Command.state(
                                        e.getValue(),
                                        now,
                                        down,
                                        inMaintenance,
                                        d.details(),
                                        maintenance,
                                        d.runs(),
                                        flapping)))
                        .compose(step -> outbox.enqueue(step.notifications(), now))
                        .mapEmpty());
              }
              return Future.join(work).<Void>mapEmpty();
            })
        .compose(v -> retireUnmonitored(f, now))
        .compose(v -> alerts.all())
        .map(
            all -> {
              openIncidents.set((int) all.stream().filter(a -> a.incident() != null).count());
              return null;
            });
  }

  /** The services' states now, and which services are flapping (as of the last decisions). */
  private record Observed(Map<String, State> states, Set<String> flapping) {}

  /**
   * The services flapping: they open no incident, so as root causes they tell nobody and suppress
   * no page of their dependants.
   */
  private static Set<String> flapping(List<ServiceAlerts> all) {
    Set<String> out = new HashSet<>();
    for (ServiceAlerts a : all) {
      if (a.flapping()) {
        out.add(a.serviceId());
      }
    }
    return out;
  }

  /**
   * Closes what is open (an incident, budget pages) for services this member decides for that are
   * no longer monitored: gone from the configuration, or left without a check. Nothing would ever
   * tell they are UP again, so their PagerDuty alerts would stay open for good.
   */
  private Future<Void> retireUnmonitored(Fleet f, Instant now) {
    return alerts
        .all()
        .compose(
            all -> {
              List<Future<Integer>> work = new ArrayList<>();
              for (ServiceAlerts a : all) {
                String id = a.serviceId();
                boolean monitored = f.services().containsKey(id) && !f.checksOf(id).isEmpty();
                if (!monitored
                    && owns.test(id)
                    && (a.incident() != null || !a.budgetPages().isEmpty())) {
                  work.add(
                      alerts
                          .apply(id, Command.retire(now))
                          .compose(step -> outbox.enqueue(step.notifications(), now)));
                }
              }
              return Future.join(work).mapEmpty();
            });
  }

  /**
   * What a DOWN service's checks say: the responder's facts from the newest failure, and when its
   * latest consecutive failed runs started (for {@code page-after: N failures}), newest first.
   */
  record Failures(Map<String, String> details, List<Instant> runs) {
    static final Failures NONE = new Failures(Map.of(), List.of());
  }

  private Future<Failures> failures(Fleet f, String serviceId) {
    List<Check> checks = f.checksOf(serviceId);
    Service service = f.services().get(serviceId);
    PageAfter pageAfter =
        service == null || service.pageAfter() == null
            ? f.settings().alerting().pageAfter()
            : service.pageAfter();
    List<Future<List<ProbeResult>>> reads = new ArrayList<>();
    for (Check c : checks) {
      // Enough results for the runs page-after counts, from every location, and one more run.
      int limit = Math.max(10, (pageAfter.failures() + 1) * c.locations().size());
      reads.add(store.recent(c.id(), Math.min(limit, 1_000)));
    }
    return Future.join(reads)
        .map(
            v -> {
              ProbeResult newest = null;
              List<Instant> runs = List.of();
              for (int i = 0; i < reads.size(); i++) {
                Future<List<ProbeResult>> r = reads.get(i);
                if (r.succeeded()) {
                  for (ProbeResult p : r.result()) {
                    if (!p.ok() && (newest == null || p.startedAt().isAfter(newest.startedAt()))) {
                      newest = p;
                    }
                  }
                  List<Instant> checkRuns =
                      confirmedRuns(
                          checks.get(i), failedRuns(checks.get(i), r.result()), pageAfter);
                  if (checkRuns.size() > runs.size()) {
                    runs = checkRuns;
                  }
                }
              }
              Map<String, String> d = new LinkedHashMap<>();
              if (newest != null) {
                d.put("check", newest.checkId());
                d.put("location", newest.location());
                d.put("failureKind", newest.failure().kind().name());
                d.put("failingStep", newest.failure().step());
                d.put("actual", newest.failure().message());
                String shot = screenshotOf(newest);
                if (shot != null) {
                  d.put(SCREENSHOT_DETAIL, shot);
                }
              }
              return new Failures(d, runs);
            });
  }

  /**
   * A heartbeat check's failure is confirmed already (by its grace, or by the job saying so), so it
   * counts as many failed runs as {@code page-after} asks: its owners are paged at once.
   */
  static List<Instant> confirmedRuns(Check check, List<Instant> runs, PageAfter pageAfter) {
    if (!(check.spec() instanceof CheckSpec.Heartbeat) || runs.isEmpty()) {
      return runs;
    }
    List<Instant> out = new ArrayList<>(runs);
    while (out.size() < pageAfter.failures()) {
      out.add(runs.get(runs.size() - 1));
    }
    return List.copyOf(out);
  }

  /**
   * The detail naming the newest failure's screenshot id, when its check kept one; channels link to
   * it ({@link ChannelSender}) and the dashboard's incident view shows it.
   */
  public static final String SCREENSHOT_DETAIL = "screenshot";

  /**
   * The id of the screenshot a browser check's failure kept ({@code diagnostics.screenshot.id}, as
   * the coordinator stored it at ingest), or null.
   */
  static String screenshotOf(ProbeResult failed) {
    JsonObject d = failed.diagnostics();
    Object shot = d == null ? null : d.getValue("screenshot");
    if (shot instanceof JsonObject ref && ref.getValue("id") instanceof String id) {
      return Screenshots.isId(id) ? id : null;
    }
    return null;
  }

  /**
   * A check's latest consecutive failed runs, newest first, each as its earliest result's start. A
   * run is the i-th newest result of every location (each location runs the check once a period);
   * it failed when at least as many of them failed as the check's {@code down-when} asks.
   */
  static List<Instant> failedRuns(Check check, List<ProbeResult> recent) {
    Map<String, List<ProbeResult>> byLocation = new LinkedHashMap<>();
    for (ProbeResult p : recent) {
      byLocation.computeIfAbsent(p.location(), l -> new ArrayList<>()).add(p);
    }
    int deepest = 0;
    for (List<ProbeResult> results : byLocation.values()) {
      results.sort(Comparator.comparing(ProbeResult::startedAt).reversed());
      deepest = Math.max(deepest, results.size());
    }
    List<Instant> runs = new ArrayList<>();
    for (int i = 0; i < deepest; i++) {
      int reporting = 0;
      int failed = 0;
      Instant start = null;
      for (List<ProbeResult> results : byLocation.values()) {
        if (i < results.size()) {
          ProbeResult p = results.get(i);
          reporting++;
          failed += p.ok() ? 0 : 1;
          start = start == null || p.startedAt().isBefore(start) ? p.startedAt() : start;
        }
      }
      if (failed < check.downWhen().threshold(reporting)) {
        break;
      }
      runs.add(start);
    }
    return List.copyOf(runs);
  }

  private Future<Void> budgetIfDue(Fleet f, Instant now) {
    if (now.isBefore(lastBudget.plus(BUDGET_EVERY))) {
      return Future.succeededFuture();
    }
    lastBudget = now;
    Instant monthStart =
        ZonedDateTime.ofInstant(now, ZoneOffset.UTC)
            .withDayOfMonth(1)
            .toLocalDate()
            .atStartOfDay(ZoneOffset.UTC)
            .toInstant();
    // Six hours for the slow burn window, and up to an hour before it, to see the whole length of
    // an outage that began before the window (only confirmed outages count toward a burn page).
    Instant burnFrom = now.minus(Duration.ofHours(6)).minus(CONFIRMATION_LOOKBACK);
    Instant from = monthStart.isBefore(burnFrom) ? monthStart : burnFrom;
    TimeRange span = new TimeRange(from, now);
    Lives known = lives.get();
    return queries
        .fetch(f.checks(), span)
        .compose(
            results ->
                vertx.executeBlocking(
                    () -> {
                      Map<String, BurnRate.Verdict> verdicts = new LinkedHashMap<>();
                      for (Service s : f.services().values()) {
                        if (f.checksOf(s.id()).isEmpty() || !owns.test(s.id())) {
                          continue;
                        }
                        // Only the service's life counts: before it, nothing is down, and the
                        // month's budget covers only the part of the month inside it.
                        ServiceView view = FleetTimelines.service(f, s.id(), span, results, known);
                        Duration confirm = confirmationTime(f, s);
                        double d1 = confirmedDown(view, now, Duration.ofHours(1), confirm);
                        double d6 = confirmedDown(view, now, Duration.ofHours(6), confirm);
                        DowntimeBudget budget = view.budget(now);
                        verdicts.put(
                            s.id(),
                            BurnRate.judge(
                                FleetTimelines.targetPercent(f, s),
                                d1,
                                d6,
                                budget.spent().toMillis() / 1000.0,
                                budget.allowed().toMillis() / 1000.0));
                      }
                      return verdicts;
                    }))
        .compose(
            verdicts -> {
              List<Future<Integer>> work = new ArrayList<>();
              // OK verdicts too: they resolve budget pages whose burn stopped or month ended.
              verdicts.forEach(
                  (id, verdict) ->
                      work.add(
                          alerts
                              .apply(id, Command.budget(verdict, now, Map.of()))
                              .compose(step -> outbox.enqueue(step.notifications(), now))));
              return Future.join(work).mapEmpty();
            });
  }

  /**
   * The downtime of the last {@code length} that counts toward a burn page, in seconds: all of it
   * (maintenance included, as the budget counts it) but outages shorter than the service's
   * confirmation time, which its {@code page-after} never confirmed.
   */
  private static double confirmedDown(
      ServiceView view, Instant now, Duration length, Duration confirm) {
    TimeRange window = new TimeRange(now.minus(length), now);
    Duration lookback =
        confirm.compareTo(CONFIRMATION_LOOKBACK) < 0 ? confirm : CONFIRMATION_LOOKBACK;
    List<TimeRange> outages =
        view.report(new TimeRange(window.start().minus(lookback), now)).outages();
    Duration down =
        view.report(window).down().minus(BurnRate.unconfirmed(outages, window, confirm));
    return Math.max(0, down.toMillis()) / 1000.0;
  }

  /**
   * How long {@code service} stays DOWN before its {@code page-after} confirms it. A heartbeat
   * check's failure is confirmed when it is seen ({@link #confirmedRuns}), so it adds no run
   * interval: a service of heartbeat checks only confirms by failures at once.
   */
  private static Duration confirmationTime(Fleet f, Service service) {
    PageAfter pageAfter =
        service.pageAfter() == null ? f.settings().alerting().pageAfter() : service.pageAfter();
    Duration shortest = null;
    for (Check c : f.checksOf(service.id())) {
      if (c.spec() instanceof CheckSpec.Heartbeat) {
        continue;
      }
      shortest = shortest == null || c.every().compareTo(shortest) < 0 ? c.every() : shortest;
    }
    return BurnRate.confirmationTime(pageAfter, shortest == null ? Duration.ZERO : shortest);
  }

  private Future<Void> deliverDue(Instant now) {
    return outbox
        .take(now, 200, 60)
        .compose(
            due -> {
              List<Future<Void>> sends = new ArrayList<>();
              for (OutboxEntry e : due) {
                sends.add(deliver(e, now));
              }
              return Future.join(sends).mapEmpty();
            });
  }

  private Future<Void> deliver(OutboxEntry e, Instant now) {
    return superseded(e.notification())
        .recover(ex -> Future.succeededFuture(false))
        .compose(
            gone -> {
              if (gone) {
                // Sending it now would reopen, after its resolve, an alert that nothing resolves.
                return outbox.record(
                    e.notification().key(),
                    new Delivery(
                        now,
                        false,
                        "superseded",
                        "not sent: what it announced was resolved before it could be delivered",
                        false),
                    null);
              }
              return send(e, now);
            });
  }

  /**
   * Whether {@code n} opens an alert that has been resolved since it was decided: a page or notice
   * of an incident that is no longer open, or a budget page to PagerDuty that is no longer open (a
   * retry still due after PagerDuty was down for a while, or a backlog after a restart). Such a
   * notification is not sent: its resolve may already have been delivered, and a trigger after it
   * would open a PagerDuty alert that nothing resolves.
   */
  private Future<Boolean> superseded(Notification n) {
    boolean ofIncident = !n.incidentId().isEmpty();
    boolean budgetPage =
        n.channelKind().equals("pagerduty")
            && (n.kind() == Notification.Kind.BUDGET_BURN
                || n.kind() == Notification.Kind.BUDGET_SPENT);
    if (n.kind() == Notification.Kind.RESOLVE
        || n.kind() == Notification.Kind.ACKNOWLEDGE
        || (!ofIncident && !budgetPage)) {
      return Future.succeededFuture(false);
    }
    String serviceId = ofIncident ? serviceOf(n.incidentId()) : n.serviceId();
    if (serviceId == null) {
      return Future.succeededFuture(false);
    }
    return alerts
        .get(serviceId)
        .map(
            found -> {
              if (found.isEmpty()) {
                return false;
              }
              ServiceAlerts s = found.get();
              if (ofIncident) {
                return s.incident() == null || !s.incident().id().equals(n.incidentId());
              }
              return s.budgetPages().stream().noneMatch(p -> p.key().equals(n.key()));
            });
  }

  private Future<Void> send(OutboxEntry e, Instant now) {
    Future<Delivery> sent;
    try {
      sent = sender.send(e.notification());
    } catch (RuntimeException ex) {
      sent = Future.succeededFuture(new Delivery(now, false, "error", ex.getMessage(), true));
    }
    return sent.recover(
            ex ->
                Future.succeededFuture(
                    new Delivery(now, false, "error", String.valueOf(ex.getMessage()), true)))
        .compose(
            d -> {
              io.micrometer.core.instrument.Counter.builder("nines.alerting.deliveries")
                  .description(
                      "Attempts to deliver a notification from the outbox, by notification kind,"
                          + " channel kind and outcome (sent or failed; a failed one may be"
                          + " retried)")
                  .tag("kind", e.notification().kind().name().toLowerCase())
                  .tag("channel", e.notification().channelKind())
                  .tag("outcome", d.ok() ? "sent" : "failed")
                  .register(registry)
                  .increment();
              Instant next = d.ok() ? null : nextAttempt(e, d, now);
              return outbox.record(e.notification().key(), d, next);
            });
  }

  /** Exponential backoff with jitter: 5 s, 10 s, 20 s... at most an hour; none after 24 h. */
  static Instant nextAttempt(OutboxEntry e, Delivery d, Instant now) {
    if (!d.retryable() || !now.isBefore(e.queuedAt().plus(GIVE_UP_AFTER))) {
      return null;
    }
    int attempts = e.deliveries().size() + 1;
    long base = Math.min(3600_000L, 5_000L << Math.min(20, attempts - 1));
    long jitter = ThreadLocalRandom.current().nextLong(base / 5 + 1);
    return now.plusMillis(base - base / 10 + jitter);
  }

  /** Acknowledges an incident; completes with false when it is not an open, unacknowledged one. */
  public Future<Boolean> acknowledge(String incidentId, String who) {
    String serviceId = serviceOf(incidentId);
    if (serviceId == null) {
      return Future.succeededFuture(false);
    }
    Instant now = time.now();
    return alerts
        .get(serviceId)
        .compose(
            s -> {
              if (s.isEmpty()
                  || s.get().incident() == null
                  || !s.get().incident().id().equals(incidentId)
                  || s.get().incident().acknowledged()) {
                return Future.succeededFuture(false);
              }
              return alerts
                  .apply(serviceId, Command.ack(incidentId, who, now))
                  .compose(step -> outbox.enqueue(step.notifications(), now))
                  .map(n -> true);
            });
  }

  /** The service id in an incident id ({@code service@epochSeconds}), or null. */
  public static String serviceOf(String incidentId) {
    int at = incidentId == null ? -1 : incidentId.lastIndexOf('@');
    return at <= 0 ? null : incidentId.substring(0, at);
  }

  /** Open incidents and recently resolved ones, newest first. */
  public Future<List<Incident>> incidents() {
    return alerts
        .all()
        .map(
            all -> {
              List<Incident> out = new ArrayList<>();
              for (ServiceAlerts a : all) {
                if (a.incident() != null) {
                  out.add(a.incident());
                }
                out.addAll(a.resolved());
              }
              out.sort(Comparator.comparing(Incident::start).reversed());
              return out;
            });
  }

  /** One incident, open or recently resolved. */
  public Future<Optional<Incident>> incident(String incidentId) {
    return incidents().map(all -> all.stream().filter(i -> i.id().equals(incidentId)).findFirst());
  }
}
