package io.nines.coordinator.alerting;

import io.micrometer.core.instrument.MeterRegistry;
import io.nines.common.ProbeResult;
import io.nines.common.TimeRange;
import io.nines.common.TimeSource;
import io.nines.config.Check;
import io.nines.config.Fleet;
import io.nines.config.Service;
import io.nines.coordinator.internal.Lives;
import io.nines.coordinator.internal.Queries;
import io.nines.coordinator.store.ResultStore;
import io.nines.coordinator.timeline.AvailabilityReport;
import io.nines.coordinator.timeline.DowntimeBudget;
import io.nines.coordinator.timeline.State;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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
    registry.gauge("nines.alerting.incidents.open", openIncidents);
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
        .compose(v -> deliverDue(now));
  }

  /**
   * Where fleet health comes from: the lost agents and the locations without a live agent now. Null
   * (the default) when this coordinator does not track agents.
   */
  public interface FleetView {
    Future<Set<String>> lostAgents(Instant now);

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
    return view.lostAgents(now)
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
                              Queries.serviceTimeline(f, s.id(), span, results).lastState());
                        }
                      }
                      return states;
                    }))
        .compose(
            states -> {
              Set<String> down = new HashSet<>();
              states.forEach(
                  (id, st) -> {
                    if (st == State.DOWN) {
                      down.add(id);
                    }
                  });
              List<Future<Void>> work = new ArrayList<>();
              for (Map.Entry<String, State> e : states.entrySet()) {
                String id = e.getKey();
                if (!owns.test(id)) {
                  continue;
                }
                boolean inMaintenance =
                    !Queries.maintenance(f, id, new TimeRange(now, now.plusMillis(1))).isEmpty();
                Future<Map<String, String>> details =
                    e.getValue() == State.DOWN
                        ? failureDetails(f, id)
                        : Future.succeededFuture(Map.of());
                work.add(
                    details
                        .compose(
                            d ->
                                alerts.apply(
                                    id, Command.state(e.getValue(), now, down, inMaintenance, d)))
                        .compose(step -> outbox.enqueue(step.notifications(), now))
                        .mapEmpty());
              }
              return Future.join(work).<Void>mapEmpty();
            })
        .compose(v -> alerts.all())
        .map(
            all -> {
              openIncidents.set((int) all.stream().filter(a -> a.incident() != null).count());
              return null;
            });
  }

  /** What a responder needs from the newest failure of the service's checks. */
  private Future<Map<String, String>> failureDetails(Fleet f, String serviceId) {
    List<Check> checks = f.checksOf(serviceId);
    List<Future<List<ProbeResult>>> reads = new ArrayList<>();
    for (Check c : checks) {
      reads.add(store.recent(c.id(), 10));
    }
    return Future.join(reads)
        .map(
            v -> {
              ProbeResult newest = null;
              for (Future<List<ProbeResult>> r : reads) {
                if (r.succeeded()) {
                  for (ProbeResult p : r.result()) {
                    if (!p.ok() && (newest == null || p.startedAt().isAfter(newest.startedAt()))) {
                      newest = p;
                    }
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
              }
              return d;
            });
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
    Instant from =
        monthStart.isBefore(now.minus(Duration.ofHours(6)))
            ? monthStart
            : now.minus(Duration.ofHours(6));
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
                        Queries.ServiceView view = Queries.service(f, s.id(), span, results, known);
                        double d1 = down(view, new TimeRange(now.minus(Duration.ofHours(1)), now));
                        double d6 = down(view, new TimeRange(now.minus(Duration.ofHours(6)), now));
                        DowntimeBudget budget = view.budget(now);
                        verdicts.put(
                            s.id(),
                            BurnRate.judge(
                                Queries.targetPercent(f, s),
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
              verdicts.forEach(
                  (id, verdict) -> {
                    if (verdict != BurnRate.Verdict.OK) {
                      work.add(
                          alerts
                              .apply(id, Command.budget(verdict, now, Map.of()))
                              .compose(step -> outbox.enqueue(step.notifications(), now)));
                    }
                  });
              return Future.join(work).mapEmpty();
            });
  }

  private static double down(Queries.ServiceView view, TimeRange window) {
    AvailabilityReport r = view.report(window);
    return r.down().toMillis() / 1000.0;
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
              registry
                  .counter(
                      "nines.alerting.deliveries",
                      "kind",
                      e.notification().kind().name().toLowerCase(),
                      "channel",
                      e.notification().channelKind(),
                      "outcome",
                      d.ok() ? "sent" : "failed")
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
