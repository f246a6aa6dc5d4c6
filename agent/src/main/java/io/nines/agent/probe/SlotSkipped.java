package io.nines.agent.probe;

/**
 * A probe could not run this slot because of a limit of the agent itself (all its browser slots
 * busy for the whole of the check's timeout), not because of anything the target did. The run
 * produces no result: the slot is skipped and counted ({@code nines.scheduler.skipped}, by {@link
 * #reason()}), as the scheduler skips a slot at the agent's other limits. A target is never marked
 * DOWN for an agent's lack of capacity; if slots keep being skipped, the location's results go
 * stale and its time counts as UNKNOWN, which the metrics and the dashboard show.
 */
public final class SlotSkipped extends RuntimeException {
  private final String reason;

  /**
   * @param reason the meter tag, e.g. {@code browser-pool}
   * @param message what happened, for the log
   */
  public SlotSkipped(String reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  /** The {@code reason} tag of {@code nines.scheduler.skipped}. */
  public String reason() {
    return reason;
  }
}
