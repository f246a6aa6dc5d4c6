package io.nines.common;

import java.time.Instant;

/**
 * What the availability core reads of one probe run: when it ran, whether it passed, and the {@code
 * (agentId, sequence)} pair that orders runs that started at the same instant. {@link ProbeResult}
 * is one; the core takes this narrow view so that it needs neither the wire model nor its JSON
 * codec.
 *
 * <p>Implementations are immutable values.
 */
public interface ProbeOutcome {
  /** The agent that ran the probe; never blank. */
  String agentId();

  /** The agent's monotonic sequence number, from 1. */
  long sequence();

  /** Wall-clock time the probe started; a late run is placed at this time. Never null. */
  Instant startedAt();

  /** Whether every assertion held. */
  boolean ok();
}
