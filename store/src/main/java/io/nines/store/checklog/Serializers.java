package io.nines.store.checklog;

import com.hazelcast.nio.serialization.FieldKind;
import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.nio.serialization.compact.CompactWriter;
import io.nines.availability.Interval;
import io.nines.availability.State;
import io.nines.common.Failure;
import io.nines.common.FailureKind;
import io.nines.common.ProbeResult;
import io.nines.config.DownWhen;
import io.nines.config.Settings;
import io.nines.store.results.AppendOutcome;
import io.nines.store.results.Evaluation;
import io.nines.store.results.Rejection;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Compact serializers of everything the coordinator puts in Hazelcast: map values, entry
 * processors, their results and the aggregator. Nothing of ours goes through Java serialization
 * (the cluster configuration refuses it for {@code io.nines} classes).
 *
 * <p>Type names are {@code nines.<Type>} and field names are part of the stored format: a MapStore
 * persists these records, and members of two versions exchange them during a rolling upgrade.
 * Rename nothing; add fields, and read a missing one with a default ({@link
 * CompactReader#getFieldKind}).
 */
public final class Serializers {
  private Serializers() {}

  /** Every serializer, for {@code CompactSerializationConfig.setSerializers}. */
  public static CompactSerializer<?>[] all() {
    return new CompactSerializer<?>[] {
      new ProbeResultSerializer(),
      new AppliedSequencesSerializer(),
      new EvaluationSerializer(),
      new CheckLogSerializer(),
      new CheckRulesSerializer(),
      new ChangeSerializer(),
      new ApplyBatchSerializer(),
      new ReplayChangeSerializer(),
      new ApplyBatchesSerializer(),
      new ApplyBatchesColumnsSerializer(),
      new ApplyPartitionSerializer(),
      new ReplayPartitionSerializer(),
      new ReplayColumnsSerializer(),
      new AppendOutcomeSerializer(),
      new ReadCheckSerializer(),
      new ResultListSerializer(),
      new CountResultsSerializer(),
      new HistorySliceSerializer(),
      new HistorySlicesSerializer(),
      new HotReadSerializer()
    };
  }

  static OffsetDateTime timestamp(Instant instant) {
    return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  static Instant instant(OffsetDateTime timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }

  static ProbeResult[] array(List<ProbeResult> results) {
    return results.toArray(new ProbeResult[0]);
  }

  static List<ProbeResult> list(ProbeResult[] results) {
    return results == null ? List.of() : Arrays.asList(results);
  }

  /**
   * Writes intervals as three arrays: {@code <prefix>StartNanos}, {@code EndNanos}, {@code States}.
   */
  /**
   * The field names of a group of intervals ({@code <prefix>StartNanos}, {@code EndNanos}, {@code
   * States}), built once: a name concatenated per call cost a concatenation and a fresh string hash
   * for every field of every object written or read (2 % of a 2-member cluster's CPU in {@code
   * bench/cluster}, where each check's backup carries a change).
   */
  record IntervalFields(String starts, String ends, String states) {
    static final IntervalFields HISTORY = of("history");
    static final IntervalFields INTERVALS = of("intervals");

    static IntervalFields of(String prefix) {
      return new IntervalFields(prefix + "StartNanos", prefix + "EndNanos", prefix + "States");
    }
  }

  /**
   * The field names of a group of hours ({@code <name>Locations}, {@code HourNanos}), built once.
   */
  record HourFields(String locations, String hours) {
    static final HourFields RECOMPUTE = of("recompute");
    static final HourFields DIRTY = of("dirty");

    static HourFields of(String name) {
      return new HourFields(name + "Locations", name + "HourNanos");
    }
  }

  static void writeIntervals(CompactWriter out, IntervalFields fields, List<Interval> intervals) {
    long[] starts = new long[intervals.size()];
    long[] ends = new long[intervals.size()];
    byte[] states = new byte[intervals.size()];
    for (int i = 0; i < intervals.size(); i++) {
      Interval iv = intervals.get(i);
      starts[i] = LocationHistory.nanos(iv.start());
      ends[i] = LocationHistory.nanos(iv.end());
      states[i] = (byte) iv.state().ordinal();
    }
    out.writeArrayOfInt64(fields.starts(), starts);
    out.writeArrayOfInt64(fields.ends(), ends);
    out.writeArrayOfInt8(fields.states(), states);
  }

  static List<Interval> intervals(long[] starts, long[] ends, byte[] states, int from, int count) {
    List<Interval> out = new ArrayList<>(count);
    State[] values = State.values();
    for (int i = from; i < from + count; i++) {
      out.add(
          new Interval(
              LocationHistory.instant(starts[i]),
              LocationHistory.instant(ends[i]),
              values[states[i]]));
    }
    return out;
  }

  static List<Interval> readIntervals(CompactReader in, IntervalFields fields) {
    long[] starts = in.readArrayOfInt64(fields.starts());
    return intervals(
        starts,
        in.readArrayOfInt64(fields.ends()),
        in.readArrayOfInt8(fields.states()),
        0,
        starts.length);
  }

  static final class ProbeResultSerializer implements CompactSerializer<ProbeResult> {
    @Override
    public ProbeResult read(CompactReader in) {
      String kind = in.readString("failureKind");
      Failure failure =
          kind == null
              ? null
              : new Failure(
                  FailureKind.valueOf(kind),
                  in.readString("failureStep"),
                  in.readString("failureMessage"));
      String[] phaseNames = in.readArrayOfString("phaseNames");
      double[] phaseMillis = in.readArrayOfFloat64("phaseMillis");
      Map<String, Double> phases = new LinkedHashMap<>();
      for (int i = 0; phaseNames != null && i < phaseNames.length; i++) {
        phases.put(phaseNames[i], phaseMillis[i]);
      }
      String diagnostics = in.readString("diagnostics");
      return new ProbeResult(
          in.readString("agentId"),
          in.readInt64("sequence"),
          in.readString("checkId"),
          in.readString("location"),
          instant(in.readTimestampWithTimezone("startedAt")),
          in.readInt64("durationMillis"),
          in.readBoolean("ok"),
          failure,
          in.readInt32("attempts"),
          phases,
          diagnostics == null ? null : new JsonObject(diagnostics));
    }

    @Override
    public void write(CompactWriter out, ProbeResult r) {
      out.writeString("agentId", r.agentId());
      out.writeInt64("sequence", r.sequence());
      out.writeString("checkId", r.checkId());
      out.writeString("location", r.location());
      out.writeTimestampWithTimezone("startedAt", timestamp(r.startedAt()));
      out.writeInt64("durationMillis", r.durationMillis());
      out.writeBoolean("ok", r.ok());
      Failure f = r.failure();
      out.writeString("failureKind", f == null ? null : f.kind().name());
      out.writeString("failureStep", f == null ? null : f.step());
      out.writeString("failureMessage", f == null ? null : f.message());
      out.writeInt32("attempts", r.attempts());
      String[] names = r.phasesMillis().keySet().toArray(new String[0]);
      double[] millis = new double[names.length];
      for (int i = 0; i < names.length; i++) {
        millis[i] = r.phasesMillis().get(names[i]);
      }
      out.writeArrayOfString("phaseNames", names);
      out.writeArrayOfFloat64("phaseMillis", millis);
      out.writeString("diagnostics", r.diagnostics() == null ? null : r.diagnostics().encode());
    }

    @Override
    public String getTypeName() {
      return "nines.ProbeResult";
    }

    @Override
    public Class<ProbeResult> getCompactClass() {
      return ProbeResult.class;
    }
  }

  static final class AppliedSequencesSerializer implements CompactSerializer<AppliedSequences> {
    @Override
    public AppliedSequences read(CompactReader in) {
      return new AppliedSequences(in.readInt64("watermark"), in.readArrayOfInt64("above"));
    }

    @Override
    public void write(CompactWriter out, AppliedSequences s) {
      out.writeInt64("watermark", s.watermark());
      out.writeArrayOfInt64("above", s.above());
    }

    @Override
    public String getTypeName() {
      return "nines.AppliedSequences";
    }

    @Override
    public Class<AppliedSequences> getCompactClass() {
      return AppliedSequences.class;
    }
  }

  static final class EvaluationSerializer implements CompactSerializer<Evaluation> {
    @Override
    public Evaluation read(CompactReader in) {
      return new Evaluation(
          State.valueOf(in.readString("state")),
          instant(in.readTimestampWithTimezone("since")),
          instant(in.readTimestampWithTimezone("at")),
          in.readInt64("count"),
          in.readString("member"));
    }

    @Override
    public void write(CompactWriter out, Evaluation e) {
      out.writeString("state", e.state().name());
      out.writeTimestampWithTimezone("since", timestamp(e.since()));
      out.writeTimestampWithTimezone("at", timestamp(e.at()));
      out.writeInt64("count", e.count());
      out.writeString("member", e.member());
    }

    @Override
    public String getTypeName() {
      return "nines.Evaluation";
    }

    @Override
    public Class<Evaluation> getCompactClass() {
      return Evaluation.class;
    }
  }

  static final class CheckLogSerializer implements CompactSerializer<CheckLog> {
    @Override
    public CheckLog read(CompactReader in) {
      String[] agentIds = in.readArrayOfString("agentIds");
      AppliedSequences[] sequences =
          in.readArrayOfCompact("agentSequences", AppliedSequences.class);
      Map<String, AppliedSequences> agents = new TreeMap<>();
      for (int i = 0; i < agentIds.length; i++) {
        agents.put(agentIds[i], sequences[i]);
      }
      CheckLog log =
          CheckLog.restore(
              in.readString("checkId"),
              list(in.readArrayOfCompact("results", ProbeResult.class)),
              agents,
              in.readCompact("evaluation"));
      // Added with durable storage; a member of an older version writes no pending changes.
      if (in.getFieldKind("pendingChanges") != FieldKind.NOT_AVAILABLE) {
        CheckLog.Change[] changes = in.readArrayOfCompact("pendingChanges", CheckLog.Change.class);
        OffsetDateTime[] at = in.readArrayOfTimestampWithTimezone("pendingAt");
        for (int i = 0; changes != null && i < changes.length; i++) {
          log.journal().record(new PendingChange(log.checkId(), changes[i], instant(at[i])));
        }
      }
      // Added with timeline histories; a log from an older member builds its history from its
      // results on its next batch.
      if (in.getFieldKind("historyLocations") != FieldKind.NOT_AVAILABLE) {
        String[] locations = in.readArrayOfString("historyLocations");
        int[] counts = in.readArrayOfInt32("historyCounts");
        long[] starts = in.readArrayOfInt64("historyStartNanos");
        long[] ends = in.readArrayOfInt64("historyEndNanos");
        byte[] states = in.readArrayOfInt8("historyStates");
        int k = 0;
        for (int i = 0; i < locations.length; i++) {
          log.restoreHistory(locations[i], intervals(starts, ends, states, k, counts[i]));
          k += counts[i];
        }
        long stale = in.readInt64("staleAfterMillis");
        log.restoreProgress(
            in.readInt64("compactedUntilNanos"), stale > 0 ? Duration.ofMillis(stale) : null);
      }
      // Added with hot logs (a database behind the map); an older member's log holds everything.
      if (in.getFieldKind("heldFromNanos") != FieldKind.NOT_AVAILABLE) {
        log.restoreCuts(
            in.readInt64("heldFromNanos"),
            in.readInt64("retainedFromNanos"),
            in.readInt64("historyKeptFromNanos"),
            readHours(in, HourFields.DIRTY));
      }
      return log;
    }

    @Override
    public void write(CompactWriter out, CheckLog log) {
      out.writeString("checkId", log.checkId());
      out.writeArrayOfCompact("results", array(log.results()));
      Map<String, AppliedSequences> agents = log.agents();
      out.writeArrayOfString("agentIds", agents.keySet().toArray(new String[0]));
      out.writeArrayOfCompact("agentSequences", agents.values().toArray(new AppliedSequences[0]));
      out.writeCompact("evaluation", log.evaluation());
      List<PendingChange> pending = log.journal().pending();
      out.writeArrayOfCompact(
          "pendingChanges",
          pending.stream().map(PendingChange::change).toArray(CheckLog.Change[]::new));
      out.writeArrayOfTimestampWithTimezone(
          "pendingAt", pending.stream().map(p -> timestamp(p.at())).toArray(OffsetDateTime[]::new));
      Map<String, List<Interval>> history = log.history();
      List<Interval> all = new ArrayList<>();
      int[] counts = new int[history.size()];
      int i = 0;
      for (List<Interval> ofLocation : history.values()) {
        counts[i++] = ofLocation.size();
        all.addAll(ofLocation);
      }
      out.writeArrayOfString("historyLocations", history.keySet().toArray(new String[0]));
      out.writeArrayOfInt32("historyCounts", counts);
      writeIntervals(out, IntervalFields.HISTORY, all);
      out.writeInt64("compactedUntilNanos", log.compactedUntil());
      out.writeInt64(
          "staleAfterMillis", log.staleAfter() == null ? 0 : log.staleAfter().toMillis());
      out.writeInt64("heldFromNanos", log.heldFromNanos());
      out.writeInt64("retainedFromNanos", log.retainedFromNanos());
      out.writeInt64("historyKeptFromNanos", log.historyKeptFromNanos());
      writeHours(out, HourFields.DIRTY, log.dirtyHours());
    }

    @Override
    public String getTypeName() {
      return "nines.CheckLog";
    }

    @Override
    public Class<CheckLog> getCompactClass() {
      return CheckLog.class;
    }
  }

  static final class CheckRulesSerializer implements CompactSerializer<CheckRules> {
    @Override
    public CheckRules read(CompactReader in) {
      return new CheckRules(
          Duration.ofMillis(in.readInt64("retentionMillis")),
          Duration.ofMillis(in.readInt64("maxClockSkewMillis")),
          Duration.ofMillis(in.readInt64("staleAfterMillis")),
          new DownWhen(in.readInt32("downWhenFailing")),
          in.getFieldKind("rollupRetentionMillis") == FieldKind.NOT_AVAILABLE
              ? Settings.DEFAULTS.retentionRollup()
              : Duration.ofMillis(in.readInt64("rollupRetentionMillis")));
    }

    @Override
    public void write(CompactWriter out, CheckRules rules) {
      out.writeInt64("retentionMillis", rules.retention().toMillis());
      out.writeInt64("maxClockSkewMillis", rules.maxClockSkew().toMillis());
      out.writeInt64("staleAfterMillis", rules.staleAfter().toMillis());
      out.writeInt32("downWhenFailing", rules.downWhen().failing());
      out.writeInt64("rollupRetentionMillis", rules.rollupRetention().toMillis());
    }

    @Override
    public String getTypeName() {
      return "nines.CheckRules";
    }

    @Override
    public Class<CheckRules> getCompactClass() {
      return CheckRules.class;
    }
  }

  static final class ChangeSerializer implements CompactSerializer<CheckLog.Change> {
    @Override
    public CheckLog.Change read(CompactReader in) {
      List<ProbeResult> accepted = list(in.readArrayOfCompact("accepted", ProbeResult.class));
      List<ProbeResult> refused = list(in.readArrayOfCompact("refused", ProbeResult.class));
      Instant retainFrom = instant(in.readTimestampWithTimezone("retainFrom"));
      Evaluation evaluation = in.readCompact("evaluation");
      // Added with timeline histories; an older member's change rewrites none.
      if (in.getFieldKind("history") == FieldKind.NOT_AVAILABLE) {
        return new CheckLog.Change(accepted, refused, retainFrom, evaluation);
      }
      HistorySlice[] history = in.readArrayOfCompact("history", HistorySlice.class);
      List<HistorySlice> slices = history == null ? List.of() : Arrays.asList(history);
      Instant historyFrom = LocationHistory.instant(in.readInt64("historyFromNanos"));
      // Added with hot logs; an older member's change is that of a log holding everything.
      if (in.getFieldKind("heldFromNanos") == FieldKind.NOT_AVAILABLE) {
        return new CheckLog.Change(accepted, refused, retainFrom, evaluation, slices, historyFrom);
      }
      long held = in.readInt64("heldFromNanos");
      long stale = in.readInt64("staleAfterNanos");
      return new CheckLog.Change(
          accepted,
          refused,
          retainFrom,
          evaluation,
          slices,
          historyFrom,
          held == Long.MIN_VALUE ? null : LocationHistory.instant(held),
          readHours(in, HourFields.RECOMPUTE),
          readHours(in, HourFields.DIRTY),
          stale <= 0 ? null : Duration.ofNanos(stale));
    }

    @Override
    public void write(CompactWriter out, CheckLog.Change c) {
      out.writeArrayOfCompact("accepted", array(c.accepted()));
      out.writeArrayOfCompact("refused", array(c.refused()));
      out.writeTimestampWithTimezone("retainFrom", timestamp(c.retainFrom()));
      out.writeCompact("evaluation", c.evaluation());
      out.writeArrayOfCompact("history", c.history().toArray(new HistorySlice[0]));
      out.writeInt64("historyFromNanos", LocationHistory.nanos(c.historyFrom()));
      out.writeInt64(
          "heldFromNanos",
          c.heldFrom() == null ? Long.MIN_VALUE : LocationHistory.nanos(c.heldFrom()));
      writeHours(out, HourFields.RECOMPUTE, c.recompute());
      writeHours(out, HourFields.DIRTY, c.dirty());
      out.writeInt64("staleAfterNanos", c.staleAfter() == null ? 0 : c.staleAfter().toNanos());
    }

    @Override
    public String getTypeName() {
      return "nines.CheckChange";
    }

    @Override
    public Class<CheckLog.Change> getCompactClass() {
      return CheckLog.Change.class;
    }
  }

  static final class ApplyBatchSerializer implements CompactSerializer<ApplyBatch> {
    @Override
    public ApplyBatch read(CompactReader in) {
      return new ApplyBatch(
          list(in.readArrayOfCompact("results", ProbeResult.class)),
          in.readCompact("rules"),
          instant(in.readTimestampWithTimezone("now")));
    }

    @Override
    public void write(CompactWriter out, ApplyBatch p) {
      out.writeArrayOfCompact("results", array(p.results));
      out.writeCompact("rules", p.rules);
      out.writeTimestampWithTimezone("now", timestamp(p.now));
    }

    @Override
    public String getTypeName() {
      return "nines.ApplyBatch";
    }

    @Override
    public Class<ApplyBatch> getCompactClass() {
      return ApplyBatch.class;
    }
  }

  static final class ReplayChangeSerializer implements CompactSerializer<ApplyBatch.ReplayChange> {
    @Override
    public ApplyBatch.ReplayChange read(CompactReader in) {
      return new ApplyBatch.ReplayChange(in.readCompact("change"), in.readCompact("rules"));
    }

    @Override
    public void write(CompactWriter out, ApplyBatch.ReplayChange p) {
      out.writeCompact("change", p.change);
      out.writeCompact("rules", p.rules);
    }

    @Override
    public String getTypeName() {
      return "nines.ReplayChange";
    }

    @Override
    public Class<ApplyBatch.ReplayChange> getCompactClass() {
      return ApplyBatch.ReplayChange.class;
    }
  }

  static final class ApplyBatchesSerializer implements CompactSerializer<ApplyBatches> {
    @Override
    public ApplyBatches read(CompactReader in) {
      String[] ids = in.readArrayOfString("checkIds");
      ApplyBatch[] batches = in.readArrayOfCompact("batches", ApplyBatch.class);
      return new ApplyBatches(in.readString("map"), Arrays.asList(ids), Arrays.asList(batches));
    }

    @Override
    public void write(CompactWriter out, ApplyBatches p) {
      out.writeString("map", p.mapName);
      out.writeArrayOfString("checkIds", p.checkIds.toArray(new String[0]));
      out.writeArrayOfCompact("batches", p.batches.toArray(new ApplyBatch[0]));
    }

    @Override
    public String getTypeName() {
      return "nines.ApplyBatches";
    }

    @Override
    public Class<ApplyBatches> getCompactClass() {
      return ApplyBatches.class;
    }
  }

  static final class ApplyPartitionSerializer implements CompactSerializer<ApplyPartition> {
    @Override
    public ApplyPartition read(CompactReader in) {
      String[] ids = in.readArrayOfString("checkIds");
      ApplyBatch[] batches = in.readArrayOfCompact("batches", ApplyBatch.class);
      return new ApplyPartition(Arrays.asList(ids), Arrays.asList(batches));
    }

    @Override
    public void write(CompactWriter out, ApplyPartition p) {
      out.writeArrayOfString("checkIds", p.checkIds.toArray(new String[0]));
      out.writeArrayOfCompact("batches", p.batches.toArray(new ApplyBatch[0]));
    }

    @Override
    public String getTypeName() {
      return "nines.ApplyPartition";
    }

    @Override
    public Class<ApplyPartition> getCompactClass() {
      return ApplyPartition.class;
    }
  }

  static final class ReplayPartitionSerializer implements CompactSerializer<ReplayPartition> {
    @Override
    public ReplayPartition read(CompactReader in) {
      String[] ids = in.readArrayOfString("checkIds");
      ApplyBatch.ReplayChange[] replays =
          in.readArrayOfCompact("replays", ApplyBatch.ReplayChange.class);
      Map<String, ApplyBatch.ReplayChange> byCheck = new LinkedHashMap<>();
      for (int i = 0; i < ids.length; i++) {
        byCheck.put(ids[i], replays[i]);
      }
      return new ReplayPartition(byCheck);
    }

    @Override
    public void write(CompactWriter out, ReplayPartition p) {
      out.writeArrayOfString("checkIds", p.byCheck.keySet().toArray(new String[0]));
      out.writeArrayOfCompact(
          "replays", p.byCheck.values().toArray(new ApplyBatch.ReplayChange[0]));
    }

    @Override
    public String getTypeName() {
      return "nines.ReplayPartition";
    }

    @Override
    public Class<ReplayPartition> getCompactClass() {
      return ReplayPartition.class;
    }
  }

  static final class AppendOutcomeSerializer implements CompactSerializer<AppendOutcome> {
    @Override
    public AppendOutcome read(CompactReader in) {
      String[] ids = in.readArrayOfString("rejectedIds");
      String[] reasons = in.readArrayOfString("rejectedReasons");
      List<Rejection> rejected = new ArrayList<>(ids.length);
      for (int i = 0; i < ids.length; i++) {
        rejected.add(new Rejection(ids[i], reasons[i]));
      }
      return new AppendOutcome(in.readInt32("accepted"), in.readInt32("duplicates"), rejected);
    }

    @Override
    public void write(CompactWriter out, AppendOutcome o) {
      out.writeInt32("accepted", o.accepted());
      out.writeInt32("duplicates", o.duplicates());
      out.writeArrayOfString(
          "rejectedIds", o.rejected().stream().map(Rejection::id).toArray(String[]::new));
      out.writeArrayOfString(
          "rejectedReasons", o.rejected().stream().map(Rejection::reason).toArray(String[]::new));
    }

    @Override
    public String getTypeName() {
      return "nines.AppendOutcome";
    }

    @Override
    public Class<AppendOutcome> getCompactClass() {
      return AppendOutcome.class;
    }
  }

  static final class ReadCheckSerializer implements CompactSerializer<ReadCheck> {
    @Override
    public ReadCheck read(CompactReader in) {
      return new ReadCheck(
          ReadCheck.Kind.valueOf(in.readString("kind")),
          instant(in.readTimestampWithTimezone("from")),
          instant(in.readTimestampWithTimezone("to")),
          in.readInt32("limit"));
    }

    @Override
    public void write(CompactWriter out, ReadCheck p) {
      out.writeString("kind", p.kind.name());
      out.writeTimestampWithTimezone("from", timestamp(p.from));
      out.writeTimestampWithTimezone("to", timestamp(p.to));
      out.writeInt32("limit", p.limit);
    }

    @Override
    public String getTypeName() {
      return "nines.ReadCheck";
    }

    @Override
    public Class<ReadCheck> getCompactClass() {
      return ReadCheck.class;
    }
  }

  static final class ResultListSerializer implements CompactSerializer<ResultList> {
    @Override
    public ResultList read(CompactReader in) {
      return new ResultList(list(in.readArrayOfCompact("results", ProbeResult.class)));
    }

    @Override
    public void write(CompactWriter out, ResultList list) {
      out.writeArrayOfCompact("results", array(list.results()));
    }

    @Override
    public String getTypeName() {
      return "nines.ResultList";
    }

    @Override
    public Class<ResultList> getCompactClass() {
      return ResultList.class;
    }
  }

  static final class CountResultsSerializer implements CompactSerializer<CountResults> {
    @Override
    public CountResults read(CompactReader in) {
      return new CountResults(in.readInt64("count"));
    }

    @Override
    public void write(CompactWriter out, CountResults a) {
      out.writeInt64("count", a.count);
    }

    @Override
    public String getTypeName() {
      return "nines.CountResults";
    }

    @Override
    public Class<CountResults> getCompactClass() {
      return CountResults.class;
    }
  }

  static final class HistorySliceSerializer implements CompactSerializer<HistorySlice> {
    @Override
    public HistorySlice read(CompactReader in) {
      return new HistorySlice(
          in.readString("location"),
          LocationHistory.instant(in.readInt64("fromNanos")),
          LocationHistory.instant(in.readInt64("toNanos")),
          readIntervals(in, IntervalFields.INTERVALS));
    }

    @Override
    public void write(CompactWriter out, HistorySlice slice) {
      out.writeString("location", slice.location());
      out.writeInt64("fromNanos", LocationHistory.nanos(slice.from()));
      out.writeInt64("toNanos", LocationHistory.nanos(slice.to()));
      writeIntervals(out, IntervalFields.INTERVALS, slice.intervals());
    }

    @Override
    public String getTypeName() {
      return "nines.HistorySlice";
    }

    @Override
    public Class<HistorySlice> getCompactClass() {
      return HistorySlice.class;
    }
  }

  static final class HistorySlicesSerializer implements CompactSerializer<HistorySlices> {
    @Override
    public HistorySlices read(CompactReader in) {
      HistorySlice[] slices = in.readArrayOfCompact("slices", HistorySlice.class);
      return new HistorySlices(slices == null ? List.of() : Arrays.asList(slices));
    }

    @Override
    public void write(CompactWriter out, HistorySlices slices) {
      out.writeArrayOfCompact("slices", slices.slices().toArray(new HistorySlice[0]));
    }

    @Override
    public String getTypeName() {
      return "nines.HistorySlices";
    }

    @Override
    public Class<HistorySlices> getCompactClass() {
      return HistorySlices.class;
    }
  }

  /** Hours as two arrays, {@code <name>Locations} and {@code <name>HourNanos}. */
  static void writeHours(CompactWriter out, HourFields fields, List<HourRef> hours) {
    out.writeArrayOfString(
        fields.locations(), hours.stream().map(HourRef::location).toArray(String[]::new));
    out.writeArrayOfInt64(
        fields.hours(), hours.stream().mapToLong(h -> LocationHistory.nanos(h.hour())).toArray());
  }

  static List<HourRef> readHours(CompactReader in, HourFields fields) {
    String[] locations = in.readArrayOfString(fields.locations());
    long[] hours = in.readArrayOfInt64(fields.hours());
    List<HourRef> out = new ArrayList<>();
    for (int i = 0; locations != null && i < locations.length; i++) {
      out.add(new HourRef(locations[i], LocationHistory.instant(hours[i])));
    }
    return out;
  }

  static final class HotReadSerializer implements CompactSerializer<HotRead> {
    @Override
    public HotRead read(CompactReader in) {
      HistorySlice[] slices = in.readArrayOfCompact("slices", HistorySlice.class);
      return new HotRead(
          list(in.readArrayOfCompact("results", ProbeResult.class)),
          slices == null ? List.of() : Arrays.asList(slices),
          in.readInt64("heldFromNanos"),
          in.readInt64("openFromNanos"),
          in.readInt64("retainedFromNanos"),
          in.readInt64("historyKeptFromNanos"),
          in.readBoolean("exists"));
    }

    @Override
    public void write(CompactWriter out, HotRead r) {
      out.writeArrayOfCompact("results", array(r.results()));
      out.writeArrayOfCompact("slices", r.slices().toArray(new HistorySlice[0]));
      out.writeInt64("heldFromNanos", r.heldFrom());
      out.writeInt64("openFromNanos", r.openFrom());
      out.writeInt64("retainedFromNanos", r.retainedFrom());
      out.writeInt64("historyKeptFromNanos", r.historyKeptFrom());
      out.writeBoolean("exists", r.exists());
    }

    @Override
    public String getTypeName() {
      return "nines.HotRead";
    }

    @Override
    public Class<HotRead> getCompactClass() {
      return HotRead.class;
    }
  }
}
