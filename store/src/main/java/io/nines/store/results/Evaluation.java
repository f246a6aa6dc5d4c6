package io.nines.store.results;

import io.nines.availability.State;
import io.nines.common.Checks;
import java.time.Instant;

/**
 * The last evaluation of one check: its state at the time of the last batch of results that changed
 * something, merged from its locations by the check's {@code down-when} rule.
 *
 * <p>A check is evaluated exactly once per applied batch: in a cluster by the owner of the check's
 * partition, inside the same atomic step that stores the batch. A replayed batch (only duplicates)
 * does not evaluate. Backups receive the evaluation, they never compute it again, so work that
 * hangs off an evaluation (opening an incident, later) happens once.
 *
 * @param state the check's state at {@code at}
 * @param since when the check entered {@code state}, as far as evaluations saw: the {@code at} of
 *     the first evaluation in a row with this state
 * @param at the coordinator time the evaluation ran at (the ingest's {@code now})
 * @param count how many evaluations this check has had, this one included; at least 1
 * @param member which member evaluated: a Hazelcast member UUID, or {@value #LOCAL} in a single
 *     process
 */
public record Evaluation(State state, Instant since, Instant at, long count, String member) {

  /** The {@link #member} of evaluations made by a single-process coordinator. */
  public static final String LOCAL = "local";

  public Evaluation {
    Checks.notNull(state, "state");
    Checks.notNull(since, "since");
    Checks.notNull(at, "at");
    Checks.checkArgument(!since.isAfter(at), "since: %s (expected: not after at %s)", since, at);
    Checks.checkPositive(count, "count");
    Checks.checkNotBlank(member, "member");
  }

  /**
   * The evaluation that follows {@code previous} (null for a check's first) with {@code state} at
   * {@code at}.
   */
  public static Evaluation next(Evaluation previous, State state, Instant at, String member) {
    if (previous == null) {
      return new Evaluation(state, at, at, 1, member);
    }
    Instant since = previous.state() == state ? previous.since() : at;
    if (since.isAfter(at)) {
      since = at;
    }
    return new Evaluation(state, since, at, previous.count() + 1, member);
  }
}
