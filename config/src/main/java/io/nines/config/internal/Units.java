package io.nines.config.internal;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations ({@code 30s}, {@code 1h30m}) and sizes ({@code 1MiB}) as written in configuration. */
public final class Units {
  /** One or more {@code <digits><unit>} groups, units ms, s, m, h, d. */
  public static final Pattern DURATION = Pattern.compile("([0-9]+(ms|s|m|h|d))+");

  private static final Pattern DURATION_PART = Pattern.compile("([0-9]+)(ms|s|m|h|d)");
  private static final Pattern SIZE = Pattern.compile("([0-9]+)\\s*(B|KB|KiB|MB|MiB|GB|GiB)?");

  private Units() {}

  /**
   * Parses a duration such as {@code 800ms}, {@code 30s}, {@code 1h30m} or {@code 400d}.
   *
   * @return the duration, or null when {@code text} is not one
   */
  public static Duration parseDuration(String text) {
    if (text == null || !DURATION.matcher(text).matches()) {
      return null;
    }
    Duration total = Duration.ZERO;
    Matcher m = DURATION_PART.matcher(text);
    try {
      while (m.find()) {
        long n = Long.parseLong(m.group(1));
        Duration part =
            switch (m.group(2)) {
              case "ms" -> Duration.ofMillis(n);
              case "s" -> Duration.ofSeconds(n);
              case "m" -> Duration.ofMinutes(n);
              case "h" -> Duration.ofHours(n);
              default -> Duration.ofDays(n);
            };
        total = total.plus(part);
      }
    } catch (ArithmeticException | NumberFormatException e) {
      return null;
    }
    return total;
  }

  /**
   * Prints a duration the way it would be written: the largest units first, e.g. {@code 30s},
   * {@code 1h30m}, {@code 1500ms} becomes {@code 1s500ms}; zero is {@code 0s}.
   */
  public static String formatDuration(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    long ms = d.toMillis();
    StringBuilder sb = new StringBuilder();
    if (ms < 0) {
      sb.append('-');
      ms = -ms;
    }
    long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1000L, 1L};
    String[] units = {"d", "h", "m", "s", "ms"};
    for (int i = 0; i < sizes.length; i++) {
      if (ms >= sizes[i]) {
        sb.append(ms / sizes[i]).append(units[i]);
        ms %= sizes[i];
      }
    }
    return sb.toString();
  }

  /**
   * Parses a size: a number of bytes, optionally with a unit B, KB, MB, GB (powers of 1000) or KiB,
   * MiB, GiB (powers of 1024).
   *
   * @return bytes, or -1 when {@code text} is not a size
   */
  public static long parseSize(String text) {
    Matcher m = SIZE.matcher(text);
    if (!m.matches()) {
      return -1;
    }
    long n;
    try {
      n = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      return -1;
    }
    long factor =
        m.group(2) == null
            ? 1
            : switch (m.group(2)) {
              case "KB" -> 1000L;
              case "KiB" -> 1024L;
              case "MB" -> 1000_000L;
              case "MiB" -> 1024L * 1024;
              case "GB" -> 1000_000_000L;
              case "GiB" -> 1024L * 1024 * 1024;
              default -> 1L;
            };
    try {
      return Math.multiplyExact(n, factor);
    } catch (ArithmeticException e) {
      return -1;
    }
  }

  /** Prints bytes with the largest binary unit that divides them, e.g. {@code 1MiB}. */
  public static String formatSize(long bytes) {
    long[] sizes = {1024L * 1024 * 1024, 1024L * 1024, 1024L};
    String[] units = {"GiB", "MiB", "KiB"};
    for (int i = 0; i < sizes.length; i++) {
      if (bytes != 0 && bytes % sizes[i] == 0) {
        return bytes / sizes[i] + units[i];
      }
    }
    return bytes + "B";
  }
}
