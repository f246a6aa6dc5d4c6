package io.nines.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A reference to a secret: {@code ${env:NAME}} or {@code ${file:/path}}. The reference is what the
 * configuration, logs and API show; the value is read only at use.
 *
 * @param kind where the secret lives
 * @param name the variable name or the file path
 */
public record SecretRef(Kind kind, String name) {
  public enum Kind {
    ENV,
    FILE
  }

  /** Thrown when a secret can't be read; the message names the reference, never a value. */
  public static final class UnresolvedSecret extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnresolvedSecret(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Reads the secret from {@code env} or the file system. A file's trailing newline is dropped.
   *
   * @throws UnresolvedSecret naming the reference when the variable is unset or the file unreadable
   */
  public String resolve(Map<String, String> env) {
    if (kind == Kind.ENV) {
      String value = env.get(name);
      if (value == null) {
        throw new UnresolvedSecret(
            this + " is not set: export " + name + " in the environment of the process");
      }
      return value;
    }
    try {
      String value = Files.readString(Path.of(name), StandardCharsets.UTF_8);
      return value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
    } catch (IOException | RuntimeException e) {
      throw new UnresolvedSecret(this + " can't be read: " + e.getClass().getSimpleName());
    }
  }

  @Override
  public String toString() {
    return "${" + (kind == Kind.ENV ? "env" : "file") + ":" + name + "}";
  }
}
