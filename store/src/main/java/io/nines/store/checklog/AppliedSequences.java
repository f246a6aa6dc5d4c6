package io.nines.store.checklog;

import io.nines.common.Checks;
import java.util.Arrays;

/**
 * The sequence numbers of one agent that one check has consumed (applied, or refused for their
 * time): every sequence up to {@link #watermark()}, plus the ones held above it.
 *
 * <p>An agent numbers all its results with one sequence, so the sequences one check sees from it
 * have gaps (the results of its other checks). The watermark therefore moves for two reasons: when
 * the sequences above it become contiguous with it, and when {@link #forgetUpTo} says that results
 * up to a sequence have left the raw retention (a result that old is refused for its age anyway).
 * Memory stays bounded: at most {@link #MAX_ABOVE} sequences are held above the watermark; when a
 * gap stays open past that many later ones, the watermark jumps over it, and a result from the
 * jumped gap arriving afterwards counts as a duplicate.
 *
 * <p>Held as a sorted {@code long[]} (8 bytes a sequence), since a check holds about one sequence
 * per retained result. Not thread-safe; guarded by whoever guards the {@link CheckLog}.
 */
public final class AppliedSequences {

  /** The most sequences held one by one above the watermark. */
  public static final int MAX_ABOVE = 100_000;

  private static final long[] NONE = new long[0];

  private long watermark;
  private long[] above = NONE;
  private int start;
  private int size;

  public AppliedSequences() {}

  /**
   * Restores a state written by {@link #watermark()} and {@link #above()}.
   *
   * @param above strictly increasing, all above {@code watermark}
   */
  public AppliedSequences(long watermark, long[] above) {
    Checks.checkNotNegative(watermark, "watermark");
    for (int i = 0; i < above.length; i++) {
      long previous = i == 0 ? watermark : above[i - 1];
      Checks.checkArgument(
          above[i] > previous,
          "above[%s]: %s (expected: > %s; sorted, unique, above the watermark)",
          i,
          above[i],
          previous);
    }
    this.watermark = watermark;
    this.above = above.clone();
    this.size = above.length;
    advance();
  }

  /** Whether {@code sequence} has been consumed. */
  public boolean contains(long sequence) {
    return sequence <= watermark || indexOf(sequence) >= 0;
  }

  /** Records {@code sequence}; returns false when it had been recorded before. */
  public boolean add(long sequence) {
    if (sequence <= watermark) {
      return false;
    }
    int i = indexOf(sequence);
    if (i >= 0) {
      return false;
    }
    insertAt(-i - 1, sequence);
    advance();
    if (size > MAX_ABOVE) {
      watermark = above[start];
      start++;
      size--;
      advance();
    }
    return true;
  }

  /**
   * Counts every sequence up to {@code sequence} as consumed: called when a result with that
   * sequence leaves the retention.
   */
  public void forgetUpTo(long sequence) {
    if (sequence <= watermark) {
      return;
    }
    watermark = sequence;
    int i = indexOf(sequence);
    int dropped = (i >= 0 ? i + 1 : -i - 1) - start;
    start += dropped;
    size -= dropped;
    advance();
  }

  /** Adds every sequence {@code other} has consumed (a union, for merging two histories). */
  public void addAll(AppliedSequences other) {
    forgetUpTo(other.watermark);
    for (int i = other.start; i < other.start + other.size; i++) {
      add(other.above[i]);
    }
  }

  /** Every sequence up to this one has been consumed. */
  public long watermark() {
    return watermark;
  }

  /** The sequences consumed above the watermark, in increasing order; a copy. */
  public long[] above() {
    return Arrays.copyOfRange(above, start, start + size);
  }

  /** How many sequences are held above the watermark. */
  public int aboveCount() {
    return size;
  }

  /** A position in {@code above}, as {@link Arrays#binarySearch} returns it. */
  private int indexOf(long sequence) {
    return Arrays.binarySearch(above, start, start + size, sequence);
  }

  private void insertAt(int index, long sequence) {
    int end = start + size;
    if (end == above.length) {
      // Compact to the front and grow when the tail is full.
      long[] grown = size + 1 > above.length / 2 ? new long[Math.max(8, above.length * 2)] : above;
      System.arraycopy(above, start, grown, 0, index - start);
      System.arraycopy(above, index, grown, index - start + 1, end - index);
      grown[index - start] = sequence;
      above = grown;
      start = 0;
    } else {
      System.arraycopy(above, index, above, index + 1, end - index);
      above[index] = sequence;
    }
    size++;
  }

  /** Moves the watermark over the sequences above it that have become contiguous with it. */
  private void advance() {
    while (size > 0 && above[start] == watermark + 1) {
      watermark = above[start];
      start++;
      size--;
    }
    if (size == 0) {
      start = 0;
    }
  }
}
