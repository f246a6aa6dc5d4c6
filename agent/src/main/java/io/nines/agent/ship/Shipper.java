package io.nines.agent.ship;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nines.agent.spool.ResultSpool;
import io.nines.common.ProbeResult;
import io.nines.common.ResultBatch;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Logger;

/**
 * Ships results to the coordinator through a write-ahead disk spool: at least once, in order.
 *
 * <ol>
 *   <li>{@link #offer} queues a result in memory; the queue is appended to the {@link ResultSpool}
 *       as one group as soon as the previous group is written (group commit).
 *   <li>Batches are read from the spool's cursor and posted through a circuit breaker ({@code
 *       vertx-circuit-breaker}) with the {@link CoordinatorClient}, which fails over between
 *       coordinator URLs. One batch is in flight at a time.
 *   <li>Only when a coordinator acknowledged a batch does the spool's cursor move past it. A failed
 *       post is retried after an exponential backoff with jitter; while the breaker is open, posts
 *       wait for it to half-open.
 * </ol>
 *
 * So a {@code kill -9} loses nothing already in the spool, and a restart resumes where the cursor
 * stopped; the coordinator drops the replays of results it already has by {@code (agent,
 * sequence)}. A batch that a coordinator refuses as malformed (400, 413, 422) can never pass: it is
 * skipped and counted in {@code nines.shipper.rejected} so that it does not block the spool.
 *
 * <p>Meters: {@code nines.shipper.shipped}, {@code nines.shipper.failures}, {@code
 * nines.shipper.rejected}, {@code nines.shipper.dropped} (only when the disk stalls), {@code
 * nines.shipper.circuit} (0 closed, 1 open, 2 half-open). The spool reports {@code nines.spool.*}.
 *
 * <p>All state lives on the context that created the shipper; {@link #offer} may be called from any
 * thread or context and hops to it.
 */
public final class Shipper {
  private static final Logger LOG = Logger.getLogger(Shipper.class.getName());

  private final Vertx vertx;
  private final Context context;
  private final String agentId;
  private final CoordinatorClient client;
  private final ResultSpool spool;
  private final ShipperOptions options;
  private final CircuitBreaker breaker;
  private final List<ProbeResult> unwritten = new ArrayList<>();
  private final Counter shipped;
  private final Counter dropped;
  private final Counter failures;
  private final Counter rejected;
  private volatile int circuit;
  private volatile int unwrittenCount;
  private Future<Void> lastWrite = Future.succeededFuture();
  private boolean writing;
  private boolean sending;
  private long backoffMillis;
  private long timerId = -1;
  private boolean stopped;

  /**
   * Call on the context the shipper should live on (the agent verticle's).
   *
   * @param agentId the agent's id; results of another id (left in the spool by a renamed agent) are
   *     posted as batches of their own id
   * @param spool open; the shipper closes it in {@link #stop()}
   */
  public Shipper(
      Vertx vertx,
      String agentId,
      CoordinatorClient client,
      ResultSpool spool,
      ShipperOptions options,
      MeterRegistry registry) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.agentId = agentId;
    this.client = client;
    this.spool = spool;
    this.options = options;
    this.breaker =
        CircuitBreaker.create(
            "nines-shipper-" + agentId,
            vertx,
            new CircuitBreakerOptions()
                .setMaxFailures(options.breakerMaxFailures())
                // The client has its own timeout per post; the breaker adds none.
                .setTimeout(-1)
                .setResetTimeout(options.breakerResetMillis())
                .setFallbackOnFailure(false));
    breaker.openHandler(v -> circuit = 1);
    breaker.closeHandler(v -> circuit = 0);
    breaker.halfOpenHandler(
        v -> {
          circuit = 2;
          context.runOnContext(x -> retryNow());
        });
    this.shipped =
        Counter.builder("nines.shipper.shipped")
            .description("Results the coordinator acknowledged")
            .register(registry);
    this.dropped =
        Counter.builder("nines.shipper.dropped")
            .description("Results dropped before reaching the spool, because writing it stalled")
            .register(registry);
    this.failures =
        Counter.builder("nines.shipper.failures")
            .description("Posts to the coordinator that failed")
            .register(registry);
    this.rejected =
        Counter.builder("nines.shipper.rejected")
            .description("Results in batches the coordinator refused as malformed (skipped)")
            .register(registry);
    Gauge.builder("nines.shipper.circuit", this, s -> s.circuit)
        .description("The circuit breaker toward the coordinator: 0 closed, 1 open, 2 half-open")
        .register(registry);
    Gauge.builder("nines.shipper.unwritten", this, s -> s.unwrittenCount)
        .description("Results waiting in memory to be written to the spool")
        .register(registry);
  }

  /** Queues a result: it goes to the spool first, then to the coordinator. Any thread. */
  public void offer(ProbeResult result) {
    if (Vertx.currentContext() != context) {
      context.runOnContext(v -> offer(result));
      return;
    }
    if (stopped) {
      return;
    }
    if (unwritten.size() >= options.maxUnwritten()) {
      unwritten.remove(0);
      dropped.increment();
    }
    unwritten.add(result);
    unwrittenCount = unwritten.size();
    if (!writing) {
      write();
    }
  }

  /** Results not acknowledged yet: in memory and in the spool. Any thread. */
  public long buffered() {
    return unwrittenCount + spool.pending();
  }

  /** Posts what is in the spool now, without waiting for a batch to fill or for a backoff. */
  public void flush() {
    if (Vertx.currentContext() != context) {
      context.runOnContext(v -> flush());
      return;
    }
    retryNow();
  }

  private void write() {
    List<ProbeResult> group = List.copyOf(unwritten);
    unwritten.clear();
    unwrittenCount = 0;
    writing = true;
    Promise<Void> done = Promise.promise();
    lastWrite = done.future();
    spool
        .append(group)
        .onComplete(
            ar -> {
              writing = false;
              if (ar.failed()) {
                LOG.severe(
                    "can't write "
                        + group.size()
                        + " results to the spool in "
                        + spool.dir()
                        + ": "
                        + ar.cause()
                        + "; keeping them in memory and retrying");
                unwritten.addAll(0, group);
                while (unwritten.size() > options.maxUnwritten()) {
                  unwritten.remove(0);
                  dropped.increment();
                }
                unwrittenCount = unwritten.size();
                done.complete();
                if (!stopped) {
                  vertx.setTimer(1000, t -> context.runOnContext(v -> writeIfNeeded()));
                }
                return;
              }
              done.complete();
              if (stopped) {
                return;
              }
              writeIfNeeded();
              if (spool.pending() >= options.batchSize()) {
                ship();
              } else {
                schedule(options.flushMillis());
              }
            });
  }

  private void writeIfNeeded() {
    if (!writing && !stopped && !unwritten.isEmpty()) {
      write();
    }
  }

  private void retryNow() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
    ship();
  }

  private void ship() {
    if (sending || stopped) {
      return;
    }
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
    sending = true;
    spool
        .read(options.batchSize())
        .compose(
            batch -> {
              if (batch.isEmpty()) {
                // Nothing, or only records this version can't read: step past those.
                return spool.ack(batch).map(v -> batch.ends().isEmpty() ? -1 : 0);
              }
              String id = batch.results().get(0).agentId();
              ResultBatch post = new ResultBatch(id, batch.results(), batch.dropped());
              return breaker
                  .<Object>execute(() -> client.post(post, batch.json()).map(answer -> answer))
                  .recover(e -> skipIfRefused(e, batch.results().size()))
                  .compose(v -> spool.ack(batch))
                  .map(v -> batch.results().size());
            })
        .onComplete(
            ar -> {
              sending = false;
              if (stopped) {
                return;
              }
              if (ar.succeeded()) {
                backoffMillis = 0;
                int n = ar.result();
                if (n < 0) {
                  return;
                }
                shipped.increment(n);
                if (spool.pending() >= options.batchSize()) {
                  ship();
                } else if (spool.pending() > 0) {
                  schedule(options.flushMillis());
                }
              } else {
                onFailure(ar.cause());
              }
            });
  }

  /** Turns a refusal of the batch itself into success (the batch is skipped and counted). */
  private Future<Object> skipIfRefused(Throwable e, int size) {
    if (e instanceof CoordinatorException ce && ce.isPermanent()) {
      rejected.increment(size);
      LOG.severe(
          "the coordinator refused a batch of "
              + size
              + " results as malformed; skipping it so that later results can pass: "
              + ce.getMessage());
      return Future.succeededFuture();
    }
    return Future.failedFuture(e);
  }

  private void onFailure(Throwable cause) {
    if (cause instanceof OpenCircuitException) {
      // The breaker's half-open handler retries; this timer only guards against a missed one.
      schedule(options.breakerResetMillis());
      return;
    }
    failures.increment();
    backoffMillis =
        backoffMillis == 0
            ? options.backoffMinMillis()
            : Math.min(options.backoffMaxMillis(), backoffMillis * 2);
    long jittered = backoffMillis / 2 + ThreadLocalRandom.current().nextLong(backoffMillis / 2 + 1);
    LOG.warning(
        "could not ship results ("
            + cause.getMessage()
            + "); retrying in "
            + jittered
            + " ms, "
            + spool.pending()
            + " in the spool");
    schedule(jittered);
  }

  private void schedule(long delayMillis) {
    if (timerId < 0 && !stopped) {
      timerId =
          vertx.setTimer(
              Math.max(1, delayMillis),
              t -> {
                timerId = -1;
                ship();
              });
    }
  }

  /**
   * Stops shipping: writes what is still in memory to the spool, then closes the spool, the breaker
   * and the client. What was not acknowledged stays in the spool for the next start.
   */
  public Future<Void> stop() {
    if (Vertx.currentContext() != context) {
      Promise<Void> p = Promise.promise();
      context.runOnContext(v -> stop().onComplete(p));
      return p.future();
    }
    stopped = true;
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
    return lastWrite
        .compose(
            v -> {
              if (unwritten.isEmpty()) {
                return Future.<Void>succeededFuture();
              }
              List<ProbeResult> rest = List.copyOf(unwritten);
              unwritten.clear();
              unwrittenCount = 0;
              return spool.append(rest);
            })
        .eventually(spool::close)
        .eventually(
            () -> {
              breaker.close();
              return client.close();
            });
  }

  /** The agent id batches are posted as. */
  public String agentId() {
    return agentId;
  }
}
