package io.nines.coordinator.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Set;

/**
 * Checks {@code Authorization: Bearer <token>} headers against the configured tokens in constant
 * time: tokens are compared as SHA-256 digests (equal lengths, so nothing leaks through the length)
 * with {@link MessageDigest#isEqual}, and every configured token is compared every time.
 * Thread-safe.
 */
public final class BearerAuth {
  private static final String PREFIX = "bearer ";
  private final List<byte[]> digests;

  public BearerAuth(Set<String> tokens) {
    this.digests = tokens.stream().map(BearerAuth::sha256).toList();
  }

  /** Whether {@code authorizationHeader} (may be null) carries one of the tokens. */
  public boolean permits(String authorizationHeader) {
    if (authorizationHeader == null
        || authorizationHeader.length() <= PREFIX.length()
        || !authorizationHeader.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      return false;
    }
    byte[] presented = sha256(authorizationHeader.substring(PREFIX.length()).trim());
    boolean match = false;
    for (byte[] d : digests) {
      match |= MessageDigest.isEqual(d, presented);
    }
    return match;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
