package io.nines.coordinator.fleet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Agent tokens, stored as SHA-256 hashes, each bound to one agent id and location: a file of lines
 * {@code sha256:<hex> <agent-id> <location> [revoked]}, like an htpasswd file. The coordinator only
 * ever sees hashes; the token itself is shown once, when it is created.
 *
 * <p>The same file holds heartbeat tokens, each bound to one heartbeat check: {@code sha256:<hex>
 * heartbeat:<check-id> [revoked]}. A heartbeat token is no agent's ({@link #identify} never returns
 * it) and may only ping its own check ({@link #identifyHeartbeat}).
 *
 * <p>Immutable: {@link #load} reads a snapshot. Thread-safe.
 */
public final class AgentTokens {
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Who a token belongs to. */
  public record Identity(String agentId, String location, boolean revoked) {}

  /** The heartbeat check a heartbeat token belongs to. */
  public record HeartbeatIdentity(String checkId, boolean revoked) {}

  /** How a heartbeat token's owner is written in the file: {@code heartbeat:<check-id>}. */
  public static final String HEARTBEAT_PREFIX = "heartbeat:";

  private final Map<String, Identity> byHash;
  private final Map<String, HeartbeatIdentity> heartbeatsByHash;

  private AgentTokens(
      Map<String, Identity> byHash, Map<String, HeartbeatIdentity> heartbeatsByHash) {
    this.byHash = Map.copyOf(byHash);
    this.heartbeatsByHash = Map.copyOf(heartbeatsByHash);
  }

  /** No tokens at all. */
  public static AgentTokens none() {
    return new AgentTokens(Map.of(), Map.of());
  }

  /**
   * Reads a token file.
   *
   * @throws IllegalArgumentException naming the file and line of a malformed entry
   */
  public static AgentTokens load(Path file) throws IOException {
    Map<String, Identity> byHash = new LinkedHashMap<>();
    Map<String, HeartbeatIdentity> heartbeats = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\\s+");
      if (f.length >= 2 && f[1].startsWith(HEARTBEAT_PREFIX)) {
        String check = f[1].substring(HEARTBEAT_PREFIX.length());
        if (f.length > 3
            || !f[0].startsWith("sha256:")
            || f[0].length() != 7 + 64
            || !ID.matcher(check).matches()
            || (f.length == 3 && !f[2].equals("revoked"))) {
          throw new IllegalArgumentException(
              file
                  + ":"
                  + (i + 1)
                  + " was '"
                  + (line.length() > 40 ? line.substring(0, 40) + "..." : line)
                  + "' but it must be 'sha256:<64 hex digits> heartbeat:<check-id> [revoked]'");
        }
        heartbeats.put(f[0].substring(7), new HeartbeatIdentity(check, f.length == 3));
        continue;
      }
      if (f.length < 3
          || f.length > 4
          || !f[0].startsWith("sha256:")
          || f[0].length() != 7 + 64
          || (f.length == 4 && !f[3].equals("revoked"))) {
        throw new IllegalArgumentException(
            file
                + ":"
                + (i + 1)
                + " was '"
                + (line.length() > 40 ? line.substring(0, 40) + "..." : line)
                + "' but it must be 'sha256:<64 hex digits> <agent-id> <location> [revoked]'");
      }
      byHash.put(f[0].substring(7), new Identity(f[1], f[2], f.length == 4));
    }
    return new AgentTokens(byHash, heartbeats);
  }

  /** Who {@code token} belongs to, if anyone; revoked tokens are returned marked revoked. */
  public Optional<Identity> identify(String token) {
    if (token == null || token.isEmpty()) {
      return Optional.empty();
    }
    String hash = sha256Hex(token);
    Identity found = null;
    // Compare every entry in constant time so timing says nothing about near misses.
    for (Map.Entry<String, Identity> e : byHash.entrySet()) {
      if (MessageDigest.isEqual(
          e.getKey().getBytes(StandardCharsets.US_ASCII),
          hash.getBytes(StandardCharsets.US_ASCII))) {
        found = e.getValue();
      }
    }
    return Optional.ofNullable(found);
  }

  /**
   * Which heartbeat check {@code token} belongs to, if it is a heartbeat token; revoked tokens are
   * returned marked revoked.
   */
  public Optional<HeartbeatIdentity> identifyHeartbeat(String token) {
    if (token == null || token.isEmpty()) {
      return Optional.empty();
    }
    String hash = sha256Hex(token);
    HeartbeatIdentity found = null;
    for (Map.Entry<String, HeartbeatIdentity> e : heartbeatsByHash.entrySet()) {
      if (MessageDigest.isEqual(
          e.getKey().getBytes(StandardCharsets.US_ASCII),
          hash.getBytes(StandardCharsets.US_ASCII))) {
        found = e.getValue();
      }
    }
    return Optional.ofNullable(found);
  }

  /** How many tokens the file holds, agents' and heartbeats'. */
  public int size() {
    return byHash.size() + heartbeatsByHash.size();
  }

  /** A new token for {@code agentId} in {@code location}, and the line to store for it. */
  public record Created(String token, String line) {}

  /**
   * Makes a token for an agent. The token is 32 random bytes, hex, prefixed {@code nines_}.
   *
   * @throws IllegalArgumentException when the id or location is not a lowercase id
   */
  public static Created create(String agentId, String location) {
    for (String[] v : new String[][] {{"agent id", agentId}, {"location", location}}) {
      if (v[1] == null || !ID.matcher(v[1]).matches()) {
        throw new IllegalArgumentException(
            v[0] + " was '" + v[1] + "' but it must be lowercase letters, digits, '.', '_' or '-'");
      }
    }
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    String token = "nines_" + HexFormat.of().formatHex(raw);
    return new Created(token, "sha256:" + sha256Hex(token) + " " + agentId + " " + location);
  }

  /**
   * Makes a token that may only ping heartbeat check {@code checkId}; like an agent's, 32 random
   * bytes, hex, prefixed {@code nines_}.
   *
   * @throws IllegalArgumentException when the id is not a lowercase id
   */
  public static Created createHeartbeat(String checkId) {
    if (checkId == null || !ID.matcher(checkId).matches()) {
      throw new IllegalArgumentException(
          "heartbeat id was '"
              + checkId
              + "' but it must be a check id: lowercase letters, digits, '.', '_' or '-'");
    }
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    String token = "nines_" + HexFormat.of().formatHex(raw);
    return new Created(token, "sha256:" + sha256Hex(token) + " " + HEARTBEAT_PREFIX + checkId);
  }

  /**
   * Marks every token of heartbeat check {@code checkId} in {@code file} revoked.
   *
   * @return how many were revoked now
   */
  public static int revokeHeartbeat(Path file, String checkId) throws IOException {
    List<String> out = new ArrayList<>();
    int revoked = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String[] f = line.strip().split("\\s+");
      if (f.length == 2 && f[1].equals(HEARTBEAT_PREFIX + checkId) && f[0].startsWith("sha256:")) {
        out.add(line.strip() + " revoked");
        revoked++;
      } else {
        out.add(line);
      }
    }
    Files.write(file, out, StandardCharsets.UTF_8);
    return revoked;
  }

  /** Appends a created token's line to {@code file}, creating it (owner-only) when missing. */
  public static void append(Path file, Created created) throws IOException {
    Files.writeString(
        file,
        created.line() + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  /**
   * Marks every token of {@code agentId} in {@code file} revoked.
   *
   * @return how many were revoked now
   */
  public static int revoke(Path file, String agentId) throws IOException {
    List<String> out = new ArrayList<>();
    int revoked = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String[] f = line.strip().split("\\s+");
      if (f.length == 3 && f[1].equals(agentId) && f[0].startsWith("sha256:")) {
        out.add(line.strip() + " revoked");
        revoked++;
      } else {
        out.add(line);
      }
    }
    Files.write(file, out, StandardCharsets.UTF_8);
    return revoked;
  }

  static String sha256Hex(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
