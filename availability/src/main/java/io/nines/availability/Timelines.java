package io.nines.availability;

import io.nines.common.Checks;
import io.nines.common.ProbeOutcome;
import io.nines.common.TimeRange;
import io.nines.config.DownWhen;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Builds timelines from results ({@link ProbeOutcome}s), and merges them: location, then check,
 * then service.
 *
 * <p>Pure functions: the span's end plays the role of {@code now}, and nothing is ever placed after
 * it.
 */
public final class Timelines {
  private Timelines() {}

  /**
   * The order results are replayed in: by the time they ran, then a passing result before a failing
   * one that ran at the same instant (so that the failure, replayed last, wins the tie), then by
   * agent and sequence so that the order is total.
   */
  public static final Comparator<ProbeOutcome> BY_START =
      Comparator.comparing(ProbeOutcome::startedAt)
          .thenComparing(r -> !r.ok())
          .thenComparing(ProbeOutcome::agentId)
          .thenComparingLong(ProbeOutcome::sequence);

  /**
   * The timeline of one check at one location.
   *
   * <p>A result's state ({@link State#UP} when ok, else {@link State#DOWN}) holds from its {@code
   * startedAt} until the next result's {@code startedAt}, but for at most {@code staleAfter}; past
   * that the location is {@link State#UNKNOWN} until the next result. Before the first result it is
   * UNKNOWN too. Results are sorted here by {@link #BY_START}, so the order they arrived in does
   * not matter: a late result lands at the time it ran and splits the interval it falls in.
   *
   * @param results the location's results, in any order; results outside {@code span} still shape
   *     it (one that ran before the span may hold into it)
   * @param staleAfter how long a result stays fresh; twice the check's interval
   * @param span the time to describe; its end is normally {@code now}
   */
  public static Timeline forLocation(
      Collection<? extends ProbeOutcome> results, Duration staleAfter, TimeRange span) {
    Checks.checkArgument(
        staleAfter.compareTo(Duration.ZERO) > 0, "staleAfter: %s (expected: > 0)", staleAfter);
    List<ProbeOutcome> sorted = new ArrayList<>(results);
    sorted.sort(BY_START);
    List<Interval> parts = new ArrayList<>(sorted.size());
    for (int i = 0; i < sorted.size(); i++) {
      ProbeOutcome r = sorted.get(i);
      Instant start = r.startedAt();
      if (!start.isBefore(span.end())) {
        break;
      }
      Instant end = start.plus(staleAfter);
      if (i + 1 < sorted.size() && sorted.get(i + 1).startedAt().isBefore(end)) {
        end = sorted.get(i + 1).startedAt();
      }
      if (end.isAfter(span.start()) && end.isAfter(start)) {
        parts.add(new Interval(start, end, r.ok() ? State.UP : State.DOWN));
      }
    }
    return Timeline.of(span, parts);
  }

  /**
   * The timeline of a check, merged from its location timelines instant by instant.
   *
   * <p>A location is <em>reporting</em> when its state is UP or DOWN (fresh data); failing when
   * DOWN. With {@code reporting} locations of which {@code failing} fail:
   *
   * <ul>
   *   <li>no location reporting: {@link State#UNKNOWN};
   *   <li>{@code failing >= downWhen.threshold(reporting)}: {@link State#DOWN};
   *   <li>some failing, but fewer than the threshold: {@link State#DEGRADED} (for example one of
   *       three, or one failing location while the rest are stale under "2 of 3");
   *   <li>otherwise: {@link State#UP}.
   * </ul>
   *
   * @param locations one timeline per location, any span; time they do not cover is UNKNOWN
   */
  public static Timeline forCheck(
      Collection<Timeline> locations, DownWhen downWhen, TimeRange span) {
    Checks.notNull(downWhen, "downWhen");
    return Timeline.combine(span, List.copyOf(locations), states -> merge(states, downWhen));
  }

  /**
   * The timeline of a service: at each instant the worst state of its checks ({@link State#worst}).
   * A service without checks is UNKNOWN throughout. The same as {@link #forService(Collection,
   * DownWhen, TimeRange)} with {@link DownWhen#ANY}.
   */
  public static Timeline forService(Collection<Timeline> checks, TimeRange span) {
    return forService(checks, DownWhen.ANY, span);
  }

  /**
   * The timeline of a service, merged from its checks' timelines instant by instant by its {@code
   * down-when}: DOWN when at least {@code downWhen.threshold(reporting)} of its checks are DOWN (a
   * check reports unless it is UNKNOWN); otherwise the worst of its checks' states with DOWN
   * counted as DEGRADED. With {@link DownWhen#ANY} (the default) that is simply the worst state of
   * its checks; with {@code all}, a service measured by a page check and an API check is DOWN only
   * while both fail. A service without checks is UNKNOWN throughout.
   */
  public static Timeline forService(
      Collection<Timeline> checks, DownWhen downWhen, TimeRange span) {
    Checks.notNull(downWhen, "downWhen");
    if (checks.isEmpty()) {
      return Timeline.constant(span, State.UNKNOWN);
    }
    return Timeline.combine(span, List.copyOf(checks), states -> mergeService(states, downWhen));
  }

  /** The merge rule of {@link #forService(Collection, DownWhen, TimeRange)}. */
  public static State mergeService(List<State> checkStates, DownWhen downWhen) {
    int reporting = 0;
    int failing = 0;
    State worstOfRest = State.UP;
    for (State s : checkStates) {
      if (s != State.UNKNOWN) {
        reporting++;
      }
      if (s == State.DOWN) {
        failing++;
        worstOfRest = State.worst(worstOfRest, State.DEGRADED);
      } else {
        worstOfRest = State.worst(worstOfRest, s);
      }
    }
    if (failing > 0 && failing >= downWhen.threshold(reporting)) {
      return State.DOWN;
    }
    return worstOfRest;
  }

  /** The merge rule of {@link #forCheck} applied to the states of a check's locations. */
  public static State merge(List<State> locationStates, DownWhen downWhen) {
    int reporting = 0;
    int failing = 0;
    for (State s : locationStates) {
      if (s == State.UP || s == State.DOWN) {
        reporting++;
      }
      if (s == State.DOWN) {
        failing++;
      }
    }
    if (reporting == 0) {
      return State.UNKNOWN;
    }
    if (failing >= downWhen.threshold(reporting)) {
      return State.DOWN;
    }
    return failing > 0 ? State.DEGRADED : State.UP;
  }
}
