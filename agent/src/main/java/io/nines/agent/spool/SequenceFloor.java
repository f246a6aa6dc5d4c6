package io.nines.agent.spool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where an agent's result sequences start, so that they keep increasing across restarts even when
 * the host's clock does not.
 *
 * <p>An agent numbers its results from its wall clock in microseconds at start, plus one per
 * result, and the coordinator takes a sequence at or below what it has consumed from that agent id
 * as a duplicate. A clock that stepped back across a restart (a host without a real-time clock that
 * starts before NTP has synced it, a virtual machine restored from a snapshot) would make every new
 * result look like one already delivered: acknowledged, and kept from the checks' state.
 *
 * <p>So a run starts at the larger of the clock and the floor recorded before it, and the floor is
 * kept {@link #RESERVED} above the run's sequence: {@link #reserve} records it before the first
 * result is numbered, and {@link #extend} moves it up while the run goes on (the agent looks every
 * few seconds, long before a run can number that many results). A later start is then above every
 * sequence of an earlier one; a crash-looping agent moves its sequences up by {@code RESERVED} a
 * start at most (10^9: 10^9 starts before a {@code long} runs out). The floor lives in the spool's
 * directory (file {@code sequence}), which one agent holds at a time (its lock), and is replaced
 * whole ({@link DurableFiles#replace}).
 */
public final class SequenceFloor {

  /**
   * How far above a run's sequence its floor is kept: 10^9 results (18 hours at 15,000 results a
   * second, the most one agent has sustained; years at the usual rates).
   */
  public static final long RESERVED = 1_000_000_000L;

  static final String FILE = "sequence";

  private SequenceFloor() {}

  /**
   * Reads the floor in {@code dir}, records the next one, and returns the first sequence of this
   * run: the larger of {@code clockMicros} and the recorded floor. Blocking.
   *
   * @throws IOException when the floor can't be read or written; a damaged file says where and what
   *     it holds
   */
  public static long reserve(Path dir, long clockMicros) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(FILE);
    long floor = 0;
    if (Files.exists(file)) {
      String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
      try {
        floor = Long.parseLong(text);
      } catch (NumberFormatException e) {
        throw new IOException(
            file
                + ": '"
                + (text.length() > 40 ? text.substring(0, 40) + "…" : text)
                + "' is not a sequence floor (expected: one decimal number; delete the file to"
                + " start from the clock)",
            e);
      }
    }
    long start = Math.max(clockMicros, floor);
    if (start > Long.MAX_VALUE - RESERVED) {
      throw new IOException(file + ": the floor " + floor + " leaves no room for more sequences");
    }
    write(dir, start + RESERVED);
    return start;
  }

  /**
   * Records {@code sequence + RESERVED} as the floor when {@code sequence} is within half of {@link
   * #RESERVED} of {@code floor}, the floor recorded last; returns the floor now recorded. Blocking
   * when it writes.
   */
  public static long extend(Path dir, long floor, long sequence) throws IOException {
    if (sequence < floor - RESERVED / 2 || sequence > Long.MAX_VALUE - RESERVED) {
      return floor;
    }
    long next = sequence + RESERVED;
    write(dir, next);
    return next;
  }

  private static void write(Path dir, long floor) throws IOException {
    DurableFiles.replace(dir.resolve(FILE), (floor + "\n").getBytes(StandardCharsets.US_ASCII));
  }
}
