package io.nines.store.checklog;

import com.hazelcast.cluster.Member;
import java.util.Collection;
import java.util.Map;

/**
 * A {@link ReplayPartition} that travels in the <b>flat</b> format: every check's change of one
 * partition operation as a few primitive arrays in ONE Compact record ({@code nines.ReplayColumns},
 * {@link ReplayColumnsSerializer}) instead of a record per check, per change and per result.
 * Compact costs per record and per field (a schema lookup and a field lookup each), not per byte,
 * and a partition operation's backup carried about six records per result.
 *
 * <p>Rolling upgrades: a member of an earlier version cannot read this type. So an owner sends it
 * only when every member of the cluster says it reads it ({@link #MEMBER_ATTRIBUTE}, set by {@code
 * HazelcastResultStore.configure}); otherwise it sends the first format, {@link ReplayPartition},
 * which every version reads. The type name is new, so no member ever reads one as the other.
 */
public final class ReplayColumns extends ReplayPartition {

  /**
   * The member attribute that says which flat formats a member reads, as a format version: "1"
   * reads {@link ReplayColumns} and {@link ApplyBatchesColumns}; a later version that adds a flat
   * type (or a field to one) says a higher number, and a sender checks for at least the version its
   * record needs. Part of the protocol between members: never rename it.
   */
  public static final String MEMBER_ATTRIBUTE = "nines.columns";

  /** The flat formats this version reads and writes ({@link #MEMBER_ATTRIBUTE}). */
  public static final int FORMAT_VERSION = 1;

  /**
   * @param byCheck each check's replay, by check id
   */
  public ReplayColumns(Map<String, ApplyBatch.ReplayChange> byCheck) {
    super(byCheck);
  }

  /** Whether every one of {@code members} reads this format (says {@link #MEMBER_ATTRIBUTE}). */
  public static boolean readByAll(Collection<Member> members) {
    for (Member m : members) {
      if (!readsVersion(m, FORMAT_VERSION)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code member} says it reads the flat formats of {@code version} or later: an attribute
   * that is missing (a member of an earlier version) or not a number reads none.
   */
  static boolean readsVersion(Member member, int version) {
    String said = member.getAttribute(MEMBER_ATTRIBUTE);
    if (said == null) {
      return false;
    }
    try {
      return Integer.parseInt(said.trim()) >= version;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
