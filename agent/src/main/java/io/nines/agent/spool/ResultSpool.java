package io.nines.agent.spool;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nines.common.ProbeResult;
import io.nines.common.TimeSource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The agent's {@link Spool} of probe results, for Vert.x code: every file operation runs on the
 * one-thread worker pool {@code nines-spool}, in the order of the calls, and never on an event
 * loop. Results are stored as their JSON ({@link ProbeResult#toJson()}).
 *
 * <p><b>fsync policy</b> ({@link SpoolOptions#syncIntervalMillis()}): with 0 (the default), {@link
 * #append} completes only after the appended group is forced to the device; results that arrive
 * while a group is being written form the next group (group commit), so there is one fsync per
 * group, not per result. With a positive interval, {@code append} completes once the operating
 * system has the bytes and a periodic task forces them; a power loss may then lose up to one
 * interval of results. Either way a killed agent process loses nothing that was appended.
 *
 * <p>Meters: {@code nines.spool.dropped} (results dropped because the spool was full), {@code
 * nines.spool.pending} (results not acknowledged yet), {@code nines.spool.bytes}, {@code
 * nines.spool.sync} (fsync latency).
 *
 * <p>The returned futures complete on the caller's context. {@link #pending()} may be read from any
 * thread.
 */
public final class ResultSpool {
  private static final Logger LOG = Logger.getLogger(ResultSpool.class.getName());

  /**
   * Results read from the spool, to be shipped and then {@linkplain #ack acknowledged}.
   *
   * @param results oldest first; all of one agent id
   * @param json each result's JSON ({@link ProbeResult#toJson()}), in the same order, as UTF-8: the
   *     bytes this process wrote to the spool for it, so that shipping does not encode it again
   * @param ends the spool positions of what was read (may include records skipped as unreadable);
   *     the cursor goes past the last when they are acknowledged
   * @param dropped how many results the spool dropped when full and has not reported yet
   */
  public record Batch(
      List<ProbeResult> results, List<byte[]> json, List<Spool.Position> ends, long dropped) {
    public Batch {
      results = List.copyOf(results);
      json = List.copyOf(json);
      ends = List.copyOf(ends);
      if (json.size() != results.size()) {
        throw new IllegalArgumentException(
            "json: " + json.size() + " records (expected: one per result, " + results.size() + ")");
      }
    }

    public boolean isEmpty() {
      return results.isEmpty();
    }
  }

  private final Vertx vertx;
  private final Spool spool;
  private final WorkerExecutor worker;
  private final TimeSource time;
  private final boolean syncEveryAppend;
  private final Counter dropped;
  private final Timer syncTimer;
  private volatile long pending;
  private volatile long bytes;
  private long droppedSeen;
  private long periodicId = -1;
  private boolean syncing;

  /**
   * The results this process appended, oldest first, with where their records end and the bytes
   * they were written as, so that reading them back costs a comparison instead of parsing and
   * validating their JSON (which was a seventh of the agent's CPU at high probe rates). A record
   * read takes its result from here only when it ends where this result's record ended and its
   * bytes are exactly the ones this result was written as; any other record (from an earlier run,
   * or once forgotten) is decoded as before. Entries go when their records are acknowledged (so a
   * batch read again after a failed post still finds them) or, oldest first, when more than {@link
   * #MAX_REMEMBERED} are held. Before, they were looked up by their bytes: hashing each record
   * twice was about a twentieth of the agent's Java CPU. Used on the spool's worker, under its
   * lock.
   */
  private final ArrayDeque<Remembered> appended = new ArrayDeque<>();

  private record Remembered(Spool.Position end, byte[] json, ProbeResult result) {}

  /** How many appended results {@link #appended} keeps, at most. */
  static final int MAX_REMEMBERED = 4096;

  private ResultSpool(
      Vertx vertx,
      Spool spool,
      SpoolOptions options,
      WorkerExecutor worker,
      TimeSource time,
      MeterRegistry registry) {
    this.vertx = vertx;
    this.syncEveryAppend = options.syncIntervalMillis() == 0;
    this.spool = spool;
    this.worker = worker;
    this.time = time;
    this.dropped =
        Counter.builder("nines.spool.dropped")
            .description("Results dropped, oldest first, because the spool was full")
            .register(registry);
    this.syncTimer =
        Timer.builder("nines.spool.sync")
            .description("Time to force appended results to the device")
            .register(registry);
    Gauge.builder("nines.spool.pending", this, s -> s.pending)
        .description("Results in the spool that the coordinator has not acknowledged")
        .register(registry);
    Gauge.builder("nines.spool.bytes", this, s -> s.bytes)
        .description("Bytes the spool's segment files take")
        .baseUnit("bytes")
        .register(registry);
    snapshot();
  }

  /**
   * Opens (or creates) the spool; fails when the directory can't be used or another agent holds it.
   */
  public static Future<ResultSpool> open(
      Vertx vertx, SpoolOptions options, TimeSource time, MeterRegistry registry) {
    WorkerExecutor worker = vertx.createSharedWorkerExecutor("nines-spool", 1);
    return worker
        .executeBlocking(() -> Spool.open(options), true)
        .map(
            spool -> {
              ResultSpool rs = new ResultSpool(vertx, spool, options, worker, time, registry);
              if (options.syncIntervalMillis() > 0) {
                rs.periodicId = vertx.setPeriodic(options.syncIntervalMillis(), id -> rs.tick());
              }
              return rs;
            })
        .onFailure(e -> worker.close());
  }

  private void tick() {
    if (syncing) {
      return;
    }
    syncing = true;
    run(this::timedSync).onComplete(ar -> syncing = false);
  }

  private boolean timedSync() throws Exception {
    long start = time.monotonicNanos();
    boolean forced = spool.sync();
    if (forced) {
      syncTimer.record(time.monotonicNanos() - start, TimeUnit.NANOSECONDS);
    }
    return forced;
  }

  /**
   * Appends results in order. Completes when they are written, and forced to the device when the
   * policy is to force every group.
   */
  public Future<Void> append(List<ProbeResult> results) {
    List<ProbeResult> copy = List.copyOf(results);
    return run(
        () -> {
          List<byte[]> records = new ArrayList<>(copy.size());
          for (ProbeResult r : copy) {
            records.add(r.toJson().toBuffer().getBytes());
          }
          List<Spool.Position> ends = spool.append(records);
          synchronized (appended) {
            for (int i = 0; i < records.size(); i++) {
              appended.addLast(new Remembered(ends.get(i), records.get(i), copy.get(i)));
            }
            while (appended.size() > MAX_REMEMBERED) {
              appended.removeFirst();
            }
          }
          if (syncEveryAppend) {
            timedSync();
          }
          return null;
        });
  }

  /**
   * Reads up to {@code max} results from the cursor, all of one agent id (a change of id, after an
   * agent was renamed, ends the batch). An empty batch means nothing is pending.
   */
  public Future<Batch> read(int max) {
    return run(
        () -> {
          Spool.Read read = spool.read(max);
          List<ProbeResult> results = new ArrayList<>(read.records().size());
          List<byte[]> json = new ArrayList<>(read.records().size());
          List<Spool.Position> ends = new ArrayList<>(read.records().size());
          Recall recall = new Recall();
          for (int i = 0; i < read.records().size(); i++) {
            byte[] record = read.records().get(i);
            ProbeResult r = recall.find(read.ends().get(i), record);
            try {
              if (r == null) {
                r = ProbeResult.fromJson(new JsonObject(Buffer.buffer(record)), "spool");
                // Written by another process (maybe another version): ship it as this one
                // encodes it, not as it was stored.
                record = r.toJson().toBuffer().getBytes();
              }
            } catch (RuntimeException e) {
              // A record this version can't read would block the spool forever; skip it.
              LOG.warning(
                  "spool "
                      + spool.dir()
                      + ": skipping a record before "
                      + read.ends().get(i)
                      + " that is not a result: "
                      + e.getMessage());
              ends.add(read.ends().get(i));
              continue;
            }
            if (!results.isEmpty() && !r.agentId().equals(results.get(0).agentId())) {
              break;
            }
            results.add(r);
            json.add(record);
            ends.add(read.ends().get(i));
          }
          return new Batch(results, json, ends, read.dropped());
        });
  }

  /**
   * Finds the results of one read among those remembered: records are read in the order they were
   * appended, so one pass over {@link #appended} serves the whole read. Use on the spool's worker.
   */
  private final class Recall {
    private final java.util.Iterator<Remembered> it = appended.iterator();
    private Remembered next = it.hasNext() ? it.next() : null;

    /** The result appended as {@code record}, ending at {@code end}; null if not remembered. */
    ProbeResult find(Spool.Position end, byte[] record) {
      synchronized (appended) {
        while (next != null && next.end().compareTo(end) < 0) {
          next = it.hasNext() ? it.next() : null;
        }
        if (next != null && next.end().equals(end) && Arrays.equals(next.json(), record)) {
          return next.result();
        }
        return null;
      }
    }
  }

  /** Marks a batch as delivered: the cursor moves past it and it will not be read again. */
  public Future<Void> ack(Batch batch) {
    if (batch.ends().isEmpty()) {
      return Future.succeededFuture();
    }
    return run(
        () -> {
          spool.ack(batch.ends(), batch.dropped());
          Spool.Position last = batch.ends().get(batch.ends().size() - 1);
          synchronized (appended) {
            while (!appended.isEmpty() && appended.peekFirst().end().compareTo(last) <= 0) {
              appended.removeFirst();
            }
          }
          return null;
        });
  }

  /** Results appended and not acknowledged, as of the last completed operation. Any thread. */
  public long pending() {
    return pending;
  }

  public java.nio.file.Path dir() {
    return spool.dir();
  }

  /** Forces what is appended, closes the files and releases the directory. */
  public Future<Void> close() {
    if (periodicId >= 0) {
      vertx.cancelTimer(periodicId);
    }
    return worker
        .<Void>executeBlocking(
            () -> {
              spool.close();
              return null;
            },
            true)
        .eventually(worker::close);
  }

  /** Drops the files as a crash would (nothing forced, no clean close). For tests. */
  Future<Void> abandon() {
    if (periodicId >= 0) {
      vertx.cancelTimer(periodicId);
    }
    return worker.executeBlocking(
        () -> {
          spool.abandon();
          return null;
        },
        true);
  }

  private <T> Future<T> run(Callable<T> task) {
    return worker.executeBlocking(
        () -> {
          try {
            return task.call();
          } finally {
            snapshot();
          }
        },
        true);
  }

  /** Runs on the worker (or at construction): refreshes what gauges and counters show. */
  private synchronized void snapshot() {
    pending = spool.pending();
    bytes = spool.sizeBytes();
    long total = spool.droppedTotal();
    if (total > droppedSeen) {
      dropped.increment(total - droppedSeen);
      droppedSeen = total;
    }
  }
}
