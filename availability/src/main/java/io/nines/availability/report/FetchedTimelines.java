package io.nines.availability.report;

import io.nines.availability.Timeline;
import io.nines.config.Check;
import java.util.Map;

/**
 * The location timelines read from a result store for a set of checks over one span, the input of
 * every read model here.
 *
 * @param byCheck check id -> location -> timeline over the fetched span; a check that was not
 *     fetched, or had no location report, is absent or maps to an empty map; the caller hands the
 *     map over and does not change it afterwards
 */
public record FetchedTimelines(Map<String, Map<String, Timeline>> byCheck) {
  /** The location timelines of {@code check}; empty when none were fetched. */
  public Map<String, Timeline> of(Check check) {
    return byCheck.getOrDefault(check.id(), Map.of());
  }
}
