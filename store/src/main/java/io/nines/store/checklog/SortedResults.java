package io.nines.store.checklog;

import io.nines.availability.Timelines;
import io.nines.common.ProbeResult;
import java.util.AbstractCollection;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * One location's results of a {@link CheckLog}, ordered as {@link Timelines#BY_START} orders them,
 * each once (two results that compare equal are one): the part of a {@code TreeSet} the log uses,
 * in one array.
 *
 * <p>Why not a {@code TreeSet}: results arrive almost always in order and leave in order (oldest
 * first, past the retention), and a tree paid a walk from its root per result (comparing through
 * four chained comparator lambdas at each node), plus a 40-byte node per result: 20 % of a 2-member
 * cluster's CPU in {@code bench/cluster}, on the owner and again on the backup. Here a result later
 * than the last is appended after one comparison, the oldest leaves by moving an index, and a late
 * result is placed by binary search and an array copy.
 *
 * <p>Not thread-safe; guarded by whoever guards the {@link CheckLog}. Iterators see the results
 * held when they are used: do not change the set while iterating it.
 */
final class SortedResults extends AbstractCollection<ProbeResult> {

  private static final ProbeResult[] NONE = new ProbeResult[0];

  private ProbeResult[] items = NONE;
  private int start;
  private int size;

  /** {@link Timelines#BY_START}, written out: time, a success before a failure, agent, sequence. */
  static int compare(ProbeResult a, ProbeResult b) {
    int c = a.startedAt().compareTo(b.startedAt());
    if (c != 0) {
      return c;
    }
    c = Boolean.compare(!a.ok(), !b.ok());
    if (c != 0) {
      return c;
    }
    c = a.agentId().compareTo(b.agentId());
    if (c != 0) {
      return c;
    }
    return Long.compare(a.sequence(), b.sequence());
  }

  /** Adds {@code r}; false when a result that compares equal is held already. */
  @Override
  public boolean add(ProbeResult r) {
    if (size == 0 || compare(r, items[start + size - 1]) > 0) {
      insertAt(start + size, r);
      return true;
    }
    int i = indexOf(r);
    if (i >= 0) {
      return false;
    }
    insertAt(-i - 1, r);
    return true;
  }

  /** The greatest result at or before {@code r}, or null. */
  ProbeResult floor(ProbeResult r) {
    int i = indexOf(r);
    int at = i >= 0 ? i : -i - 2;
    return at >= start ? items[at] : null;
  }

  /** The least result strictly after {@code r}, or null. */
  ProbeResult higher(ProbeResult r) {
    if (size == 0 || compare(r, items[start + size - 1]) >= 0) {
      return null;
    }
    int i = indexOf(r);
    int at = i >= 0 ? i + 1 : -i - 1;
    return at < start + size ? items[at] : null;
  }

  /** The oldest result; the set must not be empty. */
  ProbeResult first() {
    if (size == 0) {
      throw new NoSuchElementException();
    }
    return items[start];
  }

  /** Removes and returns the oldest result, or null when empty. */
  ProbeResult pollFirst() {
    if (size == 0) {
      return null;
    }
    ProbeResult r = items[start];
    items[start] = null;
    start++;
    size--;
    if (size == 0) {
      start = 0;
    }
    return r;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public boolean isEmpty() {
    return size == 0;
  }

  /** Oldest first. */
  @Override
  public Iterator<ProbeResult> iterator() {
    return new Iterator<>() {
      int next = start;

      @Override
      public boolean hasNext() {
        return next < start + size;
      }

      @Override
      public ProbeResult next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return items[next++];
      }
    };
  }

  /** Newest first. */
  Iterator<ProbeResult> descendingIterator() {
    return new Iterator<>() {
      int next = start + size - 1;

      @Override
      public boolean hasNext() {
        return next >= start;
      }

      @Override
      public ProbeResult next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return items[next--];
      }
    };
  }

  /** A position in {@code items}, as {@link Arrays#binarySearch} returns it. */
  private int indexOf(ProbeResult r) {
    int low = start;
    int high = start + size - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      int c = compare(items[mid], r);
      if (c < 0) {
        low = mid + 1;
      } else if (c > 0) {
        high = mid - 1;
      } else {
        return mid;
      }
    }
    return -(low + 1);
  }

  private void insertAt(int index, ProbeResult r) {
    int end = start + size;
    if (end == items.length) {
      // The tail is full: move to the front, and grow when more than half is used.
      ProbeResult[] to =
          size + 1 > items.length / 2 ? new ProbeResult[Math.max(4, items.length * 2)] : items;
      if (to == items) {
        System.arraycopy(items, start, to, 0, index - start);
        System.arraycopy(items, index, to, index - start + 1, end - index);
        Arrays.fill(to, size + 1, end, null);
      } else {
        System.arraycopy(items, start, to, 0, index - start);
        System.arraycopy(items, index, to, index - start + 1, end - index);
      }
      to[index - start] = r;
      items = to;
      start = 0;
    } else {
      System.arraycopy(items, index, items, index + 1, end - index);
      items[index] = r;
    }
    size++;
  }
}
