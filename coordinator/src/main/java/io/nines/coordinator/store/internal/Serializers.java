package io.nines.coordinator.store.internal;

import com.hazelcast.nio.serialization.FieldKind;
import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.nio.serialization.compact.CompactWriter;
import io.nines.common.Failure;
import io.nines.common.FailureKind;
import io.nines.common.ProbeResult;
import io.nines.config.DownWhen;
import io.nines.coordinator.store.AppendOutcome;
import io.nines.coordinator.store.Evaluation;
import io.nines.coordinator.store.Rejection;
import io.nines.coordinator.timeline.State;
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
      new AppendOutcomeSerializer(),
      new ReadCheckSerializer(),
      new ResultListSerializer(),
      new CountResultsSerializer()
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
          log.addPending(new PendingChange(log.checkId(), changes[i], instant(at[i])));
        }
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
      List<PendingChange> pending = log.pendingChanges();
      out.writeArrayOfCompact(
          "pendingChanges",
          pending.stream().map(PendingChange::change).toArray(CheckLog.Change[]::new));
      out.writeArrayOfTimestampWithTimezone(
          "pendingAt", pending.stream().map(p -> timestamp(p.at())).toArray(OffsetDateTime[]::new));
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
          new DownWhen(in.readInt32("downWhenFailing")));
    }

    @Override
    public void write(CompactWriter out, CheckRules rules) {
      out.writeInt64("retentionMillis", rules.retention().toMillis());
      out.writeInt64("maxClockSkewMillis", rules.maxClockSkew().toMillis());
      out.writeInt64("staleAfterMillis", rules.staleAfter().toMillis());
      out.writeInt32("downWhenFailing", rules.downWhen().failing());
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
      return new CheckLog.Change(
          list(in.readArrayOfCompact("accepted", ProbeResult.class)),
          list(in.readArrayOfCompact("refused", ProbeResult.class)),
          instant(in.readTimestampWithTimezone("retainFrom")),
          in.readCompact("evaluation"));
    }

    @Override
    public void write(CompactWriter out, CheckLog.Change c) {
      out.writeArrayOfCompact("accepted", array(c.accepted()));
      out.writeArrayOfCompact("refused", array(c.refused()));
      out.writeTimestampWithTimezone("retainFrom", timestamp(c.retainFrom()));
      out.writeCompact("evaluation", c.evaluation());
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
}
