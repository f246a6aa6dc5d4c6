package io.nines.coordinator.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nines.coordinator.fleet.AgentAuth;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Counts and logs refusals for a token: {@code nines.auth.failures{reason}} (Prometheus {@code
 * nines_auth_failures_total}), one counter per {@link Reason}, all registered at once so that each
 * reads 0 before its first refusal.
 *
 * <p>A refusal is logged once per agent (or, without an agent, per remote host) and reason, not per
 * request or result: a misconfigured or hostile agent that keeps posting fills the counter, not the
 * log. At most {@link #MAX_LOGGED} such keys are remembered; beyond that nothing more is logged
 * (once said), while the counters keep counting. Thread-safe.
 */
public final class AuthFailures {
  private static final Logger LOG = Logger.getLogger(AuthFailures.class.getName());

  /** How many (who, reason) pairs are remembered as logged; bounds memory under attack. */
  static final int MAX_LOGGED = 4096;

  /** Why a request or a result was refused; the tag values are the lowercase names. */
  public enum Reason {
    /** No {@code Authorization: Bearer} header (or {@code ?key=} for reads). */
    MISSING_TOKEN,
    /** A token that is none of the coordinator's tokens of the kind the request needs. */
    WRONG_TOKEN,
    /** A per-agent token that was revoked. */
    REVOKED_TOKEN,
    /** A per-agent token used for another agent id. */
    OTHER_AGENT,
    /** A per-agent token used for a location other than the one it was issued for. */
    OTHER_LOCATION,
    /** A location the fleet configuration does not declare. */
    UNDECLARED_LOCATION,
    /** Results of a check from a declared location that the check does not run from. */
    CHECK_NOT_AT_LOCATION,
    /** A heartbeat token used to ping another heartbeat check. */
    OTHER_HEARTBEAT,
    /**
     * A valid token of another kind (an agent's, a shared fleet token) used to ping a heartbeat.
     */
    NOT_A_HEARTBEAT_TOKEN;

    /** The tag value, e.g. {@code other_location}. */
    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Map<Reason, Counter> counters = new EnumMap<>(Reason.class);
  private final Set<String> logged = ConcurrentHashMap.newKeySet();

  public AuthFailures(MeterRegistry registry) {
    for (Reason r : Reason.values()) {
      counters.put(
          r,
          Counter.builder("nines.auth.failures")
              .description(
                  "Requests and posted results refused for their token: missing, wrong, revoked,"
                      + " or used for an agent id or location it was not issued for, or for a"
                      + " location the fleet does not declare")
              .tag("reason", r.tag())
              .register(registry));
    }
  }

  /**
   * Why an agent's token was refused: revoked, missing (no or a blank {@code Authorization}
   * header), or wrong.
   */
  public static Reason agentRefusal(boolean revoked, String authorizationHeader) {
    if (revoked) {
      return Reason.REVOKED_TOKEN;
    }
    return authorizationHeader == null || authorizationHeader.isBlank()
        ? Reason.MISSING_TOKEN
        : Reason.WRONG_TOKEN;
  }

  /**
   * The one check of an agent's bearer token on the agent endpoints (results, heartbeats, the
   * configuration): the verdict of a valid token, or null after answering 401 with {@code
   * WWW-Authenticate: Bearer}, counting the refusal and logging it once per agent (or host) and
   * reason. Runs on the event loop; never blocks.
   */
  public AgentAuth.Verdict agentOrRefuse(RoutingContext ctx, AgentAuth auth) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    AgentAuth.Verdict verdict = auth.check(header);
    if (verdict.ok()) {
      return verdict;
    }
    Reason reason = agentRefusal(verdict.revoked(), header);
    count(reason, 1);
    String host = hostOf(ctx.request());
    logOnce(
        verdict.revoked() ? verdict.identity().agentId() : host,
        reason,
        "refused "
            + ctx.request().path()
            + " from "
            + host
            + (verdict.revoked()
                ? ": revoked token of agent " + verdict.identity().agentId()
                : ": " + reason.tag().replace('_', ' ')));
    ctx.response().putHeader("WWW-Authenticate", "Bearer");
    Replies.error(
        ctx,
        401,
        "unauthorized",
        "a valid agent token is required: send 'Authorization: Bearer <token>'");
    return null;
  }

  /** The remote host of {@code request}, to log refusals that have no agent by; never null. */
  public static String hostOf(io.vertx.core.http.HttpServerRequest request) {
    return request.remoteAddress() == null ? "?" : request.remoteAddress().host();
  }

  /** Counts {@code n} refusals (requests or results) for {@code reason}. */
  public void count(Reason reason, int n) {
    counters.get(reason).increment(n);
  }

  /**
   * Logs {@code message} as a warning unless a refusal of {@code who} for {@code reason} was logged
   * before; the line says that later ones are only counted.
   *
   * @param who the agent id, or the remote host when no agent is known
   */
  public void logOnce(String who, Reason reason, String message) {
    if (logged.size() >= MAX_LOGGED) {
      if (logged.add("\0full")) {
        LOG.warning(
            "more than "
                + MAX_LOGGED
                + " agents or hosts were refused for their token; further refusals are counted in"
                + " nines_auth_failures_total but not logged");
      }
      return;
    }
    if (logged.add(reason.tag() + "\0" + who)) {
      LOG.warning(
          message
              + " (logged once for "
              + who
              + "; later refusals count in nines_auth_failures_total{reason=\""
              + reason.tag()
              + "\"})");
    }
  }
}
