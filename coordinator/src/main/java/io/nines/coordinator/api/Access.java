package io.nines.coordinator.api;

import io.nines.coordinator.readmodel.Views;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/**
 * Who may read and who may change things, apart from agents (whose token only posts results):
 *
 * <ul>
 *   <li><b>Reads.</b> With read tokens configured, every {@code GET} under {@code /api/v1/} except
 *       the public ones ({@link #PUBLIC}) needs a read or an admin token, as {@code Authorization:
 *       Bearer <token>} or as {@code ?key=<token>} (for browsers' {@code EventSource}, which cannot
 *       send headers); so does {@code GET /metrics}, which names checks, services and agents
 *       (Prometheus sends the token with {@code authorization: credentials_file}). Without read
 *       tokens, reads and metrics are open: an explicit choice of the operator ({@code nines
 *       coordinator --public-read}) or of the Java caller. The public status ({@code
 *       /api/v1/status}, {@code /status}), {@code /health/*} and the dashboard's static pages stay
 *       open either way.
 *   <li><b>Writes</b> (acknowledging incidents, creating and deleting maintenance windows) need an
 *       admin token in the {@code Authorization} header. Without admin tokens, writes are open:
 *       only sensible on loopback, as {@code nines up} runs. (The options refuse read tokens
 *       without admin tokens, so reads are never guarded while writes are open.)
 * </ul>
 *
 * <p>Tokens are compared in constant time ({@link BearerAuth}). A refusal is 401 with the API's
 * error shape; its message says which kind of token the request needs, never which token was wrong
 * or whether one was close. Refusals count in {@code nines.auth.failures}. Thread-safe.
 */
public final class Access implements RouteGroup {
  /** Paths under {@code /api/v1/} that anyone may read: the public status and the API document. */
  public static final Set<String> PUBLIC = Set.of("/api/v1/status", "/api/v1/openapi.yaml");

  /**
   * Paths under {@code /api/v1/} that agents read with their own token, checked by the route itself
   * ({@link io.nines.coordinator.fleet.AgentAuth}), not with a read token.
   */
  public static final Set<String> AGENT_READS = Set.of("/api/v1/agents/config");

  private final boolean readsGuarded;
  private final boolean writesGuarded;
  private final BearerAuth readers;
  private final BearerAuth admins;
  private final AuthFailures failures;

  /**
   * @param readTokens tokens that may read; empty leaves reads open
   * @param adminTokens tokens that may read and write; empty leaves writes open
   */
  public Access(Set<String> readTokens, Set<String> adminTokens, AuthFailures failures) {
    this.readsGuarded = !readTokens.isEmpty();
    this.writesGuarded = !adminTokens.isEmpty();
    this.readers = new BearerAuth(readTokens);
    this.admins = new BearerAuth(adminTokens);
    this.failures = failures;
  }

  /**
   * Adds the read guard in front of every route of {@code router}, whenever they are added: it runs
   * before any other handler (its order is {@link Integer#MIN_VALUE}).
   */
  @Override
  public void mount(Router router) {
    if (!readsGuarded) {
      return;
    }
    router.route("/api/v1/*").order(Integer.MIN_VALUE).handler(this::guardRead);
    // Metrics follow the same choice: they name checks, services and agents.
    router.route("/metrics").order(Integer.MIN_VALUE).handler(this::guardRead);
    router.route("/metrics/availability").order(Integer.MIN_VALUE).handler(this::guardRead);
  }

  /** Whether reads need a token; false when reads are open to anyone who reaches the port. */
  public boolean readsGuarded() {
    return readsGuarded;
  }

  /** Whether writes need an admin token; false when they are open. */
  public boolean writesGuarded() {
    return writesGuarded;
  }

  private void guardRead(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    boolean read = method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD);
    String path = ctx.normalizedPath();
    if (!read || PUBLIC.contains(path) || AGENT_READS.contains(path) || permitsRead(ctx)) {
      ctx.next();
      return;
    }
    refuse(
        ctx,
        ctx.request().getHeader(HttpHeaders.AUTHORIZATION) == null
            && ctx.request().getParam("key") == null,
        "reading the API needs a read or admin token: send 'Authorization: Bearer <token>' or add"
            + " '?key=<token>'");
  }

  private boolean permitsRead(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    String key = ctx.request().getParam("key");
    String asHeader = key == null ? header : "Bearer " + key;
    // Both sets are always compared, so timing says nothing about which kind a token is.
    boolean reader = readers.permits(asHeader);
    boolean admin = admins.permits(asHeader);
    return reader | admin;
  }

  /**
   * Whether the request may change things; when it may not, answers 401 and returns false.
   *
   * @param what the action, for the message, e.g. {@code acknowledging an incident}
   */
  public boolean permitsWrite(RoutingContext ctx, String what) {
    if (!writesGuarded || admins.permits(ctx.request().getHeader(HttpHeaders.AUTHORIZATION))) {
      return true;
    }
    refuse(
        ctx,
        ctx.request().getHeader(HttpHeaders.AUTHORIZATION) == null,
        what + " needs an admin token: send 'Authorization: Bearer <token>'");
    return false;
  }

  private void refuse(RoutingContext ctx, boolean missing, String message) {
    AuthFailures.Reason reason =
        missing ? AuthFailures.Reason.MISSING_TOKEN : AuthFailures.Reason.WRONG_TOKEN;
    failures.count(reason, 1);
    String host = AuthFailures.hostOf(ctx.request());
    failures.logOnce(
        host,
        reason,
        "refused " + ctx.request().method() + " " + ctx.request().path() + " from " + host);
    if (ctx.response().ended()) {
      return;
    }
    ctx.response()
        .setStatusCode(401)
        .putHeader("WWW-Authenticate", "Bearer")
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
        .end(Views.error("unauthorized", message).encode());
  }
}
