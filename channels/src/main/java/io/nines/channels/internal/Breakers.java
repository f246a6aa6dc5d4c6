package io.nines.channels.internal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nines.channels.ChannelOptions;
import io.nines.channels.CircuitStatus;
import io.nines.channels.DeliveryResult;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.circuitbreaker.TimeoutException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One Vert.x circuit breaker per endpoint, keyed by channel kind and {@code host:port}, each with
 * the gauge {@code nines.channel.circuit{channel, endpoint}} (0 closed, 1 half-open, 2 open).
 *
 * <p>A send counts as a failure for its breaker when it fails, times out, or ends with a retryable
 * result (5xx, 429, connection errors): the endpoint is then unwell. A permanent rejection (a 4xx)
 * counts as a success: the endpoint answered, and the problem is the request. Thread-safe.
 */
public final class Breakers {
  /** The gauge's name. */
  public static final String METER = "nines.channel.circuit";

  private final Vertx vertx;
  private final MeterRegistry registry;
  private final ChannelOptions options;
  private final Map<Key, CircuitBreaker> breakers = new ConcurrentHashMap<>();

  public Breakers(Vertx vertx, MeterRegistry registry, ChannelOptions options) {
    this.vertx = vertx;
    this.registry = registry;
    this.options = options;
  }

  /**
   * Runs {@code attempt} through the breaker of {@code kind} at {@code endpoint}. The returned
   * future always succeeds: a failure, a timeout of the channel's send timeout and an open circuit
   * become retryable results. An attempt that throws counts as a failure.
   *
   * @param endpoint {@code host:port}; bounded and free of secrets, as it becomes a metric tag
   */
  public Future<DeliveryResult> call(
      String kind, String endpoint, Supplier<Future<DeliveryResult>> attempt) {
    CircuitBreaker breaker = breaker(kind, endpoint);
    return breaker
        .<DeliveryResult>execute(
            promise -> {
              Future<DeliveryResult> f;
              try {
                f = attempt.get();
              } catch (RuntimeException e) {
                f = Future.failedFuture(e);
              }
              f.onComplete(
                  ar -> {
                    if (ar.failed()) {
                      promise.tryFail(ar.cause());
                    } else if (ar.result().retryable()) {
                      promise.tryFail(new RetryableResult(ar.result()));
                    } else {
                      promise.tryComplete(ar.result());
                    }
                  });
            })
        .recover(t -> Future.succeededFuture(fromFailure(kind, endpoint, t)));
  }

  private DeliveryResult fromFailure(String kind, String endpoint, Throwable t) {
    if (t instanceof RetryableResult r) {
      return r.result;
    }
    if (t instanceof OpenCircuitException) {
      return DeliveryResult.retryable(
          0,
          kind
              + " "
              + endpoint
              + ": not sent, the circuit is open after "
              + options.breakerMaxFailures()
              + " failures; it lets a trial send through "
              + options.breakerResetTimeout().toSeconds()
              + " s after opening");
    }
    if (t instanceof TimeoutException) {
      return DeliveryResult.retryable(
          0,
          kind + " " + endpoint + ": no answer within " + options.sendTimeout().toMillis() + " ms");
    }
    return DeliveryResult.retryable(0, kind + " " + endpoint + ": " + Texts.describe(t));
  }

  private CircuitBreaker breaker(String kind, String endpoint) {
    return breakers.computeIfAbsent(new Key(kind, endpoint), this::create);
  }

  private CircuitBreaker create(Key key) {
    CircuitBreaker breaker =
        CircuitBreaker.create(
            key.kind + " " + key.endpoint,
            vertx,
            new CircuitBreakerOptions()
                .setMaxFailures(options.breakerMaxFailures())
                .setFailuresRollingWindow(options.breakerFailureWindow().toMillis())
                .setResetTimeout(options.breakerResetTimeout().toMillis())
                .setTimeout(options.sendTimeout().toMillis())
                .setMaxRetries(0)
                .setFallbackOnFailure(false)
                .setNotificationAddress(null));
    Gauge.builder(METER, breaker, b -> state(b.state()).gaugeValue())
        .description("Circuit breaker state per channel endpoint: 0 closed, 1 half-open, 2 open")
        .tag("channel", key.kind)
        .tag("endpoint", key.endpoint)
        .strongReference(true)
        .register(registry);
    return breaker;
  }

  /** Every breaker created so far, sorted by channel kind and endpoint. */
  public List<CircuitStatus> statuses() {
    List<CircuitStatus> out = new ArrayList<>();
    breakers.forEach(
        (key, b) ->
            out.add(new CircuitStatus(key.kind, key.endpoint, state(b.state()), b.failureCount())));
    out.sort(Comparator.comparing(CircuitStatus::channel).thenComparing(CircuitStatus::endpoint));
    return out;
  }

  /** Closes every breaker (cancelling their timers). */
  public void close() {
    breakers.values().forEach(CircuitBreaker::close);
  }

  private static CircuitStatus.State state(CircuitBreakerState s) {
    switch (s) {
      case OPEN:
        return CircuitStatus.State.OPEN;
      case HALF_OPEN:
        return CircuitStatus.State.HALF_OPEN;
      default:
        return CircuitStatus.State.CLOSED;
    }
  }

  private record Key(String kind, String endpoint) {}

  /** Carries a retryable result through the breaker as a failure. */
  private static final class RetryableResult extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient DeliveryResult result;

    RetryableResult(DeliveryResult result) {
      super(result.message(), null, false, false);
      this.result = result;
    }
  }
}
