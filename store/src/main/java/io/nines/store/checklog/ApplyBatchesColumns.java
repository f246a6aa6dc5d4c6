package io.nines.store.checklog;

import com.hazelcast.cluster.Member;
import java.util.List;

/**
 * An {@link ApplyBatches} task that travels in the <b>flat</b> format: every check's results, rules
 * and time as a few primitive arrays in ONE Compact record ({@code nines.ApplyBatchesColumns},
 * {@link ApplyBatchesColumnsSerializer}) instead of a record per check and per result.
 *
 * <p>Rolling upgrades: a member of an earlier version cannot read this type, so it is sent only to
 * a member that says it reads it ({@link #readBy}); any other gets {@link ApplyBatches}.
 */
public final class ApplyBatchesColumns extends ApplyBatches {

  /**
   * @param mapName the checks map
   * @param checkIds the checks of this share, each once
   * @param batches the processor of each check, in the order of {@code checkIds}
   */
  public ApplyBatchesColumns(String mapName, List<String> checkIds, List<ApplyBatch> batches) {
    super(mapName, checkIds, batches);
  }

  /** Whether {@code member} reads this format (says {@link ReplayColumns#MEMBER_ATTRIBUTE}). */
  public static boolean readBy(Member member) {
    return ReplayColumns.readsVersion(member, ReplayColumns.FORMAT_VERSION);
  }

  /** The share for {@code owner}, in the flat format when it reads it, else in the first. */
  public static ApplyBatches forMember(
      Member owner, String mapName, List<String> checkIds, List<ApplyBatch> batches) {
    return readBy(owner)
        ? new ApplyBatchesColumns(mapName, checkIds, batches)
        : new ApplyBatches(mapName, checkIds, batches);
  }
}
