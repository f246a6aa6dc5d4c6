package io.nines.agent.ship;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nines.common.ProbeResult;
import io.nines.common.ResultBatch;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Logger;

/**
 * Batches results and ships them to the coordinator, in order, one batch in flight at a time.
 *
 * <p>A batch leaves the buffer only when the coordinator acknowledged it. While the coordinator is
 * away, results wait here (bounded: past {@code maxBuffered} the oldest are dropped and counted in
 * {@code nines.shipper.dropped}), and posts are retried with exponential backoff and jitter. This
 * buffer lives in memory: results survive a coordinator outage, not a crash of the agent.
 *
 * <p>Not thread-safe: call from the agent's context.
 */
public final class Shipper {
  private static final Logger LOG = Logger.getLogger(Shipper.class.getName());

  private final Vertx vertx;
  private final String agentId;
  private final CoordinatorClient client;
  private final int batchSize;
  private final int maxBuffered;
  private final long flushMillis;
  private final ArrayDeque<ProbeResult> buffer = new ArrayDeque<>();
  private final Counter shipped;
  private final Counter dropped;
  private final Counter failures;
  private boolean sending;
  private long backoffMillis;
  private long timerId = -1;
  private boolean stopped;

  /**
   * @param batchSize the most results a batch carries
   * @param maxBuffered the most results kept while the coordinator is away
   * @param flushMillis how long a result may wait for a batch to fill
   */
  public Shipper(
      Vertx vertx,
      String agentId,
      CoordinatorClient client,
      int batchSize,
      int maxBuffered,
      long flushMillis,
      MeterRegistry registry) {
    this.vertx = vertx;
    this.agentId = agentId;
    this.client = client;
    this.batchSize = Math.min(batchSize, ResultBatch.MAX_RESULTS);
    this.maxBuffered = maxBuffered;
    this.flushMillis = flushMillis;
    this.shipped = Counter.builder("nines.shipper.shipped").register(registry);
    this.dropped =
        Counter.builder("nines.shipper.dropped")
            .description("Results dropped because the buffer was full")
            .register(registry);
    this.failures =
        Counter.builder("nines.shipper.failures")
            .description("Posts to the coordinator that failed")
            .register(registry);
    Gauge.builder("nines.shipper.buffered", buffer, ArrayDeque::size).register(registry);
  }

  /** Queues a result; ships at once when a batch is full. */
  public void offer(ProbeResult result) {
    if (buffer.size() >= maxBuffered) {
      buffer.pollFirst();
      dropped.increment();
    }
    buffer.addLast(result);
    if (buffer.size() >= batchSize) {
      flush();
    } else if (timerId < 0 && !sending) {
      timerId =
          vertx.setTimer(
              flushMillis,
              t -> {
                timerId = -1;
                flush();
              });
    }
  }

  /** Results waiting to be acknowledged. */
  public int buffered() {
    return buffer.size();
  }

  /** Ships what is buffered now (one batch at a time, until empty or a post fails). */
  public void flush() {
    if (sending || buffer.isEmpty() || stopped) {
      return;
    }
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
    List<ProbeResult> batch = new ArrayList<>(Math.min(batchSize, buffer.size()));
    for (ProbeResult r : buffer) {
      if (batch.size() == batchSize) {
        break;
      }
      batch.add(r);
    }
    sending = true;
    client
        .post(new ResultBatch(agentId, batch))
        .onComplete(
            ar -> {
              sending = false;
              if (ar.succeeded()) {
                backoffMillis = 0;
                // Drop exactly what was shipped; results may have been dropped meanwhile.
                for (ProbeResult r : batch) {
                  if (buffer.peekFirst() == r) {
                    buffer.pollFirst();
                  }
                }
                shipped.increment(batch.size());
                if (buffer.size() >= batchSize) {
                  flush();
                } else if (!buffer.isEmpty()) {
                  schedule(flushMillis);
                }
              } else {
                failures.increment();
                backoffMillis = backoffMillis == 0 ? 500 : Math.min(30_000, backoffMillis * 2);
                long jittered =
                    backoffMillis / 2 + ThreadLocalRandom.current().nextLong(backoffMillis / 2 + 1);
                LOG.warning(
                    "could not ship "
                        + batch.size()
                        + " results ("
                        + ar.cause().getMessage()
                        + "); retrying in "
                        + jittered
                        + " ms, "
                        + buffer.size()
                        + " buffered");
                schedule(jittered);
              }
            });
  }

  private void schedule(long delayMillis) {
    if (timerId < 0 && !stopped) {
      timerId =
          vertx.setTimer(
              Math.max(1, delayMillis),
              t -> {
                timerId = -1;
                flush();
              });
    }
  }

  /** Stops shipping; what is still buffered is lost unless {@link #flush()} succeeded. */
  public Future<Void> stop() {
    stopped = true;
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
    return client.close();
  }
}
