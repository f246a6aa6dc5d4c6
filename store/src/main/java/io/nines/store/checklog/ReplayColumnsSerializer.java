package io.nines.store.checklog;

import com.hazelcast.nio.serialization.HazelcastSerializationException;
import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.nio.serialization.compact.CompactWriter;
import io.nines.availability.Interval;
import io.nines.availability.State;
import io.nines.common.ProbeResult;
import io.nines.store.results.Evaluation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link ReplayColumns} as ONE Compact record of primitive arrays ("columns"): one entry per check
 * (its rules, its change's instants and evaluation, how many results, slices and hours it has),
 * then every result, phase, history slice, interval and hour of all the checks in a row, each
 * column in the order of the checks. Strings that repeat (agent, check and location ids, the
 * evaluating member, phase names, failure kinds) are written once, in {@code strings}, and referred
 * to by index.
 *
 * <p>Type name {@code nines.ReplayColumns}; its field names are part of the format between members
 * (see {@link Serializers}). Instants that the first format wrote as timestamps are written
 * exactly, as epoch seconds and a nano of second; those it wrote as epoch nanoseconds are written
 * so here. {@link State} is written by ordinal, as the intervals of every format are; a failure's
 * kind by name.
 */
final class ReplayColumnsSerializer implements CompactSerializer<ReplayColumns> {

  private static final String TYPE_NAME = "nines.ReplayColumns";
  private static final Serializers.IntervalFields INTERVALS =
      Serializers.IntervalFields.of("interval");

  @Override
  public String getTypeName() {
    return TYPE_NAME;
  }

  @Override
  public Class<ReplayColumns> getCompactClass() {
    return ReplayColumns.class;
  }

  @Override
  public void write(CompactWriter out, ReplayColumns p) {
    ResultColumns.Strings strings = new ResultColumns.Strings();
    int n = p.byCheck.size();
    String[] checkIds = new String[n];
    RulesColumns rules = RulesColumns.of(n);
    long[] retainFromSeconds = new long[n];
    int[] retainFromNanos = new int[n];
    long[] historyFrom = new long[n];
    long[] heldFrom = new long[n];
    long[] staleAfterNanos = new long[n];
    byte[] evalState = new byte[n];
    long[] evalSinceSeconds = new long[n];
    int[] evalSinceNanos = new int[n];
    long[] evalAtSeconds = new long[n];
    int[] evalAtNanos = new int[n];
    long[] evalCount = new long[n];
    int[] evalMember = new int[n];
    int[] acceptedCounts = new int[n];
    int[] refusedCounts = new int[n];
    int[] sliceCounts = new int[n];
    int[] recomputeCounts = new int[n];
    int[] dirtyCounts = new int[n];
    List<ProbeResult> results = new ArrayList<>();
    List<HistorySlice> slices = new ArrayList<>();
    List<HourRef> hours = new ArrayList<>();
    int i = 0;
    for (Map.Entry<String, ApplyBatch.ReplayChange> e : p.byCheck.entrySet()) {
      checkIds[i] = e.getKey();
      rules.set(i, e.getValue().rules);
      CheckLog.Change c = e.getValue().change;
      retainFromSeconds[i] = c.retainFrom().getEpochSecond();
      retainFromNanos[i] = c.retainFrom().getNano();
      historyFrom[i] = LocationHistory.nanos(c.historyFrom());
      heldFrom[i] = c.heldFrom() == null ? Long.MIN_VALUE : LocationHistory.nanos(c.heldFrom());
      staleAfterNanos[i] = c.staleAfter() == null ? 0 : c.staleAfter().toNanos();
      Evaluation ev = c.evaluation();
      if (ev == null) {
        evalState[i] = -1;
        evalMember[i] = -1;
      } else {
        evalState[i] = (byte) ev.state().ordinal();
        evalSinceSeconds[i] = ev.since().getEpochSecond();
        evalSinceNanos[i] = ev.since().getNano();
        evalAtSeconds[i] = ev.at().getEpochSecond();
        evalAtNanos[i] = ev.at().getNano();
        evalCount[i] = ev.count();
        evalMember[i] = strings.of(ev.member());
      }
      acceptedCounts[i] = c.accepted().size();
      refusedCounts[i] = c.refused().size();
      results.addAll(c.accepted());
      results.addAll(c.refused());
      sliceCounts[i] = c.history().size();
      slices.addAll(c.history());
      recomputeCounts[i] = c.recompute().size();
      dirtyCounts[i] = c.dirty().size();
      hours.addAll(c.recompute());
      hours.addAll(c.dirty());
      i++;
    }

    ResultColumns.write(out, results, strings);

    int s = slices.size();
    int[] sliceLocation = new int[s];
    long[] sliceFrom = new long[s];
    long[] sliceTo = new long[s];
    int[] intervalCounts = new int[s];
    List<Interval> intervals = new ArrayList<>();
    for (int j = 0; j < s; j++) {
      HistorySlice slice = slices.get(j);
      sliceLocation[j] = strings.of(slice.location());
      sliceFrom[j] = LocationHistory.nanos(slice.from());
      sliceTo[j] = LocationHistory.nanos(slice.to());
      intervalCounts[j] = slice.intervals().size();
      intervals.addAll(slice.intervals());
    }

    int h = hours.size();
    int[] hourLocation = new int[h];
    long[] hourNanos = new long[h];
    for (int j = 0; j < h; j++) {
      hourLocation[j] = strings.of(hours.get(j).location());
      hourNanos[j] = LocationHistory.nanos(hours.get(j).hour());
    }

    out.writeArrayOfString("strings", strings.values.toArray(new String[0]));
    out.writeArrayOfString("checkIds", checkIds);
    rules.write(out);
    out.writeArrayOfInt64("retainFromSeconds", retainFromSeconds);
    out.writeArrayOfInt32("retainFromNanos", retainFromNanos);
    out.writeArrayOfInt64("historyFromNanos", historyFrom);
    out.writeArrayOfInt64("heldFromNanos", heldFrom);
    out.writeArrayOfInt64("staleAfterNanos", staleAfterNanos);
    out.writeArrayOfInt8("evaluationStates", evalState);
    out.writeArrayOfInt64("evaluationSinceSeconds", evalSinceSeconds);
    out.writeArrayOfInt32("evaluationSinceNanos", evalSinceNanos);
    out.writeArrayOfInt64("evaluationAtSeconds", evalAtSeconds);
    out.writeArrayOfInt32("evaluationAtNanos", evalAtNanos);
    out.writeArrayOfInt64("evaluationCounts", evalCount);
    out.writeArrayOfInt32("evaluationMembers", evalMember);
    out.writeArrayOfInt32("acceptedCounts", acceptedCounts);
    out.writeArrayOfInt32("refusedCounts", refusedCounts);
    out.writeArrayOfInt32("sliceCounts", sliceCounts);
    out.writeArrayOfInt32("recomputeCounts", recomputeCounts);
    out.writeArrayOfInt32("dirtyCounts", dirtyCounts);
    out.writeArrayOfInt32("sliceLocations", sliceLocation);
    out.writeArrayOfInt64("sliceFromNanos", sliceFrom);
    out.writeArrayOfInt64("sliceToNanos", sliceTo);
    out.writeArrayOfInt32("sliceIntervalCounts", intervalCounts);
    Serializers.writeIntervals(out, INTERVALS, intervals);
    out.writeArrayOfInt32("hourLocations", hourLocation);
    out.writeArrayOfInt64("hourNanos", hourNanos);
  }

  @Override
  public ReplayColumns read(CompactReader in) {
    try {
      return decode(in);
    } catch (HazelcastSerializationException e) {
      throw e;
    } catch (RuntimeException e) {
      throw Columns.malformed(TYPE_NAME, e);
    }
  }

  private static ReplayColumns decode(CompactReader in) {
    String[] strings = in.readArrayOfString("strings");
    String[] checkIds = in.readArrayOfString("checkIds");
    RulesColumns rules = RulesColumns.read(in);
    long[] retainFromSeconds = in.readArrayOfInt64("retainFromSeconds");
    int[] retainFromNanos = in.readArrayOfInt32("retainFromNanos");
    long[] historyFrom = in.readArrayOfInt64("historyFromNanos");
    long[] heldFrom = in.readArrayOfInt64("heldFromNanos");
    long[] staleAfterNanos = in.readArrayOfInt64("staleAfterNanos");
    byte[] evalState = in.readArrayOfInt8("evaluationStates");
    long[] evalSinceSeconds = in.readArrayOfInt64("evaluationSinceSeconds");
    int[] evalSinceNanos = in.readArrayOfInt32("evaluationSinceNanos");
    long[] evalAtSeconds = in.readArrayOfInt64("evaluationAtSeconds");
    int[] evalAtNanos = in.readArrayOfInt32("evaluationAtNanos");
    long[] evalCount = in.readArrayOfInt64("evaluationCounts");
    int[] evalMember = in.readArrayOfInt32("evaluationMembers");
    int[] acceptedCounts = in.readArrayOfInt32("acceptedCounts");
    int[] refusedCounts = in.readArrayOfInt32("refusedCounts");
    int[] sliceCounts = in.readArrayOfInt32("sliceCounts");
    int[] recomputeCounts = in.readArrayOfInt32("recomputeCounts");
    int[] dirtyCounts = in.readArrayOfInt32("dirtyCounts");
    ResultColumns results = new ResultColumns(in, strings);
    int[] sliceLocation = in.readArrayOfInt32("sliceLocations");
    long[] sliceFrom = in.readArrayOfInt64("sliceFromNanos");
    long[] sliceTo = in.readArrayOfInt64("sliceToNanos");
    int[] intervalCounts = in.readArrayOfInt32("sliceIntervalCounts");
    long[] intervalStarts = in.readArrayOfInt64(INTERVALS.starts());
    long[] intervalEnds = in.readArrayOfInt64(INTERVALS.ends());
    byte[] intervalStates = in.readArrayOfInt8(INTERVALS.states());
    int[] hourLocation = in.readArrayOfInt32("hourLocations");
    long[] hourNanos = in.readArrayOfInt64("hourNanos");

    rules.checkLength(checkIds.length);
    Columns.lengths(
        checkIds.length,
        "check",
        retainFromSeconds,
        retainFromNanos,
        historyFrom,
        heldFrom,
        staleAfterNanos,
        evalState,
        evalSinceSeconds,
        evalSinceNanos,
        evalAtSeconds,
        evalAtNanos,
        evalCount,
        evalMember,
        acceptedCounts,
        refusedCounts,
        sliceCounts,
        recomputeCounts,
        dirtyCounts);
    results.checkShape();
    Columns.lengths(sliceLocation.length, "slice", sliceFrom, sliceTo, intervalCounts);
    Columns.lengths(intervalStarts.length, "interval", intervalEnds, intervalStates);
    Columns.lengths(hourLocation.length, "hour", hourNanos);
    State[] states = State.values();
    Map<String, ApplyBatch.ReplayChange> byCheck = new LinkedHashMap<>(checkIds.length * 2);
    int sl = 0; // next slice
    int iv = 0; // next interval
    int hr = 0; // next hour
    for (int i = 0; i < checkIds.length; i++) {
      CheckRules checkRules = rules.get(i);
      List<ProbeResult> accepted = new ArrayList<>(acceptedCounts[i]);
      for (int j = 0; j < acceptedCounts[i]; j++) {
        accepted.add(results.next());
      }
      List<ProbeResult> refused = new ArrayList<>(refusedCounts[i]);
      for (int j = 0; j < refusedCounts[i]; j++) {
        refused.add(results.next());
      }
      List<HistorySlice> history = new ArrayList<>(sliceCounts[i]);
      for (int j = 0; j < sliceCounts[i]; j++, sl++) {
        history.add(
            new HistorySlice(
                strings[sliceLocation[sl]],
                LocationHistory.instant(sliceFrom[sl]),
                LocationHistory.instant(sliceTo[sl]),
                Serializers.intervals(
                    intervalStarts, intervalEnds, intervalStates, iv, intervalCounts[sl])));
        iv += intervalCounts[sl];
      }
      List<HourRef> recompute = new ArrayList<>(recomputeCounts[i]);
      for (int j = 0; j < recomputeCounts[i]; j++, hr++) {
        recompute.add(
            new HourRef(strings[hourLocation[hr]], LocationHistory.instant(hourNanos[hr])));
      }
      List<HourRef> dirty = new ArrayList<>(dirtyCounts[i]);
      for (int j = 0; j < dirtyCounts[i]; j++, hr++) {
        dirty.add(new HourRef(strings[hourLocation[hr]], LocationHistory.instant(hourNanos[hr])));
      }
      Evaluation evaluation =
          evalState[i] < 0
              ? null
              : new Evaluation(
                  states[evalState[i]],
                  Instant.ofEpochSecond(evalSinceSeconds[i], evalSinceNanos[i]),
                  Instant.ofEpochSecond(evalAtSeconds[i], evalAtNanos[i]),
                  evalCount[i],
                  strings[evalMember[i]]);
      CheckLog.Change change =
          new CheckLog.Change(
              accepted,
              refused,
              Instant.ofEpochSecond(retainFromSeconds[i], retainFromNanos[i]),
              evaluation,
              history,
              LocationHistory.instant(historyFrom[i]),
              heldFrom[i] == Long.MIN_VALUE ? null : LocationHistory.instant(heldFrom[i]),
              recompute,
              dirty,
              staleAfterNanos[i] <= 0 ? null : Duration.ofNanos(staleAfterNanos[i]));
      byCheck.put(checkIds[i], new ApplyBatch.ReplayChange(change, checkRules));
    }
    results.checkConsumed();
    Columns.check(
        sl == sliceLocation.length && iv == intervalStarts.length && hr == hourLocation.length,
        "the counts cover "
            + sl
            + " of "
            + sliceLocation.length
            + " slices, "
            + iv
            + " of "
            + intervalStarts.length
            + " intervals, "
            + hr
            + " of "
            + hourLocation.length
            + " hours");
    Columns.check(byCheck.size() == checkIds.length, "a check named twice");
    return new ReplayColumns(byCheck);
  }
}
