package io.nines.store.checklog;

import io.nines.availability.Interval;
import io.nines.availability.State;
import io.nines.availability.Timeline;
import io.nines.availability.Timelines;
import io.nines.common.Checks;
import io.nines.common.ProbeResult;
import io.nines.common.TimeRange;
import io.nines.store.results.AppendOutcome;
import io.nines.store.results.Evaluation;
import io.nines.store.results.Rejection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything the coordinator keeps about one check: its raw results by location, the sequences each
 * agent has had consumed by it, and its last {@link Evaluation}.
 *
 * <p>It is the value of one entry of the cluster's checks map (keyed by check id, so that a check's
 * results and its evaluation live in one partition) and one slot of the in-memory store: the same
 * code runs in one process and in a cluster. Pure: no I/O and no clock; {@code now} is an argument.
 *
 * <p>Two ways to change it, so that a backup copy ends up equal to its primary without evaluating
 * again: {@link #apply} decides (duplicates, refusals, retention, evaluation) and returns the
 * {@link Change} it made; {@link #replay} makes a change decided elsewhere.
 *
 * <p>Not thread-safe. In the cluster only the partition thread of the entry's owner (or of a
 * backup) touches it; the in-memory store locks it (its own monitor) while it uses it. Nothing is
 * changed before every result has been checked, so a failure leaves it as it was.
 */
public final class CheckLog {
  private final String checkId;

  /** location -> results ordered by {@link Timelines#BY_START}. */
  private final Map<String, SortedResults> byLocation = new TreeMap<>();

  /** agent id -> what this check has consumed of it. */
  private final Map<String, AppliedSequences> agents = new TreeMap<>();

  private Evaluation evaluation;
  private long size;

  /**
   * location -> its timeline for {@code retention.rollup}, kept up to date as results arrive (see
   * {@link #place}); what every timeline query reads.
   */
  private final Map<String, LocationHistory> history = new TreeMap<>();

  /** Hours before this (nanoseconds since the epoch) have been considered for compaction. */
  private long compactedUntil;

  /** The staleness of the last {@link #apply}, for results merged in by {@link #mergeFrom}. */
  private Duration staleAfter;

  /**
   * Hot logs only (see {@link #HOT_RAW}): results that ran before this (nanoseconds since the
   * epoch) are not held, and history before its hour is not held; {@link Long#MIN_VALUE} when the
   * log holds all of {@code retention.raw}.
   */
  private long heldFrom = Long.MIN_VALUE;

  /** {@code now - retention.raw} at the last change, or {@link Long#MIN_VALUE}. */
  private long retainedFrom = Long.MIN_VALUE;

  /** {@code now - retention.rollup} at the last change, or {@link Long#MIN_VALUE}. */
  private long historyKeptFrom = Long.MIN_VALUE;

  /**
   * Hot logs only: open hours of history that a late result older than {@link #heldFrom} changed
   * here approximately (see {@link #placeLate}); each is recomputed from the raw rows in the
   * database when it closes. Empty almost always.
   */
  private final TreeSet<HourRef> dirty = new TreeSet<>(HOURS);

  private static final Comparator<HourRef> HOURS =
      Comparator.comparing(HourRef::hour).thenComparing(HourRef::location);

  /**
   * How long a hot log holds raw results: a log whose store has a database behind it (the cluster's
   * checks map with a MapStore) keeps only the results that ran in the last {@code HOT_RAW} (or the
   * check's {@code staleAfter}, if longer, so that evaluation always sees each location's latest
   * fresh result), and history only for the hours those results can still change (the open hours,
   * from the hour {@code now - HOT_RAW} falls in). Everything older is in the database, which the
   * read layer ({@code TieredResultStore}) reads. Five minutes: evaluation needs {@code
   * staleAfter}, and the live views (recent results, the last minutes of a check) read memory; at
   * 30 s from one location that is 10 results, ~4.5 KiB of a check's heap.
   */
  public static final Duration HOT_RAW = Duration.ofMinutes(5);

  /**
   * How many stretches one location's hour may hold once the hour is past {@code retention.raw} (no
   * late result can change it then): an hour with more is compacted to at most two (its DOWN time,
   * then its UP time). This bounds a flapping check to at most this many stretches an hour of
   * {@code retention.rollup}, where its raw results would have made one per result.
   */
  public static final int MAX_STRETCHES_PER_HOUR = 6;

  /**
   * Changes a durable store has not written yet: the only part of a log that another thread touches
   * (the writer drains it), hence a thread-safe object of its own.
   */
  private final Journal journal;

  public CheckLog(String checkId) {
    this.checkId = Checks.checkNotBlank(checkId, "checkId");
    this.journal = new Journal(checkId);
  }

  /**
   * A log rebuilt from its parts, as a serializer reads them.
   *
   * @param results the check's results, any order
   * @param agents what each agent has had consumed
   * @param evaluation the last evaluation, or null
   */
  public static CheckLog restore(
      String checkId,
      Collection<ProbeResult> results,
      Map<String, AppliedSequences> agents,
      Evaluation evaluation) {
    CheckLog log = new CheckLog(checkId);
    for (ProbeResult r : results) {
      log.add(r);
    }
    log.agents.putAll(agents);
    log.evaluation = evaluation;
    return log;
  }

  /** An independent copy, its journal included: changing one never changes the other. */
  public CheckLog copy() {
    Map<String, AppliedSequences> sequences = new TreeMap<>();
    agents.forEach((a, s) -> sequences.put(a, new AppliedSequences(s.watermark(), s.above())));
    CheckLog copy = restore(checkId, results(), sequences, evaluation);
    history().forEach(copy::restoreHistory);
    copy.compactedUntil = compactedUntil;
    copy.staleAfter = staleAfter;
    copy.restoreCuts(heldFrom, retainedFrom, historyKeptFrom, dirty);
    copy.journal.recordAll(journal);
    return copy;
  }

  /**
   * A change decided by {@link #apply}, which {@link #replay} makes again elsewhere.
   *
   * @param accepted results stored, in the order they were applied
   * @param refused results refused for their time; their sequences are recorded so that a resend
   *     counts as a duplicate
   * @param retainFrom results that ran before this instant are dropped
   * @param evaluation the new evaluation; null when the change stored nothing new
   * @param history the hours of the locations' histories the change rewrote, each whole as it is
   *     after the change (so writing one twice, or an older one first, ends the same)
   * @param historyFrom history before this instant is dropped ({@code now - retention.rollup})
   * @param heldFrom a hot log's cut: results that ran before it are not held, history before its
   *     hour is not held; null for a log that holds all of {@code retention.raw}
   * @param recompute closed hours whose history the database must recompute from its raw results (a
   *     late result changed them), with {@code staleAfter}
   * @param dirty open hours a late result changed approximately in memory, to recompute when they
   *     close
   * @param staleAfter the staleness the change placed results with; null when it placed none
   */
  public record Change(
      List<ProbeResult> accepted,
      List<ProbeResult> refused,
      Instant retainFrom,
      Evaluation evaluation,
      List<HistorySlice> history,
      Instant historyFrom,
      Instant heldFrom,
      List<HourRef> recompute,
      List<HourRef> dirty,
      Duration staleAfter) {
    public Change {
      accepted = List.copyOf(accepted);
      refused = List.copyOf(refused);
      Checks.notNull(retainFrom, "retainFrom");
      history = List.copyOf(history);
      Checks.notNull(historyFrom, "historyFrom");
      recompute = List.copyOf(recompute);
      dirty = List.copyOf(dirty);
      Checks.checkArgument(
          recompute.isEmpty() || staleAfter != null,
          "staleAfter: null (expected: the staleness to recompute %s hour(s) with)",
          recompute.size());
    }

    /** A change of a log that holds all of {@code retention.raw}. */
    public Change(
        List<ProbeResult> accepted,
        List<ProbeResult> refused,
        Instant retainFrom,
        Evaluation evaluation,
        List<HistorySlice> history,
        Instant historyFrom) {
      this(
          accepted,
          refused,
          retainFrom,
          evaluation,
          history,
          historyFrom,
          null,
          List.of(),
          List.of(),
          null);
    }

    /** A change that rewrites no history. */
    public Change(
        List<ProbeResult> accepted,
        List<ProbeResult> refused,
        Instant retainFrom,
        Evaluation evaluation) {
      this(accepted, refused, retainFrom, evaluation, List.of(), Instant.EPOCH);
    }
  }

  /**
   * What {@link #apply} did.
   *
   * @param outcome what to tell the agent
   * @param change what changed, for the backups; null when nothing did
   */
  public record Applied(AppendOutcome outcome, Change change) {}

  /**
   * Applies a batch of this check's results at {@code now}, idempotently, and evaluates the check
   * when anything new was stored.
   *
   * <p>A result whose {@code (agentId, sequence)} this check has consumed before is a duplicate. A
   * result that ran before {@code now - retention} or more than {@code maxClockSkew} after {@code
   * now} is refused with a reason, and consumed: sent again, it is a duplicate. Then results that
   * left the retention are dropped. When at least one result was stored, the check is evaluated
   * once, at {@code now}, by {@code member}.
   *
   * @param results results of this check, in any order
   * @param member who evaluates, for {@link Evaluation#member()}
   * @throws IllegalArgumentException when a result belongs to another check; nothing is changed
   */
  public Applied apply(List<ProbeResult> results, CheckRules rules, Instant now, String member) {
    return apply(results, rules, now, member, false);
  }

  /**
   * {@link #apply(List, CheckRules, Instant, String)}, for a hot log when {@code hot}: one whose
   * store has a database behind it that holds what the log lets go. A hot log holds raw results
   * only from {@link #heldFrom(Instant, CheckRules)} and history only from that instant's hour (the
   * open hours). A result older than that but within {@code retention.raw} is still accepted (and
   * reaches the database through the change); its sequence may have been forgotten, so it is
   * accepted even then, and the database's insert, idempotent on {@code (check, agent, sequence)},
   * keeps it once. It changes closed hours of history only in the database: the change asks for
   * them to be recomputed from the raw results ({@link Change#recompute()}). A batch of such late
   * results only evaluates a check that has no evaluation yet: it cannot change the state now.
   */
  public Applied apply(
      List<ProbeResult> results, CheckRules rules, Instant now, String member, boolean hot) {
    Checks.notNull(rules, "rules");
    Checks.notNull(now, "now");
    for (ProbeResult r : results) {
      Checks.checkArgument(
          r.checkId().equals(checkId),
          "results: %s is a result of check '%s' (expected: only results of '%s')",
          r.id(),
          r.checkId(),
          checkId);
    }
    Instant oldest = now.minus(rules.retention());
    Instant newest = now.plus(rules.maxClockSkew());
    Instant held = hot ? heldFrom(now, rules) : oldest;
    long open = hot ? LocationHistory.floorHour(LocationHistory.nanos(held)) : Long.MIN_VALUE;
    List<ProbeResult> accepted = new ArrayList<>();
    List<ProbeResult> refused = new ArrayList<>();
    List<Rejection> rejections = new ArrayList<>();
    Set<String> inThisBatch = new HashSet<>();
    int duplicates = 0;
    for (ProbeResult r : results) {
      AppliedSequences seen = agents.get(r.agentId());
      boolean consumed = seen != null && seen.contains(r.sequence());
      // A hot log forgets the sequences of the results it let go; one of those sent again is
      // accepted, and the database keeps it once.
      boolean forgotten =
          consumed
              && hot
              && r.sequence() <= seen.watermark()
              && !r.startedAt().isBefore(oldest)
              && r.startedAt().isBefore(held);
      if ((consumed && !forgotten) || !inThisBatch.add(r.id())) {
        duplicates++;
      } else if (r.startedAt().isBefore(oldest)) {
        refused.add(r);
        rejections.add(
            new Rejection(
                r.id(),
                "startedAt "
                    + r.startedAt()
                    + " is older than the raw retention of "
                    + rules.retention()
                    + " (it must be at or after "
                    + oldest
                    + ")"));
      } else if (r.startedAt().isAfter(newest)) {
        refused.add(r);
        rejections.add(
            new Rejection(
                r.id(),
                "startedAt "
                    + r.startedAt()
                    + " is more than "
                    + rules.maxClockSkew()
                    + " after the coordinator's time "
                    + now
                    + "; check the agent's clock"));
      } else {
        accepted.add(r);
      }
    }
    AppendOutcome outcome = new AppendOutcome(accepted.size(), duplicates, rejections);
    Touched touched = new Touched();
    staleAfter = rules.staleAfter();
    if (history.isEmpty() && size > 0) {
      // Results stored before histories were kept (or by a member that kept none): build it once.
      for (SortedResults kept : byLocation.values()) {
        for (ProbeResult r : kept) {
          place(r, rules.staleAfter(), touched);
        }
      }
    }
    int dropped = mutate(accepted, refused, held);
    List<ProbeResult> late = new ArrayList<>();
    for (ProbeResult r : accepted) {
      if (r.startedAt().isBefore(held)) {
        late.add(r);
      } else {
        place(r, rules.staleAfter(), touched);
      }
    }
    Set<HourRef> recompute = new TreeSet<>(HOURS);
    Set<HourRef> marked = new TreeSet<>(HOURS);
    // Oldest first, so that a run of late results sent together ends exact in the open hours.
    late.sort(Timelines.BY_START);
    for (ProbeResult r : late) {
      placeLate(r, rules.staleAfter(), open, touched, recompute, marked);
    }
    dirty.addAll(marked);
    for (Iterator<HourRef> it = dirty.iterator(); it.hasNext(); ) {
      HourRef d = it.next();
      if (LocationHistory.nanos(d.hour()) < open) {
        // The hour closed: the database recomputes it exactly from its raw results.
        recompute.add(d);
        it.remove();
      }
    }
    Instant historyFrom = now.minus(rules.rollupRetention());
    boolean forgot = dropHistoryBefore(historyFrom);
    if (hot) {
      // Closed hours are in the database: the map store wrote each as it last changed.
      dropHistoryBefore(LocationHistory.instant(open));
    }
    compact(LocationHistory.floorHour(LocationHistory.nanos(oldest)), touched);
    Instant slicesFrom =
        hot && open > LocationHistory.nanos(historyFrom)
            ? LocationHistory.instant(open)
            : historyFrom;
    List<HistorySlice> slices = touched.slices(slicesFrom);
    Evaluation evaluated = null;
    // Results older than a hot log's cut cannot change its state now (each location's latest fresh
    // result is held): they evaluate nothing, unless the check has no evaluation yet.
    if (late.size() < accepted.size() || (!accepted.isEmpty() && evaluation == null)) {
      evaluated = Evaluation.next(evaluation, stateAt(now, rules), now, member);
      evaluation = evaluated;
    }
    boolean changed =
        !accepted.isEmpty()
            || !refused.isEmpty()
            || dropped > 0
            || forgot
            || !slices.isEmpty()
            || !recompute.isEmpty();
    journal.forgetBefore(oldest);
    retainedFrom = LocationHistory.nanos(oldest);
    historyKeptFrom = LocationHistory.nanos(historyFrom);
    heldFrom = hot ? LocationHistory.nanos(held) : Long.MIN_VALUE;
    return new Applied(
        outcome,
        changed
            ? new Change(
                accepted,
                refused,
                oldest,
                evaluated,
                slices,
                historyFrom,
                hot ? held : null,
                List.copyOf(recompute),
                List.copyOf(marked),
                rules.staleAfter())
            : null);
  }

  /**
   * Where a hot log's cut lies at {@code now}: {@code now - max(HOT_RAW, staleAfter)}, but never
   * before {@code now - retention.raw}.
   */
  public static Instant heldFrom(Instant now, CheckRules rules) {
    Duration keep = rules.staleAfter().compareTo(HOT_RAW) > 0 ? rules.staleAfter() : HOT_RAW;
    Instant hot = now.minus(keep);
    Instant oldest = now.minus(rules.retention());
    return hot.isAfter(oldest) ? hot : oldest;
  }

  /**
   * The change that gives a copy of this log that may have missed an earlier change the results of
   * {@code results} that this log holds (a batch's duplicates: sent again because the agent did not
   * hear that they were stored), and the hours of history they shaped, each whole as it is now.
   * {@link #replay} makes it idempotently: a copy that holds them already ends as it was.
   *
   * <p>Why: a batch is acknowledged once the owner's backups acknowledged its change. A batch of
   * duplicates changes nothing; without this it would be acknowledged at once, also when the change
   * that stored it never reached a backup (the backup timed out, and the agent sent it again).
   *
   * @param retainFrom the retention cut of the batch ({@code now - retention.raw})
   * @param historyFrom the history cut of the batch ({@code now - retention.rollup})
   * @return the change, or null when this log holds none of {@code results}
   */
  public Change reaffirm(Collection<ProbeResult> results, Instant retainFrom, Instant historyFrom) {
    Checks.notNull(retainFrom, "retainFrom");
    Checks.notNull(historyFrom, "historyFrom");
    List<ProbeResult> held = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    Touched touched = new Touched();
    long stale = staleAfter == null ? 0 : staleAfter.toNanos();
    for (ProbeResult r : results) {
      SortedResults of = byLocation.get(r.location());
      ProbeResult mine = of == null ? null : of.floor(r);
      if (mine == null
          || SortedResults.compare(mine, r) != 0
          || !r.checkId().equals(checkId)
          || !seen.add(mine.id())) {
        continue;
      }
      held.add(mine);
      // The hours this result's state holds in: from when it ran until the next result, or stale.
      ProbeResult next = of.higher(mine);
      long t = LocationHistory.nanos(mine.startedAt());
      long fresh = t + Math.min(stale, Long.MAX_VALUE - t);
      long end = next == null ? fresh : Math.min(fresh, LocationHistory.nanos(next.startedAt()));
      touched.add(mine.location(), t, Math.max(end, t + 1));
    }
    if (held.isEmpty()) {
      return null;
    }
    return new Change(held, List.of(), retainFrom, null, touched.slices(historyFrom), historyFrom);
  }

  /** Makes a change that {@link #apply} decided on another copy of this log; never evaluates. */
  public void replay(Change change) {
    Instant held = change.heldFrom() != null ? change.heldFrom() : change.retainFrom();
    mutate(change.accepted(), change.refused(), held);
    for (HistorySlice slice : change.history()) {
      history
          .computeIfAbsent(slice.location(), l -> new LocationHistory())
          .replace(
              LocationHistory.nanos(slice.from()),
              LocationHistory.nanos(slice.to()),
              slice.intervals());
    }
    dropHistoryBefore(change.historyFrom());
    if (change.heldFrom() != null) {
      long open = LocationHistory.floorHour(LocationHistory.nanos(change.heldFrom()));
      dropHistoryBefore(LocationHistory.instant(open));
      heldFrom = LocationHistory.nanos(change.heldFrom());
    }
    change.recompute().forEach(dirty::remove);
    dirty.addAll(change.dirty());
    if (!change.retainFrom().equals(Instant.EPOCH)) {
      retainedFrom = LocationHistory.nanos(change.retainFrom());
      historyKeptFrom = LocationHistory.nanos(change.historyFrom());
    }
    compactedUntil =
        Math.max(
            compactedUntil, LocationHistory.floorHour(LocationHistory.nanos(change.retainFrom())));
    if (change.evaluation() != null) {
      evaluation = change.evaluation();
    }
  }

  /**
   * Places a late result of a hot log, one that ran before {@link #heldFrom} (so it is not held):
   * the hours it changes that are closed are recomputed by the database from its raw results
   * ({@code recompute}); in the open hours it is placed here as {@link #place} would, with the
   * location's first held result after it as its next. That is exact unless a result the log no
   * longer holds lies between the two; so those open hours are also marked, to be recomputed when
   * they close.
   */
  private void placeLate(
      ProbeResult r,
      Duration stale,
      long open,
      Touched touched,
      Set<HourRef> recompute,
      Set<HourRef> marked) {
    SortedResults held = byLocation.get(r.location());
    ProbeResult next = held == null ? null : held.higher(r);
    long t = LocationHistory.nanos(r.startedAt());
    long until = next == null ? Long.MAX_VALUE : LocationHistory.nanos(next.startedAt());
    long fresh = t + Math.min(stale.toNanos(), Long.MAX_VALUE - t);
    long end = Math.min(until, fresh);
    long hour = LocationHistory.HOUR_NANOS;
    for (long h = LocationHistory.floorHour(t); h < Math.min(open, end); h += hour) {
      recompute.add(new HourRef(r.location(), LocationHistory.instant(h)));
    }
    long s = Math.max(t, open);
    if (end > s) {
      LocationHistory h = history.computeIfAbsent(r.location(), l -> new LocationHistory());
      h.put(s, end, r.ok() ? State.UP : State.DOWN);
      touched.add(r.location(), s, end);
      for (long at = LocationHistory.floorHour(s); at < end; at += hour) {
        marked.add(new HourRef(r.location(), LocationHistory.instant(at)));
      }
    }
  }

  /**
   * Writes result {@code r}, already among the raw results, into its location's history.
   *
   * <p>A result's state holds from when it ran until the next result of its location ran, for at
   * most {@code staleAfter}, as {@link Timelines#forLocation} says. So adding a result, in order or
   * late, changes the timeline only over {@code [r, next)}: it becomes r's state until {@code r +
   * staleAfter} (or {@code next}), then unknown. Everything before r, and from {@code next} on,
   * stays as it was. The next result is among the raw results (it ran after r, which is within the
   * raw retention), so the history stays equal to {@code forLocation} over every result ever
   * stored, including those that have since left the raw retention.
   */
  private void place(ProbeResult r, Duration stale, Touched touched) {
    SortedResults held = byLocation.get(r.location());
    ProbeResult next = held == null ? null : held.higher(r);
    long t = LocationHistory.nanos(r.startedAt());
    long until = next == null ? Long.MAX_VALUE : LocationHistory.nanos(next.startedAt());
    long fresh = t + Math.min(stale.toNanos(), Long.MAX_VALUE - t);
    long end = Math.min(until, fresh);
    LocationHistory h = history.computeIfAbsent(r.location(), l -> new LocationHistory());
    long changedTo = Math.max(end, h.lastEndIn(t, until));
    h.clear(t, until);
    h.put(t, end, r.ok() ? State.UP : State.DOWN);
    touched.add(r.location(), t, changedTo);
  }

  /**
   * Compacts, in every location, the hours before {@code until} not considered yet that hold more
   * than {@link #MAX_STRETCHES_PER_HOUR} stretches (see {@link LocationHistory#compactHour}).
   */
  private void compact(long until, Touched touched) {
    if (until <= compactedUntil) {
      return;
    }
    long hour = LocationHistory.HOUR_NANOS;
    history.forEach(
        (location, h) -> {
          for (long at = h.nextHourWithData(compactedUntil);
              at < until;
              at = h.nextHourWithData(at + hour)) {
            if (h.countIn(at, at + hour) > MAX_STRETCHES_PER_HOUR) {
              h.compactHour(at);
              touched.add(location, at, at + hour);
            }
          }
        });
    compactedUntil = until;
  }

  /** Forgets history before {@code from}; true when there was some. */
  private boolean dropHistoryBefore(Instant from) {
    long t = LocationHistory.nanos(from);
    boolean dropped = false;
    for (Iterator<LocationHistory> it = history.values().iterator(); it.hasNext(); ) {
      LocationHistory h = it.next();
      if (h.countIn(Long.MIN_VALUE, t) > 0) {
        h.dropBefore(t);
        dropped = true;
      }
      if (h.isEmpty()) {
        it.remove();
      }
    }
    return dropped;
  }

  /** The hours of each location's history a change rewrote. */
  private final class Touched {
    private final Map<String, TreeSet<Long>> hours = new TreeMap<>();

    void add(String location, long from, long to) {
      TreeSet<Long> of = hours.computeIfAbsent(location, l -> new TreeSet<>());
      for (long h = LocationHistory.floorHour(from); h < to; h += LocationHistory.HOUR_NANOS) {
        of.add(h);
      }
    }

    /** Each touched hour as it is now, except hours wholly before {@code from}. */
    List<HistorySlice> slices(Instant from) {
      long first = LocationHistory.floorHour(LocationHistory.nanos(from));
      List<HistorySlice> out = new ArrayList<>();
      hours.forEach(
          (location, starts) -> {
            LocationHistory h = history.getOrDefault(location, new LocationHistory());
            for (long s : starts.tailSet(first)) {
              long e = s + LocationHistory.HOUR_NANOS;
              out.add(
                  new HistorySlice(
                      location,
                      LocationHistory.instant(s),
                      LocationHistory.instant(e),
                      h.between(s, e)));
            }
          });
      return out;
    }
  }

  /** The one place results and sequences change, shared by {@link #apply} and {@link #replay}. */
  private int mutate(List<ProbeResult> accepted, List<ProbeResult> refused, Instant retainFrom) {
    for (ProbeResult r : accepted) {
      sequencesOf(r.agentId()).add(r.sequence());
      add(r);
    }
    for (ProbeResult r : refused) {
      sequencesOf(r.agentId()).add(r.sequence());
    }
    return retainFrom(retainFrom);
  }

  private AppliedSequences sequencesOf(String agentId) {
    return agents.computeIfAbsent(agentId, a -> new AppliedSequences());
  }

  private void add(ProbeResult r) {
    if (byLocation.computeIfAbsent(r.location(), l -> new SortedResults()).add(r)) {
      size++;
    }
  }

  /**
   * Drops the results that ran before {@code oldest}, and counts their sequences (and every lower
   * one of the same agent) as consumed.
   *
   * @return how many results were dropped
   */
  public int retainFrom(Instant oldest) {
    int dropped = 0;
    for (Iterator<SortedResults> it = byLocation.values().iterator(); it.hasNext(); ) {
      SortedResults results = it.next();
      while (!results.isEmpty() && results.first().startedAt().isBefore(oldest)) {
        ProbeResult r = results.pollFirst();
        sequencesOf(r.agentId()).forgetUpTo(r.sequence());
        dropped++;
      }
      if (results.isEmpty()) {
        it.remove();
      }
    }
    size -= dropped;
    return dropped;
  }

  /**
   * The check's state at {@code now}: each location's latest result that ran by {@code now} holds
   * for {@code staleAfter} (else the location is UNKNOWN), merged by the check's {@code down-when}
   * rule as {@link Timelines#merge} does.
   */
  State stateAt(Instant now, CheckRules rules) {
    Duration stale = rules.staleAfter();
    List<State> states = new ArrayList<>(byLocation.size());
    for (SortedResults results : byLocation.values()) {
      ProbeResult latest = null;
      for (Iterator<ProbeResult> it = results.descendingIterator(); it.hasNext(); ) {
        ProbeResult r = it.next();
        if (!r.startedAt().isAfter(now)) {
          latest = r;
          break;
        }
      }
      if (latest == null || !latest.startedAt().plus(stale).isAfter(now)) {
        states.add(State.UNKNOWN);
      } else {
        states.add(latest.ok() ? State.UP : State.DOWN);
      }
    }
    return Timelines.merge(states, rules.downWhen());
  }

  /**
   * Adds what {@code other}, another history of the same check, holds and this one lacks: the union
   * of results and of consumed sequences. Of the two evaluations the later one is kept, with the
   * higher count. Used when a split cluster heals.
   */
  public void mergeFrom(CheckLog other) {
    Checks.checkArgument(
        other.checkId.equals(checkId),
        "other: the log of '%s' (expected: '%s')",
        other.checkId,
        checkId);
    List<ProbeResult> added = new ArrayList<>();
    for (SortedResults results : other.byLocation.values()) {
      for (ProbeResult r : results) {
        AppliedSequences seen = agents.get(r.agentId());
        if (seen == null || !seen.contains(r.sequence())) {
          add(r);
          added.add(r);
        }
      }
    }
    other.agents.forEach((agent, sequences) -> sequencesOf(agent).addAll(sequences));
    Evaluation theirs = other.evaluation;
    if (theirs != null) {
      Evaluation mine = evaluation;
      Evaluation later = mine == null || theirs.at().isAfter(mine.at()) ? theirs : mine;
      long count = mine == null ? theirs.count() : Math.max(mine.count(), theirs.count());
      evaluation = new Evaluation(later.state(), later.since(), later.at(), count, later.member());
    }
    Duration stale = staleAfter != null ? staleAfter : other.staleAfter;
    Touched touched = new Touched();
    if (stale != null) {
      staleAfter = stale;
      for (ProbeResult r : added) {
        place(r, stale, touched);
      }
    }
    // Hours the other side knows and this one has no history of at all (before this side's
    // first result) are taken as they are.
    other.history.forEach(
        (location, theirHistory) -> {
          LocationHistory mineOf = history.get(location);
          List<Interval> all = theirHistory.all();
          if (!all.isEmpty() && (mineOf == null || mineOf.isEmpty())) {
            restoreHistory(location, all);
            touched.add(
                location,
                LocationHistory.nanos(all.get(0).start()),
                LocationHistory.nanos(all.get(all.size() - 1).end()));
          }
        });
    journal.recordAll(other.journal);
    List<HistorySlice> slices = touched.slices(Instant.EPOCH);
    if (!added.isEmpty() || theirs != null || !slices.isEmpty()) {
      // What the other side held reaches a durable store through this log's next write; a store
      // writes idempotently, so what it had written already changes nothing.
      Instant at =
          evaluation != null
              ? evaluation.at()
              : !added.isEmpty() ? added.get(added.size() - 1).startedAt() : Instant.EPOCH;
      Change change =
          new Change(added, List.of(), Instant.EPOCH, evaluation, slices, Instant.EPOCH);
      journal.record(new PendingChange(checkId, change, at));
    }
  }

  /** The changes a durable store has not written yet; safe to use from any thread. */
  public Journal journal() {
    return journal;
  }

  /**
   * The results that ran in {@code [from, to)}, by location, each list ordered by {@link
   * Timelines#BY_START}; locations without any are absent.
   */
  public Map<String, List<ProbeResult>> resultsByLocation(Instant from, Instant to) {
    Map<String, List<ProbeResult>> out = new LinkedHashMap<>();
    byLocation.forEach(
        (location, results) -> {
          List<ProbeResult> inRange = new ArrayList<>();
          for (ProbeResult r : results) {
            if (!r.startedAt().isBefore(to)) {
              break;
            }
            if (!r.startedAt().isBefore(from)) {
              inRange.add(r);
            }
          }
          if (!inRange.isEmpty()) {
            out.put(location, List.copyOf(inRange));
          }
        });
    return out;
  }

  /**
   * The timeline of each location over {@code span}, from its history; locations whose history
   * knows nothing of the span are absent. Equal to {@link Timelines#forLocation} over every result
   * the location ever stored (at the staleness each was stored with), except inside hours that were
   * compacted ({@link #MAX_STRETCHES_PER_HOUR}).
   */
  public Map<String, Timeline> locationTimelines(TimeRange span) {
    Map<String, Timeline> out = new LinkedHashMap<>();
    for (HistorySlice slice : historySlices(span.start(), span.end())) {
      out.put(slice.location(), Timeline.of(span, slice.intervals()));
    }
    return out;
  }

  /** What each location's history knows of {@code [from, to)}; locations knowing nothing absent. */
  public List<HistorySlice> historySlices(Instant from, Instant to) {
    long f = LocationHistory.nanos(from);
    long t = LocationHistory.nanos(to);
    List<HistorySlice> out = new ArrayList<>();
    history.forEach(
        (location, h) -> {
          List<Interval> parts = h.between(f, t);
          if (!parts.isEmpty()) {
            out.add(new HistorySlice(location, from, to, parts));
          }
        });
    return out;
  }

  /** Every location's whole history, by location; for serializers and tests. */
  public Map<String, List<Interval>> history() {
    Map<String, List<Interval>> out = new TreeMap<>();
    history.forEach((location, h) -> out.put(location, h.all()));
    return out;
  }

  /** How many stretches the histories hold, over all locations. */
  public long historySize() {
    long n = 0;
    for (LocationHistory h : history.values()) {
      n += h.size();
    }
    return n;
  }

  /** Adds known intervals to a location's history, as a loader or a serializer reads them. */
  public void restoreHistory(String location, List<Interval> intervals) {
    LocationHistory h = history.computeIfAbsent(location, l -> new LocationHistory());
    for (Interval iv : intervals) {
      h.put(LocationHistory.nanos(iv.start()), LocationHistory.nanos(iv.end()), iv.state());
    }
    if (h.isEmpty()) {
      history.remove(location);
    }
  }

  /** Where compaction stands and the last staleness, as a serializer reads them. */
  void restoreProgress(long compactedUntil, Duration staleAfter) {
    this.compactedUntil = compactedUntil;
    this.staleAfter = staleAfter;
  }

  long compactedUntil() {
    return compactedUntil;
  }

  /**
   * Where the log's cuts stand, as a serializer or a loader reads them (nanoseconds since the
   * epoch, {@link Long#MIN_VALUE} for none): see {@link #heldFromNanos}, {@link
   * #retainedFromNanos}, {@link #historyKeptFromNanos} and {@link #dirtyHours}.
   */
  public void restoreCuts(
      long heldFrom, long retainedFrom, long historyKeptFrom, Collection<HourRef> dirty) {
    this.heldFrom = heldFrom;
    this.retainedFrom = retainedFrom;
    this.historyKeptFrom = historyKeptFrom;
    this.dirty.clear();
    this.dirty.addAll(dirty);
  }

  /**
   * A hot log's cut: results that ran before it are not held here (they are in the database), nor
   * is history before its hour ({@link #openFromNanos}). {@link Long#MIN_VALUE} when the log holds
   * all of {@code retention.raw}.
   */
  public long heldFromNanos() {
    return heldFrom;
  }

  /**
   * The first open hour of a hot log: history before it is not held; else {@link Long#MIN_VALUE}.
   */
  public long openFromNanos() {
    return heldFrom == Long.MIN_VALUE ? Long.MIN_VALUE : LocationHistory.floorHour(heldFrom);
  }

  /** {@code now - retention.raw} at the last change, or {@link Long#MIN_VALUE} before any. */
  public long retainedFromNanos() {
    return retainedFrom;
  }

  /** {@code now - retention.rollup} at the last change, or {@link Long#MIN_VALUE} before any. */
  public long historyKeptFromNanos() {
    return historyKeptFrom;
  }

  /** Open hours to recompute from the database's raw results when they close; a copy. */
  public List<HourRef> dirtyHours() {
    return List.copyOf(dirty);
  }

  Duration staleAfter() {
    return staleAfter;
  }

  /** Up to {@code limit} results from all locations, newest first. */
  public List<ProbeResult> recent(int limit) {
    Checks.checkArgument(limit >= 0, "limit: %s (expected: >= 0)", limit);
    PriorityQueue<ProbeResult> oldestOnTop = new PriorityQueue<>(Timelines.BY_START);
    for (SortedResults results : byLocation.values()) {
      int taken = 0;
      for (Iterator<ProbeResult> it = results.descendingIterator(); it.hasNext(); ) {
        if (taken++ >= limit) {
          break;
        }
        oldestOnTop.add(it.next());
        if (oldestOnTop.size() > limit) {
          oldestOnTop.poll();
        }
      }
    }
    List<ProbeResult> out = new ArrayList<>(oldestOnTop);
    out.sort(Timelines.BY_START.reversed());
    return List.copyOf(out);
  }

  /** Every result, location by location, each in {@link Timelines#BY_START} order. */
  public List<ProbeResult> results() {
    List<ProbeResult> out = new ArrayList<>((int) size);
    byLocation.values().forEach(out::addAll);
    return out;
  }

  /** What each agent has had consumed, by agent id; a read-only view. */
  public Map<String, AppliedSequences> agents() {
    return Collections.unmodifiableMap(agents);
  }

  public String checkId() {
    return checkId;
  }

  /** The last evaluation, or null before the first. */
  public Evaluation evaluation() {
    return evaluation;
  }

  /** How many results are held. */
  public long size() {
    return size;
  }
}
