package io.nines.availability.testing;

import io.nines.common.ProbeOutcome;
import java.time.Instant;

/** Builds the {@link ProbeOutcome}s that timeline tests feed in: one passing, one failing. */
public final class TestResults {
  private TestResults() {}

  /**
   * One probe run as the timeline core sees it, with the check and location it belongs to so that
   * tests can group runs as the stores do.
   */
  public record Run(
      String agentId, long sequence, String checkId, String location, Instant startedAt, boolean ok)
      implements ProbeOutcome {}

  /** A passing run. */
  public static Run ok(String agent, long seq, String check, String location, Instant startedAt) {
    return new Run(agent, seq, check, location, startedAt, true);
  }

  /** A failing run. */
  public static Run fail(String agent, long seq, String check, String location, Instant startedAt) {
    return new Run(agent, seq, check, location, startedAt, false);
  }
}
