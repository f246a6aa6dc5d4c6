package io.nines.store.results;

import io.nines.availability.Timeline;
import io.nines.common.ProbeResult;
import io.nines.common.TimeRange;
import io.nines.config.Fleet;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Raw probe results, per check and per location, ordered by the time they ran; each check's
 * timeline history per location; and each check's last {@link Evaluation}.
 *
 * <p>Implementations are thread-safe and never block the caller: every method returns a future.
 * {@link HazelcastResultStore} completes it on the caller's Vert.x context (the one current when
 * the method was called) once the cluster has answered; {@link InMemoryResultStore} returns it
 * already completed. When the store cannot answer (a cluster that lost its quorum of members, a
 * member shutting down), the future fails with {@link StoreUnavailableException}: the caller may
 * retry, and since {@link #append} is idempotent, retrying it is always safe.
 */
public interface ResultStore {

  /**
   * Applies results idempotently.
   *
   * <p>A result whose {@code (agentId, sequence)} its check has consumed before is a duplicate and
   * changes nothing, whatever order results arrive in. A result is rejected, with a reason, when
   * its check is not in {@code fleet}, when it ran before {@code now -
   * fleet.settings().retentionRaw()}, or when it claims to have run more than {@link
   * #MAX_CLOCK_SKEW_MILLIS} after {@code now}. A result refused for its time is consumed: sent
   * again, it counts as a duplicate. A result of an unknown check is not recorded anywhere (there
   * is no check to record it with): sent again, it is rejected again, or accepted if the check has
   * been added since.
   *
   * <p>The future succeeds only once every accepted result is stored as durably as the store
   * promises (in a cluster: on the check's owner and its synchronous backup). Each check that
   * stored a new result is evaluated once.
   *
   * @param results in any order, from any agents and checks
   * @param fleet the configuration that says which checks exist and how long results are kept
   * @param now the present, for retention and evaluation
   * @return what was done with each result; the rejections in the order of {@code results}
   */
  Future<AppendOutcome> append(Collection<ProbeResult> results, Fleet fleet, Instant now);

  /**
   * The results of {@code checkId} that ran in {@code [from, to)}, by location, each list ordered
   * by {@link io.nines.availability.Timelines#BY_START}. Locations without results in the range are
   * absent.
   */
  Future<Map<String, List<ProbeResult>>> resultsByLocation(
      String checkId, Instant from, Instant to);

  /**
   * The timeline of {@code checkId} at each location over {@code span}, from the check's history:
   * kept for {@code retention.rollup} as results arrive (late ones included), so it covers time
   * whose raw results have left {@code retention.raw}. Each timeline is what {@link
   * io.nines.availability.Timelines#forLocation} makes of every result the location ever stored,
   * each fresh for twice its check's interval at the time it was stored; except that an hour past
   * {@code retention.raw} holding more than a few state changes keeps only its time in each state
   * (see {@code docs/storage.md}). Locations that know nothing of the span are absent.
   */
  Future<Map<String, Timeline>> locationTimelines(String checkId, TimeRange span);

  /** Up to {@code limit} results of {@code checkId} from all locations, newest first. */
  Future<List<ProbeResult>> recent(String checkId, int limit);

  /** The last evaluation of {@code checkId}; empty before its first stored result. */
  Future<Optional<Evaluation>> evaluation(String checkId);

  /** How many results are held, over all checks. */
  Future<Long> size();

  /** How far after {@code now} a result's {@code startedAt} may lie: agents' clocks drift. */
  long MAX_CLOCK_SKEW_MILLIS = 5 * 60 * 1000L;
}
