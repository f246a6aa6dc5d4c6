package io.nines.common.testing;

import io.nines.common.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link TimeSource} that only moves when a test calls {@link #advance(Duration)}. */
public final class ManualTimeSource implements TimeSource {
  private final AtomicLong wallNanos;
  private final AtomicLong monotonicNanos = new AtomicLong(1_000_000_000L);

  public ManualTimeSource(Instant start) {
    this.wallNanos = new AtomicLong(start.getEpochSecond() * 1_000_000_000L + start.getNano());
  }

  @Override
  public Instant now() {
    long n = wallNanos.get();
    return Instant.ofEpochSecond(
        Math.floorDiv(n, 1_000_000_000L), Math.floorMod(n, 1_000_000_000L));
  }

  @Override
  public long monotonicNanos() {
    return monotonicNanos.get();
  }

  /** Moves both clocks forward by {@code d}. */
  public void advance(Duration d) {
    long nanos = d.toNanos();
    if (nanos < 0) {
      throw new IllegalArgumentException("d: " + d + " (expected: >= 0)");
    }
    wallNanos.addAndGet(nanos);
    monotonicNanos.addAndGet(nanos);
  }
}
