package io.nines.store.checklog;

import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactWriter;
import io.nines.common.Failure;
import io.nines.common.FailureKind;
import io.nines.common.ProbeResult;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Results as columns of a flat Compact record ({@link ReplayColumnsSerializer}, {@link
 * ApplyBatchesColumnsSerializer}): one array per field of {@link ProbeResult}, its phases as two
 * arrays after them, its repeating strings (agent, check, location, phase names, failure kinds) by
 * index into the record's {@code strings}. Instants exactly, as epoch seconds and a nano of second;
 * a failure's kind by name. The field names are part of the format between members.
 *
 * <p>Read back in the order written, one result at a time ({@link #next}).
 */
final class ResultColumns {

  /** Strings written once each, by index: the record's {@code strings}. */
  static final class Strings {
    final Map<String, Integer> index = new HashMap<>();
    final List<String> values = new ArrayList<>();

    int of(String s) {
      Integer i = index.get(s);
      if (i == null) {
        i = values.size();
        index.put(s, i);
        values.add(s);
      }
      return i;
    }
  }

  /**
   * Writes {@code results}' columns; their strings go to {@code strings}, written by the caller.
   */
  static void write(CompactWriter out, List<ProbeResult> results, Strings strings) {
    int m = results.size();
    int[] agent = new int[m];
    long[] sequence = new long[m];
    int[] check = new int[m];
    int[] location = new int[m];
    long[] startedSeconds = new long[m];
    int[] startedNanos = new int[m];
    long[] duration = new long[m];
    boolean[] ok = new boolean[m];
    int[] failureKind = new int[m];
    String[] failureStep = new String[m];
    String[] failureMessage = new String[m];
    int[] attempts = new int[m];
    int[] phaseCounts = new int[m];
    String[] diagnostics = new String[m];
    int phases = 0;
    for (ProbeResult r : results) {
      phases += r.phasesMillis().size();
    }
    int[] phaseName = new int[phases];
    double[] phaseMillis = new double[phases];
    int k = 0;
    for (int j = 0; j < m; j++) {
      ProbeResult r = results.get(j);
      agent[j] = strings.of(r.agentId());
      sequence[j] = r.sequence();
      check[j] = strings.of(r.checkId());
      location[j] = strings.of(r.location());
      startedSeconds[j] = r.startedAt().getEpochSecond();
      startedNanos[j] = r.startedAt().getNano();
      duration[j] = r.durationMillis();
      ok[j] = r.ok();
      Failure f = r.failure();
      failureKind[j] = f == null ? -1 : strings.of(f.kind().name());
      failureStep[j] = f == null ? null : f.step();
      failureMessage[j] = f == null ? null : f.message();
      attempts[j] = r.attempts();
      phaseCounts[j] = r.phasesMillis().size();
      for (Map.Entry<String, Double> ph : r.phasesMillis().entrySet()) {
        phaseName[k] = strings.of(ph.getKey());
        phaseMillis[k] = ph.getValue();
        k++;
      }
      diagnostics[j] = r.diagnostics() == null ? null : r.diagnostics().encode();
    }
    out.writeArrayOfInt32("resultAgents", agent);
    out.writeArrayOfInt64("resultSequences", sequence);
    out.writeArrayOfInt32("resultChecks", check);
    out.writeArrayOfInt32("resultLocations", location);
    out.writeArrayOfInt64("resultStartedSeconds", startedSeconds);
    out.writeArrayOfInt32("resultStartedNanos", startedNanos);
    out.writeArrayOfInt64("resultDurationMillis", duration);
    out.writeArrayOfBoolean("resultOk", ok);
    out.writeArrayOfInt32("resultFailureKinds", failureKind);
    out.writeArrayOfString("resultFailureSteps", failureStep);
    out.writeArrayOfString("resultFailureMessages", failureMessage);
    out.writeArrayOfInt32("resultAttempts", attempts);
    out.writeArrayOfInt32("resultPhaseCounts", phaseCounts);
    out.writeArrayOfString("resultDiagnostics", diagnostics);
    out.writeArrayOfInt32("phaseNames", phaseName);
    out.writeArrayOfFloat64("phaseMillis", phaseMillis);
  }

  final String[] strings;
  final int[] agent;
  final long[] sequence;
  final int[] check;
  final int[] location;
  final long[] startedSeconds;
  final int[] startedNanos;
  final long[] duration;
  final boolean[] ok;
  final int[] failureKind;
  final String[] failureStep;
  final String[] failureMessage;
  final int[] attempts;
  final int[] phaseCounts;
  final String[] diagnostics;
  final int[] phaseName;
  final double[] phaseMillis;
  int next;
  int nextPhase;

  ResultColumns(CompactReader in, String[] strings) {
    this.strings = strings;
    agent = in.readArrayOfInt32("resultAgents");
    sequence = in.readArrayOfInt64("resultSequences");
    check = in.readArrayOfInt32("resultChecks");
    location = in.readArrayOfInt32("resultLocations");
    startedSeconds = in.readArrayOfInt64("resultStartedSeconds");
    startedNanos = in.readArrayOfInt32("resultStartedNanos");
    duration = in.readArrayOfInt64("resultDurationMillis");
    ok = in.readArrayOfBoolean("resultOk");
    failureKind = in.readArrayOfInt32("resultFailureKinds");
    failureStep = in.readArrayOfString("resultFailureSteps");
    failureMessage = in.readArrayOfString("resultFailureMessages");
    attempts = in.readArrayOfInt32("resultAttempts");
    phaseCounts = in.readArrayOfInt32("resultPhaseCounts");
    diagnostics = in.readArrayOfString("resultDiagnostics");
    phaseName = in.readArrayOfInt32("phaseNames");
    phaseMillis = in.readArrayOfFloat64("phaseMillis");
  }

  /**
   * Fails unless the result columns agree with each other: one entry per result in each, and the
   * phases' columns as long as the results' phase counts say. A record that is short or padded
   * would otherwise be read without error and replay fewer (or other) results than were written.
   */
  void checkShape() {
    int n = agent.length;
    Columns.lengths(
        n,
        "result",
        sequence,
        check,
        location,
        startedSeconds,
        startedNanos,
        duration,
        ok,
        failureKind,
        failureStep,
        failureMessage,
        attempts,
        phaseCounts,
        diagnostics);
    long phases = 0;
    for (int c : phaseCounts) {
      if (c < 0) {
        throw new IllegalStateException("a result with " + c + " phases");
      }
      phases += c;
    }
    Columns.lengths(phases, "phase", phaseName, phaseMillis);
  }

  /** Fails unless every result and phase of the columns was read. */
  void checkConsumed() {
    if (next != agent.length || nextPhase != phaseName.length) {
      throw new IllegalStateException(
          "the counts cover "
              + next
              + " of "
              + agent.length
              + " results ("
              + nextPhase
              + " of "
              + phaseName.length
              + " phases)");
    }
  }

  ProbeResult next() {
    int j = next++;
    Map<String, Double> phases = Map.of();
    if (phaseCounts[j] > 0) {
      phases = new LinkedHashMap<>(phaseCounts[j] * 2);
      for (int k = 0; k < phaseCounts[j]; k++, nextPhase++) {
        phases.put(strings[phaseName[nextPhase]], phaseMillis[nextPhase]);
      }
    }
    return new ProbeResult(
        strings[agent[j]],
        sequence[j],
        strings[check[j]],
        strings[location[j]],
        Instant.ofEpochSecond(startedSeconds[j], startedNanos[j]),
        duration[j],
        ok[j],
        failureKind[j] < 0
            ? null
            : new Failure(
                FailureKind.valueOf(strings[failureKind[j]]), failureStep[j], failureMessage[j]),
        attempts[j],
        phases,
        diagnostics[j] == null ? null : new JsonObject(diagnostics[j]));
  }
}
