package io.nines.store.checklog;

import com.hazelcast.nio.serialization.HazelcastSerializationException;
import com.hazelcast.nio.serialization.compact.CompactReader;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.nio.serialization.compact.CompactWriter;
import io.nines.common.ProbeResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@link ApplyBatchesColumns} as ONE Compact record of primitive arrays: one entry per check (its
 * rules, the batch's time, how many results), then every result of all the checks in a row ({@link
 * ResultColumns}). Type name {@code nines.ApplyBatchesColumns}; its field names are part of the
 * format between members.
 */
final class ApplyBatchesColumnsSerializer implements CompactSerializer<ApplyBatchesColumns> {
  private static final String TYPE_NAME = "nines.ApplyBatchesColumns";

  @Override
  public String getTypeName() {
    return TYPE_NAME;
  }

  @Override
  public Class<ApplyBatchesColumns> getCompactClass() {
    return ApplyBatchesColumns.class;
  }

  @Override
  public void write(CompactWriter out, ApplyBatchesColumns p) {
    ResultColumns.Strings strings = new ResultColumns.Strings();
    int n = p.batches.size();
    RulesColumns rules = RulesColumns.of(n);
    long[] nowSeconds = new long[n];
    int[] nowNanos = new int[n];
    int[] resultCounts = new int[n];
    List<ProbeResult> results = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ApplyBatch b = p.batches.get(i);
      rules.set(i, b.rules);
      nowSeconds[i] = b.now.getEpochSecond();
      nowNanos[i] = b.now.getNano();
      resultCounts[i] = b.results.size();
      results.addAll(b.results);
    }
    ResultColumns.write(out, results, strings);
    out.writeString("map", p.mapName);
    out.writeArrayOfString("checkIds", p.checkIds.toArray(new String[0]));
    rules.write(out);
    out.writeArrayOfInt64("nowSeconds", nowSeconds);
    out.writeArrayOfInt32("nowNanos", nowNanos);
    out.writeArrayOfInt32("resultCounts", resultCounts);
    out.writeArrayOfString("strings", strings.values.toArray(new String[0]));
  }

  @Override
  public ApplyBatchesColumns read(CompactReader in) {
    try {
      return decode(in);
    } catch (HazelcastSerializationException e) {
      throw e;
    } catch (RuntimeException e) {
      throw Columns.malformed(TYPE_NAME, e);
    }
  }

  private static ApplyBatchesColumns decode(CompactReader in) {
    String[] strings = in.readArrayOfString("strings");
    String[] checkIds = in.readArrayOfString("checkIds");
    RulesColumns rules = RulesColumns.read(in);
    long[] nowSeconds = in.readArrayOfInt64("nowSeconds");
    int[] nowNanos = in.readArrayOfInt32("nowNanos");
    int[] resultCounts = in.readArrayOfInt32("resultCounts");
    ResultColumns results = new ResultColumns(in, strings);
    rules.checkLength(checkIds.length);
    Columns.lengths(checkIds.length, "check", nowSeconds, nowNanos, resultCounts);
    results.checkShape();
    List<ApplyBatch> batches = new ArrayList<>(checkIds.length);
    for (int i = 0; i < checkIds.length; i++) {
      List<ProbeResult> own = new ArrayList<>(resultCounts[i]);
      for (int j = 0; j < resultCounts[i]; j++) {
        own.add(results.next());
      }
      batches.add(
          new ApplyBatch(own, rules.get(i), Instant.ofEpochSecond(nowSeconds[i], nowNanos[i])));
    }
    results.checkConsumed();
    return new ApplyBatchesColumns(in.readString("map"), Arrays.asList(checkIds), batches);
  }
}
