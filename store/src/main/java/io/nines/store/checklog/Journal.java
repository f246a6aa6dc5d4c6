package io.nines.store.checklog;

import io.nines.common.Checks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The write-behind journal of one check: the changes of its {@link CheckLog} that a durable store
 * has not written yet, oldest first. The log records each change it makes here when its store is
 * durable; the writer (Hazelcast's write-behind thread through {@code CheckLogMapStore}, or the
 * single process's JDBC worker) {@link #drain drains} them, writes them, and {@link #restore gives
 * them back} if the write fails.
 *
 * <p>Thread-safe, unlike the log it belongs to: the writer drains it from another thread while the
 * partition thread (or the single-process store) goes on changing the log. Its lock is its own,
 * small, and never held while I/O runs; the changes are immutable.
 */
public final class Journal {
  private final String checkId;

  /** Guarded by itself. */
  private final List<PendingChange> pending = new ArrayList<>();

  /**
   * Whether {@link #pending} is in order of {@link PendingChange#at()} (as it is unless changes
   * were restored after later ones, or a change was made with an earlier "now"): then {@link
   * #forgetBefore} looks at the oldest changes only. Guarded by {@link #pending}.
   */
  private boolean ordered = true;

  Journal(String checkId) {
    this.checkId = Checks.checkNotBlank(checkId, "checkId");
  }

  /** Records a change for the store to write. */
  public void record(PendingChange change) {
    Checks.checkArgument(
        change.checkId().equals(checkId),
        "change: a change of '%s' (expected: of '%s')",
        change.checkId(),
        checkId);
    synchronized (pending) {
      if (!pending.isEmpty() && change.at().isBefore(pending.get(pending.size() - 1).at())) {
        ordered = false;
      }
      pending.add(change);
    }
  }

  /**
   * Forgets the changes made before {@code before}: on a backup, changes its owner has long
   * written; on any copy, changes whose results have left the retention.
   */
  public void forgetBefore(Instant before) {
    synchronized (pending) {
      if (!ordered) {
        pending.removeIf(p -> p.at().isBefore(before));
        ordered = isOrdered(pending);
        return;
      }
      // In order: the old ones are a prefix. (A backup's journal holds every change of the last
      // five minutes, which a check ingesting fast makes long: do not look at each per batch.)
      int old = 0;
      while (old < pending.size() && pending.get(old).at().isBefore(before)) {
        old++;
      }
      if (old > 0) {
        pending.subList(0, old).clear();
      }
    }
  }

  /**
   * Takes every change, oldest first, leaving none: the writer then writes them, and gives them
   * back with {@link #restore} if it fails.
   */
  public List<PendingChange> drain() {
    synchronized (pending) {
      List<PendingChange> out = List.copyOf(pending);
      pending.clear();
      ordered = true;
      return out;
    }
  }

  /** Puts back changes a writer took and failed to write, before any recorded since. */
  public void restore(List<PendingChange> changes) {
    synchronized (pending) {
      pending.addAll(0, changes);
      ordered = isOrdered(pending);
    }
  }

  private static boolean isOrdered(List<PendingChange> changes) {
    for (int i = 1; i < changes.size(); i++) {
      if (changes.get(i).at().isBefore(changes.get(i - 1).at())) {
        return false;
      }
    }
    return true;
  }

  /** A snapshot of the changes not written yet, oldest first. */
  public List<PendingChange> pending() {
    synchronized (pending) {
      return List.copyOf(pending);
    }
  }

  /** Records every change {@code other} holds (a copy's, or the other side's after a split). */
  void recordAll(Journal other) {
    other.pending().forEach(this::record);
  }
}
