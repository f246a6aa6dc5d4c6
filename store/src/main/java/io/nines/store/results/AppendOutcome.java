package io.nines.store.results;

import java.util.List;

/**
 * What {@link ResultStore#append} did with each result of a batch; the three counts add up to the
 * number of results given.
 *
 * @param accepted results applied now
 * @param duplicates results whose {@code (agentId, sequence)} had been seen before; they changed
 *     nothing
 * @param rejected results refused, each with its reason
 */
public record AppendOutcome(int accepted, int duplicates, List<Rejection> rejected) {
  public AppendOutcome {
    rejected = List.copyOf(rejected);
  }
}
