package io.nines.config;

/**
 * One thing wrong with a configuration, located precisely.
 *
 * @param severity whether it stops the load
 * @param file the file, relative to the configuration directory
 * @param line 1-based line, or 0 when the problem concerns no single line
 * @param path the key path, e.g. {@code checks[2].every}
 * @param message what is wrong and what would be right, e.g. {@code was '0s' but it must be at
 *     least 1s}
 */
public record Problem(Severity severity, String file, int line, String path, String message) {
  public enum Severity {
    ERROR,
    WARNING
  }

  /** {@code file:line path message}, as printed by {@code nines config validate}. */
  public String format() {
    StringBuilder sb = new StringBuilder(file);
    if (line > 0) {
      sb.append(':').append(line);
    }
    sb.append(' ');
    if (severity == Severity.WARNING) {
      sb.append("warning: ");
    }
    if (!path.isEmpty()) {
      sb.append(path).append(' ');
    }
    return sb.append(message).toString();
  }

  @Override
  public String toString() {
    return format();
  }
}
