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
   * The member attribute that says a member reads {@link ReplayColumns} ("1"); part of the protocol
   * between members: never rename it.
   */
  public static final String MEMBER_ATTRIBUTE = "nines.replayColumns";

  /**
   * @param byCheck each check's replay, by check id
   */
  public ReplayColumns(Map<String, ApplyBatch.ReplayChange> byCheck) {
    super(byCheck);
  }

  /** Whether every one of {@code members} reads this format (says {@link #MEMBER_ATTRIBUTE}). */
  public static boolean readByAll(Collection<Member> members) {
    for (Member m : members) {
      if (!"1".equals(m.getAttribute(MEMBER_ATTRIBUTE))) {
        return false;
      }
    }
    return true;
  }
}
