package io.nines.agent.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

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
 * <p>So the start is also at least the floor recorded by the run before, and each start records a
 * new floor {@link #RESERVED} above its own start before the first result is numbered: no run
 * numbers that many results, so a later start is always above every sequence of an earlier one. The
 * floor lives in the spool's directory (file {@code sequence}), which one agent holds at a time
 * (its lock); it is written to a temporary file, forced, and renamed over the old one.
 */
public final class SequenceFloor {

  /** How far above its start each run records the next run's floor: 10^12 (11.6 days of µs). */
  public static final long RESERVED = 1_000_000_000_000L;

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
    Path tmp = dir.resolve(FILE + ".tmp");
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(ByteBuffer.wrap((start + RESERVED + "\n").getBytes(StandardCharsets.US_ASCII)));
      ch.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some file systems can't force a directory; the rename is then as durable as they allow.
    }
    return start;
  }
}
