package io.nines.availability;

/**
 * What a location, a check or a service is doing at one instant.
 *
 * <p>Maintenance is not a state: it is an overlay of time ranges applied when availability is
 * computed (see {@link Availability}), so the timeline keeps what the probes really saw.
 *
 * <p>The declaration order is the severity order used to merge checks into a service: {@link
 * #worst(State, State)} returns the later one. {@code DOWN > DEGRADED > UNKNOWN > UP}: known
 * trouble outranks missing data, and missing data outranks "all good" because nobody can claim a
 * service is up without fresh results. {@link #DEGRADED} is not down for availability.
 */
public enum State {
  /** Every location with fresh data passed. */
  UP,
  /** No fresh data: no result yet, or the last one is older than twice the check's interval. */
  UNKNOWN,
  /** Some locations failed, but fewer than the check's {@code down-when} threshold. */
  DEGRADED,
  /** At least the check's {@code down-when} threshold of reporting locations failed. */
  DOWN;

  /** The more severe of the two, by {@code DOWN > DEGRADED > UNKNOWN > UP}. */
  public static State worst(State a, State b) {
    return a.ordinal() >= b.ordinal() ? a : b;
  }
}
