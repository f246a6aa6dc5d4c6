package io.nines.store.results;

import io.nines.common.ProbeResult;
import io.nines.config.Check;
import io.nines.config.CheckIndex;
import io.nines.config.Fleet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A posted collection of results split by check, as both stores apply them: one atomic step per
 * check. Results of checks not in the fleet are rejected here, before any store is touched.
 */
final class Batches {
  /** check id -> its results, in the order posted; only checks of the fleet. */
  final Map<String, List<ProbeResult>> byCheck = new LinkedHashMap<>();

  /** check id -> the check, for every key of {@link #byCheck}. */
  final Map<String, Check> checks = new HashMap<>();

  /** Rejections of results whose check is unknown. */
  final List<Rejection> unknown = new ArrayList<>();

  /** result id -> its position in the posted collection, to order rejections. */
  private final Map<String, Integer> positions = new HashMap<>();

  private Batches() {}

  static Batches split(Iterable<ProbeResult> results, Fleet fleet) {
    Batches b = new Batches();
    Map<String, Check> checks = CheckIndex.of(fleet);
    int i = 0;
    for (ProbeResult r : results) {
      b.positions.putIfAbsent(r.id(), i++);
      Optional<Check> check = Optional.ofNullable(checks.get(r.checkId()));
      if (check.isEmpty()) {
        b.unknown.add(new Rejection(r.id(), "unknown check '" + r.checkId() + "'"));
      } else {
        b.byCheck.computeIfAbsent(r.checkId(), c -> new ArrayList<>()).add(r);
        b.checks.put(r.checkId(), check.get());
      }
    }
    return b;
  }

  Combiner combiner() {
    return new Combiner();
  }

  /** Adds up the outcomes of the per-check steps and the unknown-check rejections. */
  final class Combiner {
    private int accepted;
    private int duplicates;
    private final List<Rejection> rejected = new ArrayList<>(unknown);

    void add(AppendOutcome outcome) {
      accepted += outcome.accepted();
      duplicates += outcome.duplicates();
      rejected.addAll(outcome.rejected());
    }

    /** The total, with rejections in the order the results were posted. */
    AppendOutcome result() {
      List<Rejection> ordered = new ArrayList<>(rejected);
      ordered.sort(Comparator.comparingInt(r -> positions.getOrDefault(r.id(), Integer.MAX_VALUE)));
      return new AppendOutcome(accepted, duplicates, ordered);
    }
  }
}
