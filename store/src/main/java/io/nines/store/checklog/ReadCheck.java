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
    HISTORY,
    /** {@link #BETWEEN} as a {@link HotRead}: what the log holds of the range, and its cuts. */
    HOT_BETWEEN,
    /** {@link #RECENT} as a {@link HotRead}. */
    HOT_RECENT,
    /** {@link #HISTORY} as a {@link HotRead}. */
    HOT_HISTORY
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

  /** {@link #between}, {@link #recent} or {@link #history} answered as a {@link HotRead}. */
  public static ReadCheck hot(ReadCheck read) {
    Kind hot =
        switch (read.kind) {
          case BETWEEN -> Kind.HOT_BETWEEN;
          case RECENT -> Kind.HOT_RECENT;
          case HISTORY -> Kind.HOT_HISTORY;
          default ->
              throw new IllegalArgumentException(
                  "read: " + read.kind + " (expected: BETWEEN, RECENT or HISTORY)");
        };
    return new ReadCheck(hot, read.from, read.to, read.limit);
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
      case HOT_BETWEEN, HOT_RECENT, HOT_HISTORY -> hot(log);
    };
  }

  private HotRead hot(CheckLog log) {
    if (log == null) {
      long none = Long.MIN_VALUE;
      return new HotRead(List.of(), List.of(), none, none, none, none, false);
    }
    List<ProbeResult> results = new ArrayList<>();
    List<HistorySlice> slices = List.of();
    switch (kind) {
      case HOT_BETWEEN -> log.resultsByLocation(from, to).values().forEach(results::addAll);
      case HOT_RECENT -> results.addAll(log.recent(limit));
      default -> slices = log.historySlices(from, to);
    }
    return new HotRead(
        results,
        slices,
        log.heldFromNanos(),
        log.openFromNanos(),
        log.retainedFromNanos(),
        log.historyKeptFromNanos(),
        true);
  }

  @Override
  public EntryProcessor<String, CheckLog, Object> getBackupProcessor() {
    return null;
  }
}
