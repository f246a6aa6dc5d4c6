package io.nines.agent.probe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nines.common.Failure;
import io.nines.common.FailureKind;
import io.nines.common.ProbeResult;
import io.nines.config.Check;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs a check with its retries and turns the outcome into a {@link ProbeResult}.
 *
 * <p>Sequence numbers start at the agent's start time in microseconds since the epoch and count up
 * by one a result, so they keep growing across restarts of the same agent (as long as it produces
 * fewer than a million results a second on average) without a file to remember them.
 *
 * <p>Call {@link #run} on a Vert.x context; the future completes on it and never fails.
 */
public final class CheckRunner {
  private static final Logger LOG = Logger.getLogger(CheckRunner.class.getName());

  private final ProbeContext context;
  private final Map<String, Probe> probes;
  private final String agentId;
  private final String location;
  private final AtomicLong sequence;
  private final MeterRegistry registry;
  private final ConcurrentHashMap<MeterKey, Meters> meters;

  /**
   * @param probes the probe of each check type, e.g. {@code "http" -> new HttpProbe()}
   * @param registry where {@code nines.probe.duration} (per check, no buckets), {@code
   *     nines.probe.type.duration} (a histogram per check type and outcome) and {@code
   *     nines.probe.results} go
   */
  public CheckRunner(
      ProbeContext context,
      Map<String, Probe> probes,
      String agentId,
      String location,
      MeterRegistry registry) {
    this(context, probes, agentId, location, context.time().wallMillis() * 1000, registry);
  }

  /**
   * Like {@link #CheckRunner(ProbeContext, Map, String, String, MeterRegistry)}, numbering results
   * from {@code firstSequence} (the agent's {@link io.nines.agent.spool.SequenceFloor}) instead of
   * the clock.
   */
  public CheckRunner(
      ProbeContext context,
      Map<String, Probe> probes,
      String agentId,
      String location,
      long firstSequence,
      MeterRegistry registry) {
    this(
        context,
        Map.copyOf(probes),
        agentId,
        location,
        new AtomicLong(firstSequence),
        registry,
        new ConcurrentHashMap<>());
  }

  /** The last sequence this runner (and those sharing its sequence) has numbered a result with. */
  public long lastSequence() {
    return sequence.get();
  }

  private CheckRunner(
      ProbeContext context,
      Map<String, Probe> probes,
      String agentId,
      String location,
      AtomicLong sequence,
      MeterRegistry registry,
      ConcurrentHashMap<MeterKey, Meters> meters) {
    this.context = context;
    this.probes = probes;
    this.agentId = agentId;
    this.location = location;
    this.sequence = sequence;
    this.registry = registry;
    this.meters = meters;
  }

  /**
   * A runner that probes with {@code other} (e.g. the variables of a new configuration) and shares
   * this one's probes, meters and sequence, so that results of both never share a sequence number.
   */
  public CheckRunner withContext(ProbeContext other) {
    return new CheckRunner(other, probes, agentId, location, sequence, registry, meters);
  }

  /**
   * A runner that also runs checks of {@code type} with {@code probe} (e.g. {@code browser} once a
   * Chromium is found), sharing this one's context, meters and sequence.
   */
  public CheckRunner withProbe(String type, Probe probe) {
    Map<String, Probe> more = new java.util.HashMap<>(probes);
    more.put(type, probe);
    return new CheckRunner(
        context, Map.copyOf(more), agentId, location, sequence, registry, meters);
  }

  /**
   * The probes this agent has for each check type. Does no I/O, so it may be called on an event
   * loop.
   */
  public static Map<String, Probe> defaultProbes() {
    HttpProbe http = new HttpProbe();
    return Map.of(
        "http", http,
        "journey", http,
        "tcp", new OnFirstRun("tcp"),
        "dns", new OnFirstRun("dns"),
        "tls", new OnFirstRun("tls"),
        "grpc", new OnFirstRun("grpc"),
        "websocket", new OnFirstRun("websocket"));
  }

  /**
   * The probe of a check type made when a check of that type first runs: an agent that runs no such
   * check loads none of its classes (the gRPC client's, the DNS codec's, the WebSocket handshake's:
   * each loaded class stays resident for the life of the agent). Thread-safe; every runner made
   * from one {@link #defaultProbes()} shares the one probe it makes.
   */
  private static final class OnFirstRun implements Probe {
    private final String type;
    private volatile Probe probe;

    OnFirstRun(String type) {
      this.type = type;
    }

    @Override
    public Future<ProbeOutcome> run(Check check, ProbeContext context) {
      Probe p = probe;
      if (p == null) {
        synchronized (this) {
          p = probe;
          if (p == null) {
            p = make(type);
            probe = p;
          }
        }
      }
      return p.run(check, context);
    }

    /** A switch rather than method references, whose linking would load each class at once. */
    private static Probe make(String type) {
      return switch (type) {
        case "tcp" -> new TcpProbe();
        case "dns" -> new DnsProbe();
        case "tls" -> new TlsProbe();
        case "grpc" -> new GrpcProbe();
        case "websocket" -> new WebSocketProbe();
        default -> throw new IllegalArgumentException("type: " + type + " (expected: a probe's)");
      };
    }
  }

  /** Whether this runner can run checks of {@code type}. */
  public boolean supports(String type) {
    return probes.containsKey(type);
  }

  /**
   * Runs {@code check}, retrying up to its {@code retries}, and returns the result; fails with
   * {@link SlotSkipped} when the agent could not run it at all (then there is no result).
   */
  public Future<ProbeResult> run(Check check) {
    Instant startedAt = context.time().now();
    long startNanos = context.time().monotonicNanos();
    Promise<ProbeResult> promise = Promise.promise();
    attempt(check, 1)
        .onComplete(
            ar -> {
              if (ar.failed() && ar.cause() instanceof SlotSkipped skipped) {
                // The agent's own limit, not the target: no result, the slot is counted skipped.
                skipped(skipped.reason()).increment();
                LOG.fine("skipped a run of " + check.id() + ": " + skipped.getMessage());
                promise.fail(skipped);
                return;
              }
              ProbeOutcome outcome;
              int attempts;
              if (ar.succeeded()) {
                outcome = ar.result().outcome();
                attempts = ar.result().attempts();
              } else {
                LOG.log(
                    Level.WARNING, "probe of " + check.id() + " broke its contract", ar.cause());
                outcome =
                    new ProbeOutcome(
                        new Failure(FailureKind.INTERNAL, "", "the probe failed unexpectedly"),
                        0,
                        Map.of(),
                        null);
                attempts = 1;
              }
              long durationMillis = (context.time().monotonicNanos() - startNanos) / 1_000_000;
              ProbeResult result =
                  new ProbeResult(
                      agentId,
                      sequence.incrementAndGet(),
                      check.id(),
                      location,
                      startedAt,
                      durationMillis,
                      outcome.ok(),
                      outcome.failure(),
                      attempts,
                      outcome.phasesMillis(),
                      outcome.diagnostics());
              record(check, result);
              promise.complete(result);
            });
    return promise.future();
  }

  private record Attempted(ProbeOutcome outcome, int attempts) {}

  private final Map<String, Counter> skipped = new java.util.concurrent.ConcurrentHashMap<>();

  /** The scheduler's skip counter for {@code reason} (the same meter, another tag value). */
  private Counter skipped(String reason) {
    return skipped.computeIfAbsent(
        reason,
        r ->
            Counter.builder("nines.scheduler.skipped")
                .description("Slots skipped instead of stacking runs")
                .tag("reason", r)
                .register(registry));
  }

  private Future<Attempted> attempt(Check check, int attempt) {
    Probe probe = probes.get(check.type());
    if (probe == null) {
      return Future.succeededFuture(
          new Attempted(
              new ProbeOutcome(
                  new Failure(
                      FailureKind.INTERNAL,
                      "",
                      "this agent has no probe for " + check.type() + " checks"),
                  0,
                  Map.of(),
                  null),
              attempt));
    }
    Future<ProbeOutcome> outcome;
    try {
      outcome = probe.run(check, context);
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    return outcome.compose(
        o -> {
          if (o.ok() || attempt > check.retries()) {
            return Future.succeededFuture(new Attempted(o, attempt));
          }
          // A quick retry, after a pause that lets a transient fault pass: a tenth of the
          // interval, at most a second.
          long pauseMillis = Math.min(1000, Math.max(1, check.every().toMillis() / 10));
          Promise<Attempted> next = Promise.promise();
          context.vertx().setTimer(pauseMillis, t -> attempt(check, attempt + 1).onComplete(next));
          return next.future();
        });
  }

  /**
   * Registers the meters of each check's passing results ({@code outcome="ok"}) now, so that its
   * series exist, at zero, before its first result, and so that registering them (Micrometer's
   * registration is most of a first result's cost: a new agent with thousands of checks spent its
   * first seconds on it) is not done on a probe loop. Does no I/O; call it on a worker thread, off
   * the event loops. Safe to run while the checks already probe: a check's meters are registered
   * once, by whoever comes first. {@code checks} is every check this agent now runs: the per-check
   * meters of any other check are removed from the registry.
   */
  public void prepare(List<Check> checks) {
    java.util.Set<String> assigned = new java.util.HashSet<>();
    for (Check check : checks) {
      assigned.add(check.id());
      if (probes.containsKey(check.type())) {
        meters(check, "ok");
      }
    }
    // A check no longer assigned (removed, or moved to another agent) leaves /metrics: a stale
    // series would be read as a check still probed, and an agent whose checks churn would keep
    // every series it ever had. The per-type meters stay: they are shared.
    this.meters
        .values()
        .removeIf(
            m -> {
              if (assigned.contains(m.duration().getId().getTag("check"))) {
                return false;
              }
              registry.remove(m.duration());
              return true;
            });
  }

  private void record(Check check, ProbeResult result) {
    String outcome = result.ok() ? "ok" : result.failure().kind().name().toLowerCase();
    Meters meters = meters(check, outcome);
    meters.duration.record(result.durationMillis(), TimeUnit.MILLISECONDS);
    meters.typeDuration.record(result.durationMillis(), TimeUnit.MILLISECONDS);
    meters.results.increment();
  }

  private Meters meters(Check check, String outcome) {
    // Looking meters up through their builders costs more than a probe's own bookkeeping, and
    // this runs for every result: keep them per check and outcome. The key is a record of the
    // three strings (their hashes are cached), not their concatenation, which built and hashed a
    // new string for every result; a plain get first, as the meters exist after the first result.
    MeterKey key = new MeterKey(check.id(), check.type(), outcome);
    Meters found = this.meters.get(key);
    if (found != null) {
      return found;
    }
    return this.meters.computeIfAbsent(
        key,
        k ->
            new Meters(
                // Per check: a count, a sum and a max, no buckets. With a histogram per
                // check, 10,000 checks made a page of about a million series whose scrape
                // took seconds; the coordinator has every result for per-check latency.
                Timer.builder("nines.probe.duration")
                    .description(
                        "How long each check's probes take, retries included (no buckets:"
                            + " see nines_probe_type_duration_seconds)")
                    .tags("check", check.id(), "type", check.type(), "outcome", outcome)
                    .register(registry),
                // The latency distribution, one histogram per check type and outcome.
                Timer.builder("nines.probe.type.duration")
                    .description("How long probes take by check type and outcome, retries included")
                    .tags("type", check.type(), "outcome", outcome)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(60))
                    .register(registry),
                Counter.builder("nines.probe.results")
                    .description("Probe results by check type and outcome")
                    .tags("type", check.type(), "outcome", outcome)
                    .register(registry)));
  }

  private record Meters(Timer duration, Timer typeDuration, Counter results) {}

  private record MeterKey(String check, String type, String outcome) {}
}
