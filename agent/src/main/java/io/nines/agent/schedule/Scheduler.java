package io.nines.agent.schedule;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nines.common.Checks;
import io.nines.common.TimeSource;
import io.nines.config.Check;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Decides when each check runs. It owns time: a check with interval {@code I} runs at the instants
 * {@code k·I + offset} (epoch-aligned), where the offset comes from a hash of the check's id, so a
 * fleet of checks with one interval spreads evenly over it and every agent fires a given check at
 * the same phase.
 *
 * <p>Skip, never stack: when a check's run is still going at its next slot, or the agent's or the
 * target host's concurrency bound is reached, the slot is skipped and counted ({@code
 * nines.scheduler.skipped}, tagged by reason), and the check waits for its following slot.
 *
 * <p>Not thread-safe: call every method from one thread (the agent's event-loop context). The
 * driver calls {@link #poll()} whenever the delay it returned has passed; tests call it after
 * advancing a manual clock.
 */
public final class Scheduler {

  /** Starts a run; the future completes when the run ends. */
  public interface Runner extends Function<Check, Future<?>> {}

  private final TimeSource time;
  private final Runner runner;
  private final Function<Check, String> hostOf;
  private final int maxInFlight;
  private final int maxPerHost;
  private final PriorityQueue<Entry> queue =
      new PriorityQueue<>((a, b) -> Long.compare(a.dueMillis, b.dueMillis));
  private final Map<String, Entry> entries = new HashMap<>();

  /** Runs in flight per target host; a host leaves the map when its last run ends. */
  private final Map<String, HostRuns> perHost = new HashMap<>();

  /**
   * The ids of the checks with a run in flight. Kept by id, not on a check's entry: an entry is
   * replaced when its definition changes, and dropped when the check is removed, while the run it
   * started goes on; a check removed and added again, or replaced twice, still runs once at a time.
   */
  private final Set<String> running = new HashSet<>();

  private int inFlight;
  private final Timer lag;
  private final Counter skippedBusy;
  private final Counter skippedAgentLimit;
  private final Counter skippedHostLimit;

  /**
   * A host's count of runs in flight, changed in place: an {@code Integer} in the map was boxed
   * anew (above 127) and merged through a lambda at every start and end of a run.
   */
  private static final class HostRuns {
    int n;
  }

  private static final class Entry {
    final Check check;
    final long intervalMillis;
    final long offsetMillis;
    final String host;
    long dueMillis;
    boolean removed;

    Entry(Check check, long intervalMillis, long offsetMillis, String host) {
      this.check = check;
      this.intervalMillis = intervalMillis;
      this.offsetMillis = offsetMillis;
      this.host = host;
    }
  }

  /**
   * @param runner starts a check's run
   * @param hostOf the target host of a check, for the per-host bound
   * @param maxInFlight the most runs at once on this agent
   * @param maxPerHost the most runs at once against one target host
   */
  public Scheduler(
      TimeSource time,
      Runner runner,
      Function<Check, String> hostOf,
      int maxInFlight,
      int maxPerHost,
      MeterRegistry registry) {
    this(time, runner, hostOf, maxInFlight, maxPerHost, registry, "0");
  }

  /**
   * A scheduler that is one of several of an agent, each on its own event loop with its share of
   * the checks. They share the lag timer and skip counters; their gauges are told apart by the tag
   * {@code loop}.
   *
   * @param loop this scheduler's name among the agent's, e.g. {@code "1"}
   */
  public Scheduler(
      TimeSource time,
      Runner runner,
      Function<Check, String> hostOf,
      int maxInFlight,
      int maxPerHost,
      MeterRegistry registry,
      String loop) {
    this.time = Checks.notNull(time, "time");
    this.runner = Checks.notNull(runner, "runner");
    this.hostOf = Checks.notNull(hostOf, "hostOf");
    this.maxInFlight = (int) Checks.checkPositive(maxInFlight, "maxInFlight");
    this.maxPerHost = (int) Checks.checkPositive(maxPerHost, "maxPerHost");
    this.lag =
        Timer.builder("nines.scheduler.lag")
            .description("Actual start of a run minus its planned start")
            .publishPercentiles(0.5, 0.99)
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(10))
            .register(registry);
    this.skippedBusy = skipped(registry, "still-running");
    this.skippedAgentLimit = skipped(registry, "agent-limit");
    this.skippedHostLimit = skipped(registry, "host-limit");
    Gauge.builder("nines.probe.inflight", this, s -> s.inFlight)
        .description("Probes running now")
        .tag("loop", loop)
        .register(registry);
    Gauge.builder("nines.scheduler.checks", entries, Map::size)
        .description("Checks scheduled on this agent")
        .tag("loop", loop)
        .register(registry);
  }

  private static Counter skipped(MeterRegistry registry, String reason) {
    return Counter.builder("nines.scheduler.skipped")
        .description("Slots skipped instead of stacking runs")
        .tag("reason", reason)
        .register(registry);
  }

  /**
   * The offset of a check within its interval: a hash of its id, in {@code [0, intervalMillis)}.
   */
  public static long offsetMillis(String checkId, long intervalMillis) {
    Checks.checkPositive(intervalMillis, "intervalMillis");
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(checkId.getBytes(StandardCharsets.UTF_8));
      long h = 0;
      for (int i = 0; i < 8; i++) {
        h = (h << 8) | (digest[i] & 0xff);
      }
      return Math.floorMod(h, intervalMillis);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The first slot of a check strictly after {@code afterMillis}. */
  static long nextSlot(long afterMillis, long intervalMillis, long offsetMillis) {
    long k = Math.floorDiv(afterMillis - offsetMillis, intervalMillis) + 1;
    return k * intervalMillis + offsetMillis;
  }

  /**
   * Replaces the schedule. Checks that stay keep their slots; a removed check's run in flight
   * finishes, and it is not started again.
   */
  public void setChecks(List<Check> checks) {
    long now = time.wallMillis();
    Map<String, Entry> next = new HashMap<>();
    for (Check check : checks) {
      long interval = check.every().toMillis();
      Entry old = entries.get(check.id());
      if (old != null && old.check.equals(check)) {
        next.put(check.id(), old);
        continue;
      }
      Entry e = new Entry(check, interval, offsetMillis(check.id(), interval), hostOf.apply(check));
      e.dueMillis = nextSlot(now - 1, interval, e.offsetMillis);
      if (old != null) {
        old.removed = true;
      }
      next.put(check.id(), e);
      queue.add(e);
    }
    for (Entry old : entries.values()) {
      if (!next.containsKey(old.check.id())) {
        old.removed = true;
      }
    }
    queue.removeIf(e -> e.removed);
    entries.clear();
    entries.putAll(next);
  }

  /**
   * Starts every run that is due now and returns the milliseconds until the next one is due ({@code
   * Long.MAX_VALUE} with nothing scheduled).
   */
  public long poll() {
    long now = time.wallMillis();
    while (!queue.isEmpty() && queue.peek().dueMillis <= now) {
      Entry e = queue.poll();
      long planned = e.dueMillis;
      long lateSlots = (now - planned) / e.intervalMillis;
      if (lateSlots > 0) {
        // The agent was stalled past whole slots: those are skipped, not run in a burst.
        skippedBusy.increment(lateSlots);
      }
      e.dueMillis = nextSlot(now, e.intervalMillis, e.offsetMillis);
      queue.add(e);
      if (running.contains(e.check.id())) {
        skippedBusy.increment();
      } else if (inFlight >= maxInFlight) {
        skippedAgentLimit.increment();
      } else if (runsOn(e.host) >= maxPerHost) {
        skippedHostLimit.increment();
      } else {
        lag.record(now - planned - lateSlots * e.intervalMillis, TimeUnit.MILLISECONDS);
        start(e);
      }
    }
    return queue.isEmpty() ? Long.MAX_VALUE : Math.max(0, queue.peek().dueMillis - now);
  }

  private int runsOn(String host) {
    HostRuns runs = perHost.get(host);
    return runs == null ? 0 : runs.n;
  }

  private void start(Entry e) {
    running.add(e.check.id());
    inFlight++;
    HostRuns runs = perHost.get(e.host);
    if (runs == null) {
      runs = new HostRuns();
      perHost.put(e.host, runs);
    }
    runs.n++;
    HostRuns hostRuns = runs;
    Future<?> run;
    try {
      run = runner.apply(e.check);
    } catch (RuntimeException ex) {
      run = Future.failedFuture(ex);
    }
    run.onComplete(
        ar -> {
          inFlight--;
          if (--hostRuns.n <= 0) {
            perHost.remove(e.host);
          }
          running.remove(e.check.id());
        });
  }

  /** Runs in flight now. */
  public int inFlight() {
    return inFlight;
  }

  /** Checks scheduled. */
  public int size() {
    return entries.size();
  }

  /** When {@code checkId} is next due, in epoch milliseconds, or -1 when it is not scheduled. */
  public long nextDueMillis(String checkId) {
    Entry e = entries.get(checkId);
    return e == null ? -1 : e.dueMillis;
  }
}
