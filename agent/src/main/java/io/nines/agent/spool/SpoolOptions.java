package io.nines.agent.spool;

import io.nines.common.Checks;
import java.nio.file.Path;

/**
 * Where and how an agent keeps its spool on disk.
 *
 * @param dir the spool's directory; created if missing. One agent process owns it (a lock file
 *     enforces this)
 * @param maxBytes the most the segment files may take together; past it the oldest segment is
 *     dropped and its unacknowledged results are counted in {@code nines.spool.dropped}. At least
 *     twice {@code segmentBytes}
 * @param segmentBytes the size at which the spool starts a new segment file; whole segments are the
 *     unit of deletion (once acknowledged) and of dropping (when full)
 * @param syncIntervalMillis the fsync policy: 0 forces every appended group of results to disk
 *     before the append completes; a positive value forces at most that often, so a power loss may
 *     lose what was appended in the last interval. A {@code kill -9} loses nothing either way: the
 *     operating system already holds every written byte
 */
public record SpoolOptions(Path dir, long maxBytes, long segmentBytes, long syncIntervalMillis) {

  /** The default bound of the whole spool: 512 MiB. */
  public static final long DEFAULT_MAX_BYTES = 512L * 1024 * 1024;

  /** The default segment size: 16 MiB, so a full spool has 32 segments. */
  public static final long DEFAULT_SEGMENT_BYTES = 16L * 1024 * 1024;

  /** The largest single record; a result this large is refused rather than spooled. */
  public static final int MAX_RECORD_BYTES = 4 * 1024 * 1024;

  public SpoolOptions {
    Checks.notNull(dir, "dir");
    Checks.checkArgument(
        segmentBytes >= 4096 && segmentBytes <= Integer.MAX_VALUE,
        "segmentBytes: %s (expected: 4096 to %s)",
        segmentBytes,
        Integer.MAX_VALUE);
    Checks.checkArgument(
        maxBytes >= 2 * segmentBytes,
        "maxBytes: %s (expected: at least twice segmentBytes, %s)",
        maxBytes,
        2 * segmentBytes);
    Checks.checkNotNegative(syncIntervalMillis, "syncIntervalMillis");
  }

  /** A 512 MiB spool in {@code dir} that forces every appended group to disk. */
  public static SpoolOptions defaults(Path dir) {
    return new SpoolOptions(dir, DEFAULT_MAX_BYTES, DEFAULT_SEGMENT_BYTES, 0);
  }

  public SpoolOptions withMaxBytes(long maxBytes) {
    return new SpoolOptions(
        dir, maxBytes, Math.min(segmentBytes, Math.max(4096, maxBytes / 2)), syncIntervalMillis);
  }

  public SpoolOptions withSegmentBytes(long segmentBytes) {
    return new SpoolOptions(dir, maxBytes, segmentBytes, syncIntervalMillis);
  }

  public SpoolOptions withSyncIntervalMillis(long syncIntervalMillis) {
    return new SpoolOptions(dir, maxBytes, segmentBytes, syncIntervalMillis);
  }
}
