package io.nines.coordinator.screenshots;

import java.time.Instant;

/**
 * Where failure screenshots are kept, bounded twice: each is forgotten once it is older than the
 * fleet's {@code retention.raw} (as results are), and when the images together exceed the store's
 * capacity the oldest go first.
 *
 * <p>Blocking (a database or a cluster map may stand behind it): call it on a worker, never on an
 * event loop. Thread-safe. A write that fails throws {@link IllegalStateException}.
 */
public interface ScreenshotStore {

  /**
   * Keeps {@code shot}, replacing one of the same id (the same content), then forgets what has
   * expired as of {@code now} and, oldest first, what is over the capacity.
   */
  void put(Screenshot shot, Instant now);

  /** The screenshot {@code id}, or null when it is unknown or has expired as of {@code now}. */
  Screenshot get(String id, Instant now);
}
