package io.nines.config;

import java.time.Instant;

/**
 * Identifies one loaded configuration.
 *
 * @param hash hex SHA-256 over the files' relative paths and contents, so equal trees get equal
 *     hashes whatever their modification times
 * @param loadedAt when it was loaded
 */
public record ConfigVersion(String hash, Instant loadedAt) {
  /** The first 12 hex digits, as shown to people. */
  public String shortHash() {
    return hash.length() <= 12 ? hash : hash.substring(0, 12);
  }
}
