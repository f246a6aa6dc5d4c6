package io.nines.coordinator.store;

import io.nines.common.ProbeResult;
import io.nines.config.Fleet;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Raw probe results, per check and per location, ordered by the time they ran.
 *
 * <p>Implementations are thread-safe. Their methods may block (a later implementation reaches a
 * cluster and a database), so callers on a Vert.x event loop run them on a worker pool.
 */
public interface ResultStore {

  /**
   * Applies results idempotently.
   *
   * <p>A result whose {@code (agentId, sequence)} has been seen before is a duplicate and changes
   * nothing, whatever order results arrive in. A result is rejected, with a reason, when its check
   * is not in {@code fleet}, when it ran before {@code now - fleet.settings().retentionRaw()}, or
   * when it claims to have run more than {@link #MAX_CLOCK_SKEW_MILLIS} after {@code now}. A
   * rejected result is consumed too: sent again, it counts as a duplicate.
   *
   * @param results in any order, from any agents
   * @param fleet the configuration that says which checks exist and how long results are kept
   * @param now the present, for retention
   */
  AppendOutcome append(Collection<ProbeResult> results, Fleet fleet, Instant now);

  /**
   * The results of {@code checkId} that ran in {@code [from, to)}, by location, each list ordered
   * by {@link io.nines.coordinator.timeline.Timelines#BY_START}. Locations without results in the
   * range are absent.
   */
  Map<String, List<ProbeResult>> resultsByLocation(String checkId, Instant from, Instant to);

  /** Up to {@code limit} results of {@code checkId} from all locations, newest first. */
  List<ProbeResult> recent(String checkId, int limit);

  /** How many results are held. */
  long size();

  /** How far after {@code now} a result's {@code startedAt} may lie: agents' clocks drift. */
  long MAX_CLOCK_SKEW_MILLIS = 5 * 60 * 1000L;
}
