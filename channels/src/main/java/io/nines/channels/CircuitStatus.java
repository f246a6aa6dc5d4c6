package io.nines.channels;

import java.util.Locale;

/**
 * The circuit breaker of one endpoint, for the API.
 *
 * @param channel the channel kind: {@code pagerduty}, {@code email}, {@code webhook}, {@code
 *     slack}, {@code alertmanager}
 * @param endpoint {@code host:port}; never a path, query or user info, which may hold secrets
 * @param state the breaker's state
 * @param failures failures counted in the breaker's rolling window
 */
public record CircuitStatus(String channel, String endpoint, State state, long failures) {

  /** A breaker's state; its {@link #gaugeValue()} is what the metric shows. */
  public enum State {
    /** Sends go through. */
    CLOSED(0),
    /** After the reset timeout, one trial send goes through; the rest fail fast. */
    HALF_OPEN(1),
    /** Too many recent failures: sends fail at once without touching the endpoint. */
    OPEN(2);

    private final int gaugeValue;

    State(int gaugeValue) {
      this.gaugeValue = gaugeValue;
    }

    /** The value of the {@code nines.channel.circuit} gauge: 0 closed, 1 half-open, 2 open. */
    public int gaugeValue() {
      return gaugeValue;
    }

    /** The lowercase name used in the API: {@code closed}, {@code half_open}, {@code open}. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
