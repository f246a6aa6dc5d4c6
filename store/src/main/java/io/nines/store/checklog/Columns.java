package io.nines.store.checklog;

import com.hazelcast.nio.serialization.HazelcastSerializationException;
import java.lang.reflect.Array;

/**
 * Checks of the flat formats' columns as they are read ({@link ReplayColumnsSerializer}, {@link
 * ApplyBatchesColumnsSerializer}, {@link RulesColumns}).
 */
final class Columns {
  private Columns() {}

  /** Fails unless each of {@code arrays} (primitive or object arrays) holds {@code n} entries. */
  static void lengths(long n, String what, Object... arrays) {
    for (int i = 0; i < arrays.length; i++) {
      int length = arrays[i] == null ? 0 : Array.getLength(arrays[i]);
      if (length != n) {
        throw new IllegalStateException(
            "column " + (i + 1) + " of the " + what + " columns holds " + length + ", not " + n);
      }
    }
  }

  /** Fails unless {@code ok}. */
  static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException(what);
    }
  }

  /**
   * What a reader throws for a record whose columns disagree (short, padded, an index out of
   * range): a serialization failure, so that the operation that carried it fails loudly (the
   * writer's acknowledgement waits for it) instead of applying less than was written.
   */
  static HazelcastSerializationException malformed(String type, RuntimeException cause) {
    return new HazelcastSerializationException(
        "a " + type + " record whose columns disagree: " + cause.getMessage(), cause);
  }
}
