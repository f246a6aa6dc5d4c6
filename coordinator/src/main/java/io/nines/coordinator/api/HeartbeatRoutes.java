package io.nines.coordinator.api;

import static io.nines.coordinator.api.Replies.badRequest;
import static io.nines.coordinator.api.Replies.error;

import io.nines.config.Check;
import io.nines.config.Fleet;
import io.nines.coordinator.fleet.AgentAuth;
import io.nines.coordinator.heartbeat.Heartbeats;
import io.nines.coordinator.heartbeat.LogText;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * {@code POST /api/v1/heartbeats/{id}}, {@code .../start} and {@code .../fail}: a heartbeat check's
 * job reports. Only the heartbeat's own token may ping it, from {@code Authorization: Bearer} or
 * {@code ?key=} (for cron lines that cannot set a header); any other token is refused and counted
 * in {@code nines_auth_failures_total{reason}}: 403 for another heartbeat's token, 401 for every
 * other (none, wrong, revoked, or a token of another kind such as an agent's). The optional body is
 * JSON {@code {"exitCode": N, "log": "..."}} or plain text (the log); log text beyond {@link
 * LogText#MAX_BYTES} is cut, a body beyond {@link #MAX_BODY_BYTES} (or the coordinator's smaller
 * body limit) is refused with 413.
 */
public final class HeartbeatRoutes implements RouteGroup {
  /** The largest body a ping may have; a longer one is refused with 413. */
  public static final long MAX_BODY_BYTES = 1024 * 1024;

  private static final java.util.regex.Pattern CHECK_ID =
      java.util.regex.Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

  private final long bodyLimitBytes;

  private final Supplier<Fleet> fleet;
  private final AgentAuth auth;
  private final AuthFailures authFailures;
  private final Heartbeats heartbeats;

  /**
   * @param bodyLimitBytes the coordinator's body limit; a ping's is the smaller of it and {@link
   *     #MAX_BODY_BYTES}
   */
  public HeartbeatRoutes(
      Supplier<Fleet> fleet,
      AgentAuth auth,
      AuthFailures authFailures,
      Heartbeats heartbeats,
      long bodyLimitBytes) {
    this.bodyLimitBytes = Math.min(bodyLimitBytes, MAX_BODY_BYTES);
    this.fleet = fleet;
    this.auth = auth;
    this.authFailures = authFailures;
    this.heartbeats = heartbeats;
  }

  @Override
  public void mount(Router router) {
    route(router, "/api/v1/heartbeats/:id", Heartbeats.Kind.SUCCESS);
    route(router, "/api/v1/heartbeats/:id/start", Heartbeats.Kind.START);
    route(router, "/api/v1/heartbeats/:id/fail", Heartbeats.Kind.FAIL);
  }

  private void route(Router router, String path, Heartbeats.Kind kind) {
    // Authentication runs before the body is read, as on /api/v1/results.
    router.post(path).handler(this::authenticate);
    router
        .post(path)
        .handler(BodyHandler.create(false).setBodyLimit(bodyLimitBytes))
        .handler(ctx -> ping(ctx, kind));
  }

  private void authenticate(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!CHECK_ID.matcher(id).matches()) {
      // Says nothing about tokens or checks: any id of this shape is refused alike.
      badRequest(
          ctx,
          "the heartbeat id was '"
              + Replies.abbreviate(id)
              + "' but it must be a check id: lowercase letters, digits, '.', '_' or '-'");
      return;
    }
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    String token = AgentAuth.bearerToken(header);
    if (token == null) {
      token = ctx.request().getParam("key");
    }
    AgentAuth.HeartbeatVerdict verdict = auth.checkHeartbeat(token, id);
    if (verdict == AgentAuth.HeartbeatVerdict.OK) {
      ctx.next();
      return;
    }
    AuthFailures.Reason reason =
        switch (verdict) {
          case MISSING -> AuthFailures.Reason.MISSING_TOKEN;
          case REVOKED -> AuthFailures.Reason.REVOKED_TOKEN;
          case OTHER_HEARTBEAT -> AuthFailures.Reason.OTHER_HEARTBEAT;
          case NOT_A_HEARTBEAT_TOKEN -> AuthFailures.Reason.NOT_A_HEARTBEAT_TOKEN;
          default -> AuthFailures.Reason.WRONG_TOKEN;
        };
    authFailures.count(reason, 1);
    String host = AuthFailures.hostOf(ctx.request());
    authFailures.logOnce(
        host,
        reason,
        "refused "
            + ctx.request().path()
            + " from "
            + host
            + ": "
            + reason.tag().replace('_', ' '));
    if (reason == AuthFailures.Reason.OTHER_HEARTBEAT) {
      // A heartbeat token, valid but bound to another heartbeat: as another agent's token, 403.
      error(
          ctx,
          403,
          "forbidden",
          "this token belongs to another heartbeat; each heartbeat is pinged with its own token"
              + " (nines token create --heartbeat "
              + id
              + ")");
      return;
    }
    ctx.response().putHeader("WWW-Authenticate", "Bearer");
    error(
        ctx,
        401,
        "unauthorized",
        (reason == AuthFailures.Reason.NOT_A_HEARTBEAT_TOKEN
                ? "this token is not a heartbeat token: heartbeat "
                : "heartbeat ")
            + id
            + " needs its own token: send 'Authorization: Bearer <token>' or ?key=<token> (nines"
            + " token create --heartbeat "
            + id
            + ")");
  }

  private void ping(RoutingContext ctx, Heartbeats.Kind kind) {
    Fleet f = fleet.get();
    if (f == null) {
      error(ctx, 503, "not_ready", "no configuration is loaded yet; retry shortly");
      return;
    }
    String id = ctx.pathParam("id");
    Integer exitCode = null;
    String log = null;
    String rawExit = ctx.request().getParam("exitCode");
    if (rawExit != null) {
      exitCode = exitCode(ctx, rawExit, "?exitCode");
      if (exitCode == null) {
        return;
      }
    }
    Check check = Heartbeats.heartbeat(f, id);
    if (check == null) {
      error(
          ctx,
          404,
          "not_found",
          "no heartbeat check '"
              + id
              + "' in the configuration"
              + (f.check(id).isPresent()
                  ? " ('"
                      + id
                      + "' is a "
                      + f.check(id).get().type()
                      + " check, which is probed, not pinged)"
                  : ""));
      return;
    }
    Buffer body = ctx.body().buffer();
    if (body != null && body.length() > 0) {
      String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
      if (type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
        JsonObject json;
        try {
          json = new JsonObject(body);
        } catch (DecodeException | ClassCastException e) {
          badRequest(
              ctx,
              "the body was not a JSON object; send {\"exitCode\": 1, \"log\": \"...\"}, or the"
                  + " log as text/plain");
          return;
        }
        Object code = json.getValue("exitCode");
        if (code != null) {
          exitCode = exitCode(ctx, String.valueOf(code), "exitCode");
          if (exitCode == null) {
            return;
          }
        }
        Object text = json.getValue("log");
        if (text != null && !(text instanceof String)) {
          badRequest(ctx, "log was not a string; it must be the job's log text");
          return;
        }
        log = (String) text;
      } else {
        log = body.toString(StandardCharsets.UTF_8);
      }
    }
    String kept = log == null ? null : LogText.cut(log);
    boolean cut = kept != null && kept.length() != log.length();
    heartbeats
        .ping(f, check, kind, exitCode, kept)
        .onFailure(ctx::fail)
        .onSuccess(
            r -> {
              JsonObject out =
                  new JsonObject()
                      .put("check", id)
                      .put("kind", r.kind().word())
                      .put("at", r.at().toString());
              if (r.result() != null) {
                out.put("result", r.result().id())
                    .put("ok", r.result().ok())
                    .put("durationMillis", r.result().durationMillis());
                if (r.outcome() != null && !r.outcome().rejected().isEmpty()) {
                  out.put("rejected", r.outcome().rejected().get(0).reason());
                }
              }
              if (cut) {
                out.put("logCut", true);
              }
              ctx.json(out);
            });
  }

  private static Integer exitCode(RoutingContext ctx, String raw, String where) {
    try {
      long v = Long.parseLong(raw.trim());
      if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
        return (int) v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    badRequest(
        ctx,
        where
            + " was '"
            + Replies.abbreviate(raw)
            + "' but it must be the job's exit code, an integer such as 1");
    return null;
  }
}
