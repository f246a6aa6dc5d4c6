package io.nines.common;

import java.time.Instant;

/**
 * Where all of Nines reads time. Production code receives one; tests drive a manual one. No main
 * code reads {@code System.currentTimeMillis()} or {@code System.nanoTime()} directly.
 *
 * <p>Implementations are thread-safe.
 */
public interface TimeSource {

  /** Wall-clock time, for timestamps that leave the process (results, timelines). */
  Instant now();

  /** Wall-clock time in milliseconds since the epoch. */
  default long wallMillis() {
    return now().toEpochMilli();
  }

  /**
   * A monotonic reading in nanoseconds, for measuring durations. Only differences between two
   * readings mean anything.
   */
  long monotonicNanos();

  /** The system's clocks. */
  TimeSource SYSTEM =
      new TimeSource() {
        @Override
        public Instant now() {
          return Instant.now();
        }

        @Override
        public long wallMillis() {
          return System.currentTimeMillis();
        }

        @Override
        public long monotonicNanos() {
          return System.nanoTime();
        }

        @Override
        public String toString() {
          return "TimeSource.SYSTEM";
        }
      };
}
