package io.nines.coordinator.heartbeat;

import java.nio.charset.StandardCharsets;

/** A job's log text as kept with its result: at most {@link #MAX_BYTES}, its end kept. */
public final class LogText {
  /** The most log text a result keeps, in UTF-8 bytes. */
  public static final int MAX_BYTES = 10 * 1024;

  private LogText() {}

  /**
   * {@code text} when it fits in {@link #MAX_BYTES}; otherwise its last bytes (a job's error is
   * usually at the end), whole characters only, after a marker line saying how much was cut.
   */
  public static String cut(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= MAX_BYTES) {
      return text;
    }
    String marker = "[... " + "%d bytes cut; the last %d kept ...]\n";
    int keep = MAX_BYTES - 64;
    int from = bytes.length - keep;
    // Start on a character boundary: skip UTF-8 continuation bytes (10xxxxxx).
    while (from < bytes.length && (bytes[from] & 0xC0) == 0x80) {
      from++;
    }
    String tail = new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
    return marker.formatted(from, bytes.length - from) + tail;
  }
}
