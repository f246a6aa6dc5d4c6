package io.nines.coordinator.heartbeat;

import io.nines.availability.report.Lives;
import io.nines.common.Failure;
import io.nines.common.FailureKind;
import io.nines.common.ProbeResult;
import io.nines.common.TimeSource;
import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.nines.config.Fleet;
import io.nines.config.HeartbeatPlan;
import io.nines.config.internal.Units;
import io.nines.store.ClusterBackend;
import io.nines.store.documents.Documents;
import io.nines.store.results.AppendOutcome;
import io.nines.store.results.ResultStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Heartbeat checks' pings and deadlines.
 *
 * <p><b>Pings.</b> {@link #ping} turns a job's report into a result of its check through {@link
 * ResultStore#append}: agent {@value #PING_AGENT}, a sequence from this member's clock in
 * microseconds (unique per ping: strictly increasing on a member), location {@value
 * HeartbeatPlan#LOCATION}. A success is UP and a failure DOWN at the ping's time; either carries
 * the run's duration when the run reported its start. A start is not a result: the open run's start
 * is kept in {@code runs} (in a cluster, a replicated map, so it survives a member's death).
 *
 * <p><b>Deadlines.</b> {@link #sweep}, once a period on each member, looks at the heartbeat checks
 * whose key {@code owns} accepts. A run is due at {@link HeartbeatPlan#nextDue} after the last ping
 * (or the last recorded miss; before any, after the check's life start in the configuration
 * history). When {@code now >= due + grace} with no ping since, it appends a failing result that
 * started at the due time, as agent {@value #MISS_AGENT} with the due time's epoch second as its
 * sequence, and so on for each later due time while no ping comes: the check stays DOWN. A run that
 * reported its start and has not finished within {@code max-runtime} (by default its grace) is DOWN
 * from {@code start + max-runtime}, as agent {@value #OVERRUN_AGENT} with that epoch second as
 * sequence; while such a run is under way, no miss is recorded. Since the ids are derived from the
 * due times, two members that both see a miss (ownership moving after a member's death) record it
 * once.
 *
 * <p>Thread-safe; futures complete on the caller's context. {@code runs} is blocking and is only
 * called through {@link Vertx#executeBlocking}.
 */
public final class Heartbeats {
  private static final Logger LOG = Logger.getLogger(Heartbeats.class.getName());

  /** The agent id of results from pings. */
  public static final String PING_AGENT = "heartbeat";

  /** The agent id of results that record a missed run. */
  public static final String MISS_AGENT = "heartbeat-monitor";

  /** The agent id of results that record a run over its max-runtime. */
  public static final String OVERRUN_AGENT = "heartbeat-overrun";

  /**
   * The documents' kind of open runs' starts, by check id: in a single process's database, and in a
   * cluster the map {@link #RUNS_MAP}, written behind to the members' database when they have one.
   */
  public static final String RUNS_KIND = "heartbeat-runs";

  /** The cluster map that holds open runs' starts, by check id. */
  public static final String RUNS_MAP = ClusterBackend.mapOf(RUNS_KIND);

  /** How often {@link #start} sweeps. */
  public static final long PERIOD_MILLIS = 5_000;

  /** The most missed runs one sweep records for one check; the next sweep goes on. */
  static final int MAX_MISSES_PER_SWEEP = 100;

  private static final int RECENT = 50;

  /** What a job reports. */
  public enum Kind {
    /** The run finished well. */
    SUCCESS,
    /** The run began. */
    START,
    /** The run failed. */
    FAIL;

    /** As written in the API and the diagnostics: {@code success}, {@code start}, {@code fail}. */
    public String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * What a ping did.
   *
   * @param result the result appended; null for a start
   * @param outcome what the store did with it; null for a start
   */
  public record Recorded(Kind kind, Instant at, ProbeResult result, AppendOutcome outcome) {}

  private final Vertx vertx;
  private final Supplier<Fleet> fleet;
  private final TimeSource time;
  private final ResultStore store;
  private final Documents runs;
  private final Supplier<Lives> lives;
  private final Predicate<String> owns;
  private final AtomicLong lastSequence = new AtomicLong();
  private volatile long timerId = -1;
  private volatile boolean busy;

  /**
   * @param runs where open runs' starts are kept (blocking); null for this process's memory
   * @param lives where checks' lives start; must not block
   * @param owns whether this member decides for a check id (in a single process: always)
   */
  public Heartbeats(
      Vertx vertx,
      Supplier<Fleet> fleet,
      TimeSource time,
      ResultStore store,
      Documents runs,
      Supplier<Lives> lives,
      Predicate<String> owns) {
    this.vertx = vertx;
    this.fleet = fleet;
    this.time = time;
    this.store = store;
    this.runs = runs == null ? new MemoryDocuments() : runs;
    this.lives = lives;
    this.owns = owns;
  }

  /** The heartbeat check {@code id} of {@code f}, or null when it has none by that id. */
  public static Check heartbeat(Fleet f, String id) {
    return f.check(id).filter(c -> c.spec() instanceof CheckSpec.Heartbeat).orElse(null);
  }

  private static HeartbeatPlan plan(Check c) {
    return ((CheckSpec.Heartbeat) c.spec()).plan();
  }

  /**
   * Records a ping of heartbeat check {@code check}.
   *
   * @param exitCode the job's exit code, or null
   * @param log the job's log text, already cut to {@link LogText#MAX_BYTES}, or null
   * @return the future of what was recorded; failed when the store or {@code runs} fail
   */
  public Future<Recorded> ping(Fleet f, Check check, Kind kind, Integer exitCode, String log) {
    Instant now = time.now();
    String id = check.id();
    if (kind == Kind.START) {
      JsonObject run = new JsonObject().put("startedAt", now.toString());
      return vertx
          .executeBlocking(
              () -> {
                runs.put(id, run.encode());
                return null;
              },
              false)
          .map(v -> new Recorded(kind, now, null, null));
    }
    long sequence = nextSequence(now);
    return vertx
        .executeBlocking(() -> runs.get(id), false)
        .compose(
            json -> {
              Instant runStart = json == null ? null : startOf(json);
              if (runStart != null && runStart.isAfter(now)) {
                runStart = null;
              }
              JsonObject d = new JsonObject().put("heartbeat", kind.word());
              if (exitCode != null) {
                d.put("exitCode", exitCode);
              }
              if (log != null && !log.isEmpty()) {
                d.put("log", log);
              }
              if (runStart != null) {
                d.put("runStartedAt", runStart.toString());
              }
              long durationMillis =
                  runStart == null ? 0 : Duration.between(runStart, now).toMillis();
              Failure failure =
                  kind == Kind.SUCCESS
                      ? null
                      : new Failure(
                          FailureKind.JOB_FAILED,
                          "",
                          "the job reported failure"
                              + (exitCode == null ? "" : " with exit code " + exitCode)
                              + (log == null || log.isEmpty() ? "" : "; its log is attached"));
              ProbeResult r =
                  new ProbeResult(
                      PING_AGENT,
                      sequence,
                      id,
                      HeartbeatPlan.LOCATION,
                      now,
                      durationMillis,
                      failure == null,
                      failure,
                      1,
                      Map.of(),
                      d);
              Instant closed = runStart;
              return store
                  .append(List.of(r), f, now)
                  .compose(
                      outcome ->
                          closed == null
                              ? Future.succeededFuture(outcome)
                              : vertx.executeBlocking(
                                  () -> {
                                    runs.remove(id);
                                    return outcome;
                                  },
                                  false))
                  .map(outcome -> new Recorded(kind, now, r, outcome));
            });
  }

  /** A sequence unique to this ping: the clock in microseconds, strictly increasing here. */
  private long nextSequence(Instant now) {
    long micros = Math.max(1, now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000);
    return lastSequence.updateAndGet(last -> Math.max(last + 1, micros));
  }

  private static Instant startOf(String json) {
    try {
      return Instant.parse(new JsonObject(json).getString("startedAt"));
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Sweeps every {@code periodMillis} on the caller's context; a sweep still going skips one. */
  public void start(long periodMillis) {
    timerId =
        vertx.setPeriodic(
            periodMillis,
            t -> {
              if (busy) {
                return;
              }
              busy = true;
              sweep()
                  .onComplete(
                      ar -> {
                        busy = false;
                        if (ar.failed()) {
                          LOG.log(Level.WARNING, "heartbeat sweep failed", ar.cause());
                        }
                      });
            });
  }

  public void stop() {
    long id = timerId;
    if (id >= 0) {
      vertx.cancelTimer(id);
      timerId = -1;
    }
  }

  /**
   * Records, at the clock's now, the missed and over-long runs of the heartbeat checks this member
   * owns.
   *
   * @return how many results the store accepted (duplicates of another member's are not counted)
   */
  public Future<Integer> sweep() {
    Fleet f = fleet.get();
    if (f == null) {
      return Future.succeededFuture(0);
    }
    Instant now = time.now();
    Lives known = lives.get();
    List<Future<Integer>> work = new ArrayList<>();
    for (Check c : f.checks()) {
      if (c.spec() instanceof CheckSpec.Heartbeat && owns.test(c.id())) {
        work.add(sweep(f, c, now, known.checkConfigured(c.id())));
      }
    }
    return Future.join(work)
        .transform(
            ar -> {
              int accepted = 0;
              for (Future<Integer> w : work) {
                if (w.succeeded()) {
                  accepted += w.result();
                } else {
                  LOG.log(Level.WARNING, "heartbeat sweep of a check failed", w.cause());
                }
              }
              return Future.succeededFuture(accepted);
            });
  }

  private Future<Integer> sweep(Fleet f, Check c, Instant now, Instant lifeStart) {
    return store
        .recent(c.id(), RECENT)
        .compose(
            recent ->
                vertx
                    .executeBlocking(() -> runs.get(c.id()), false)
                    .compose(
                        run -> {
                          List<ProbeResult> due =
                              overdue(
                                  c,
                                  plan(c),
                                  recent,
                                  run == null ? null : startOf(run),
                                  lifeStart,
                                  now,
                                  f.settings().retentionRaw());
                          if (due.isEmpty()) {
                            return Future.succeededFuture(0);
                          }
                          return store.append(due, f, now).map(AppendOutcome::accepted);
                        }));
  }

  /**
   * The failing results that a check's missed and over-long runs call for at {@code now}: pure, so
   * every member computes the same ones from the same store.
   *
   * @param recent the check's newest results, newest first
   * @param runStart when the open run (if any) reported its start; null when none
   * @param lifeStart when the check's life began; null when unknown
   */
  static List<ProbeResult> overdue(
      Check c,
      HeartbeatPlan plan,
      List<ProbeResult> recent,
      Instant runStart,
      Instant lifeStart,
      Instant now,
      Duration retention) {
    Instant lastPing = newest(recent, PING_AGENT);
    Instant lastMiss = newest(recent, MISS_AGENT);
    Instant base = later(lastPing, lastMiss);
    List<ProbeResult> out = new ArrayList<>();
    if (runStart != null && (lastPing == null || runStart.isAfter(lastPing))) {
      Duration max = plan.maxRuntime() == null ? plan.grace() : plan.maxRuntime();
      Instant limit = runStart.plus(max);
      if (now.isBefore(limit)) {
        // The run is under way: it is judged by its max-runtime, not by the schedule.
        return out;
      }
      out.add(
          failing(
              c,
              OVERRUN_AGENT,
              limit,
              FailureKind.TIMEOUT,
              "the run that started at "
                  + runStart
                  + " had not finished after "
                  + Units.formatDuration(max)
                  + (plan.maxRuntime() == null ? " (its grace; no max-runtime is set)" : "")
                  + " (max-runtime)",
              new JsonObject()
                  .put("heartbeat", "overrun")
                  .put("runStartedAt", runStart.toString())
                  .put("maxRuntime", Units.formatDuration(max))));
      base = later(base, limit);
    }
    if (base == null) {
      base = lifeStart;
    }
    if (base == null) {
      // No ping, no miss, and no known life start: nothing is due yet.
      return out;
    }
    Instant due = plan.nextDue(base);
    // Results older than the raw retention are refused: start within it.
    Instant floor = now.minus(retention.dividedBy(2));
    for (int i = 0; due.isBefore(floor) && i < 1_000_000; i++) {
      due = plan.nextDue(due);
    }
    for (int i = 0; !due.plus(plan.grace()).isAfter(now) && i < MAX_MISSES_PER_SWEEP; i++) {
      JsonObject d =
          new JsonObject()
              .put("heartbeat", "missed")
              .put("due", due.toString())
              .put("grace", Units.formatDuration(plan.grace()))
              .put("plan", plan.describe());
      if (lastPing != null) {
        d.put("lastPing", lastPing.toString());
      }
      out.add(
          failing(
              c,
              MISS_AGENT,
              due,
              FailureKind.MISSED,
              "no ping within "
                  + Units.formatDuration(plan.grace())
                  + " of the run due at "
                  + due
                  + (lastPing == null ? " (no ping yet)" : "; the last ping came at " + lastPing),
              d));
      due = plan.nextDue(due);
    }
    return out;
  }

  private static ProbeResult failing(
      Check c, String agent, Instant at, FailureKind kind, String message, JsonObject d) {
    return new ProbeResult(
        agent,
        Math.max(1, at.getEpochSecond()),
        c.id(),
        HeartbeatPlan.LOCATION,
        at,
        0,
        false,
        new Failure(kind, "", message),
        1,
        Map.of(),
        d);
  }

  private static Instant newest(List<ProbeResult> recent, String agent) {
    Instant newest = null;
    for (ProbeResult r : recent) {
      if (r.agentId().equals(agent)) {
        newest = later(newest, r.startedAt());
      }
    }
    return newest;
  }

  private static Instant later(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isAfter(b) ? a : b;
  }
}
