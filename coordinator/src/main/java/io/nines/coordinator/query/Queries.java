package io.nines.coordinator.query;

import io.nines.availability.Timeline;
import io.nines.availability.report.FetchedTimelines;
import io.nines.common.TimeRange;
import io.nines.config.Check;
import io.nines.store.results.ResultStore;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fetches location timelines from the store, for the pure read models of {@code
 * io.nines.availability.report} (which merge them: {@code FleetTimelines}). {@link #fetch} is
 * asynchronous and never blocks.
 */
public final class Queries {
  private final ResultStore store;

  public Queries(ResultStore store) {
    this.store = store;
  }

  /**
   * The location timelines of {@code checks} over {@code span}, from each check's history in the
   * store ({@link ResultStore#locationTimelines}): raw results are not read, so a window reaches
   * back as far as {@code retention.rollup}. All checks are read at once.
   *
   * @return check id -> location -> timeline over {@code span}; every check of {@code checks} has
   *     an entry
   */
  public Future<FetchedTimelines> fetch(Collection<Check> checks, TimeRange span) {
    List<Check> list = List.copyOf(checks);
    List<Future<Map<String, Timeline>>> reads = new ArrayList<>(list.size());
    for (Check c : list) {
      reads.add(store.locationTimelines(c.id(), span));
    }
    return Future.all(reads)
        .map(
            all -> {
              Map<String, Map<String, Timeline>> byCheck = new HashMap<>();
              for (int i = 0; i < list.size(); i++) {
                byCheck.put(list.get(i).id(), reads.get(i).result());
              }
              return new FetchedTimelines(byCheck);
            });
  }
}
