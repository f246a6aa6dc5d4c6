package io.nines.store.checklog;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import io.nines.common.Checks;
import io.nines.common.ProbeResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a slice of one {@link CheckLog} on the member that owns it, so that only the slice travels:
 * the results of a time range, the most recent results, the last evaluation, or the locations'
 * timeline history over a time range. Runs on the partition thread, like the writes, so it never
 * sees a batch half applied.
 */
public final class ReadCheck implements EntryProcessor<String, CheckLog, Object>, ReadOnly {

  /** What to read. */
  public enum Kind {
    /** Results that ran in {@code [from, to)}: a {@link ResultList}, location by location. */
    BETWEEN,
    /** Up to {@code limit} results, newest first: a {@link ResultList}. */
    RECENT,
    /** The last {@link io.nines.store.results.Evaluation}, or null. */
    EVALUATION,
    /** Each location's history over {@code [from, to)}: a {@link HistorySlices}. */
    HISTORY
  }

  final Kind kind;
  final Instant from;
  final Instant to;
  final int limit;

  ReadCheck(Kind kind, Instant from, Instant to, int limit) {
    this.kind = Checks.notNull(kind, "kind");
    this.from = from;
    this.to = to;
    this.limit = limit;
  }

  public static ReadCheck between(Instant from, Instant to) {
    return new ReadCheck(Kind.BETWEEN, Checks.notNull(from, "from"), Checks.notNull(to, "to"), 0);
  }

  public static ReadCheck recent(int limit) {
    Checks.checkArgument(limit >= 0, "limit: %s (expected: >= 0)", limit);
    return new ReadCheck(Kind.RECENT, null, null, limit);
  }

  public static ReadCheck history(Instant from, Instant to) {
    return new ReadCheck(Kind.HISTORY, Checks.notNull(from, "from"), Checks.notNull(to, "to"), 0);
  }

  public static ReadCheck evaluation() {
    return new ReadCheck(Kind.EVALUATION, null, null, 0);
  }

  @Override
  public Object process(Map.Entry<String, CheckLog> entry) {
    CheckLog log = entry.getValue();
    return switch (kind) {
      case BETWEEN -> {
        List<ProbeResult> out = new ArrayList<>();
        if (log != null) {
          log.resultsByLocation(from, to).values().forEach(out::addAll);
        }
        yield new ResultList(out);
      }
      case RECENT -> new ResultList(log == null ? List.of() : log.recent(limit));
      case EVALUATION -> log == null ? null : log.evaluation();
      case HISTORY -> new HistorySlices(log == null ? List.of() : log.historySlices(from, to));
    };
  }

  @Override
  public EntryProcessor<String, CheckLog, Object> getBackupProcessor() {
    return null;
  }
}
