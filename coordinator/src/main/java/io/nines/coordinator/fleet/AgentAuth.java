package io.nines.coordinator.fleet;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Decides who is posting: a per-agent token from the token file (bound to one agent id; revocable),
 * or a shared fleet token (any agent id; for demos and single-host installs). The token file is
 * re-read when it changes, so a revocation takes effect within {@link #RELOAD_MILLIS} without a
 * restart. Thread-safe.
 */
public final class AgentAuth {
  private static final Logger LOG = Logger.getLogger(AgentAuth.class.getName());
  private static final String PREFIX = "bearer ";

  /** How often the token file is checked for changes. */
  public static final long RELOAD_MILLIS = 2000;

  private final List<byte[]> shared;
  private final Path tokenFile;
  private volatile AgentTokens tokens = AgentTokens.none();
  private volatile long loadedModified = -1;
  private long timerId = -1;

  /** The outcome of a check. */
  public record Verdict(boolean ok, boolean revoked, AgentTokens.Identity identity) {
    /** Whether this token may post results for {@code agentId}. */
    public boolean mayPostAs(String agentId) {
      return identity == null || identity.agentId().equals(agentId);
    }

    /**
     * Whether this token may post results and heartbeats from {@code location}: a per-agent token
     * only from the location it was issued for; a shared fleet token from any (the caller still
     * checks that the fleet declares it).
     */
    public boolean mayPostFrom(String location) {
      return identity == null || identity.location().equals(location);
    }
  }

  /**
   * @param sharedTokens fleet tokens any agent may use; may be empty
   * @param tokenFile the per-agent token file, or null
   */
  public AgentAuth(Set<String> sharedTokens, Path tokenFile) {
    this.shared = sharedTokens.stream().map(AgentAuth::sha256).toList();
    this.tokenFile = tokenFile;
  }

  /** Loads the token file and starts watching it; completes when it is loaded. */
  public Future<Void> start(Vertx vertx) {
    if (tokenFile == null) {
      return Future.succeededFuture();
    }
    return reload(vertx)
        .onSuccess(
            v ->
                timerId =
                    vertx.setPeriodic(
                        RELOAD_MILLIS,
                        t ->
                            reload(vertx)
                                .onFailure(
                                    e ->
                                        LOG.warning(
                                            "keeping the previous agent tokens: "
                                                + e.getMessage()))));
  }

  public void stop(Vertx vertx) {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
  }

  private Future<Void> reload(Vertx vertx) {
    return vertx
        .fileSystem()
        .props(tokenFile.toString())
        .compose(
            props -> {
              if (props.lastModifiedTime() == loadedModified) {
                return Future.succeededFuture();
              }
              return vertx.executeBlocking(
                  () -> {
                    tokens = AgentTokens.load(tokenFile);
                    loadedModified = props.lastModifiedTime();
                    LOG.info("loaded " + tokens.size() + " agent tokens from " + tokenFile);
                    return null;
                  });
            });
  }

  /** Checks an {@code Authorization} header (may be null). */
  public Verdict check(String authorizationHeader) {
    if (authorizationHeader == null
        || authorizationHeader.length() <= PREFIX.length()
        || !authorizationHeader.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      return new Verdict(false, false, null);
    }
    String token = authorizationHeader.substring(PREFIX.length()).trim();
    Optional<AgentTokens.Identity> id = tokens.identify(token);
    if (id.isPresent()) {
      return new Verdict(!id.get().revoked(), id.get().revoked(), id.get());
    }
    byte[] presented = sha256(token);
    boolean match = false;
    for (byte[] d : shared) {
      match |= MessageDigest.isEqual(d, presented);
    }
    return new Verdict(match, false, null);
  }

  /** The outcome of checking a heartbeat ping's token. */
  public enum HeartbeatVerdict {
    /** The token is the heartbeat's own. */
    OK,
    /** No token was presented. */
    MISSING,
    /** A token that is no token of the coordinator's. */
    WRONG,
    /** The heartbeat's own token, revoked. */
    REVOKED,
    /** Another heartbeat's token. */
    OTHER_HEARTBEAT,
    /** A valid token of another kind (an agent's, or a shared fleet token): it pings nothing. */
    NOT_A_HEARTBEAT_TOKEN
  }

  /**
   * Checks a heartbeat ping's token: only a heartbeat token issued for {@code checkId} may ping it.
   *
   * @param token the token as presented (from {@code Authorization: Bearer} or {@code ?key=}); may
   *     be null
   */
  public HeartbeatVerdict checkHeartbeat(String token, String checkId) {
    if (token == null || token.isBlank()) {
      return HeartbeatVerdict.MISSING;
    }
    Optional<AgentTokens.HeartbeatIdentity> id = tokens.identifyHeartbeat(token);
    if (id.isPresent()) {
      if (!id.get().checkId().equals(checkId)) {
        return HeartbeatVerdict.OTHER_HEARTBEAT;
      }
      return id.get().revoked() ? HeartbeatVerdict.REVOKED : HeartbeatVerdict.OK;
    }
    Verdict agent = check(PREFIX + token);
    return agent.ok() || agent.revoked()
        ? HeartbeatVerdict.NOT_A_HEARTBEAT_TOKEN
        : HeartbeatVerdict.WRONG;
  }

  /** The token of a {@code Bearer} {@code Authorization} header, or null. */
  public static String bearerToken(String authorizationHeader) {
    if (authorizationHeader == null
        || authorizationHeader.length() <= PREFIX.length()
        || !authorizationHeader.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      return null;
    }
    return authorizationHeader.substring(PREFIX.length()).trim();
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
