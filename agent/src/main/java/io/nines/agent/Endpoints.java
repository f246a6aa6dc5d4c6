package io.nines.agent;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;

/**
 * The agent's HTTP endpoints: {@code GET /metrics}, {@code GET /health/live} and {@code GET
 * /health/ready}, as one request handler of a plain Vert.x {@code HttpServer}. Three fixed paths
 * need no router: without vertx-web the agent loads and keeps fewer classes (its resident memory,
 * docs/deploy-agent.md, "Memory").
 *
 * <p>Another path is answered {@code 404}, another method than {@code GET} on these paths {@code
 * 405} with {@code Allow: GET} (as the router that served them before did); both with a plain-text
 * line that says what is served. Runs on the HTTP server's context (an event loop); {@code ready}
 * is called there.
 */
final class Endpoints implements Handler<HttpServerRequest> {
  static final String METRICS = "/metrics";
  static final String LIVE = "/health/live";
  static final String READY = "/health/ready";

  private static final String PATHS = "GET " + METRICS + ", " + LIVE + " or " + READY;

  private final Handler<HttpServerRequest> metrics;
  private final Supplier<JsonObject> ready;

  /**
   * @param metrics answers {@code /metrics} (e.g. {@link MetricsEndpoint})
   * @param ready the body of {@code /health/ready}, built per request on the server's context
   */
  Endpoints(Handler<HttpServerRequest> metrics, Supplier<JsonObject> ready) {
    this.metrics = metrics;
    this.ready = ready;
  }

  @Override
  public void handle(HttpServerRequest request) {
    String path = request.path();
    boolean known = METRICS.equals(path) || LIVE.equals(path) || READY.equals(path);
    if (!known) {
      plain(request, 404, "not found: " + path + " (this agent serves " + PATHS + ")\n");
      return;
    }
    HttpMethod method = request.method();
    if (!HttpMethod.GET.equals(method)) {
      request.response().putHeader("Allow", "GET");
      plain(request, 405, "method not allowed: " + method + " " + path + " (expected: GET)\n");
      return;
    }
    switch (path) {
      case METRICS -> metrics.handle(request);
      case LIVE -> json(request, new JsonObject().put("status", "UP"));
      default -> json(request, ready.get());
    }
  }

  private static void json(HttpServerRequest request, JsonObject body) {
    request.response().putHeader("Content-Type", "application/json").end(body.toBuffer());
  }

  private static void plain(HttpServerRequest request, int status, String message) {
    request
        .response()
        .setStatusCode(status)
        .putHeader("Content-Type", "text/plain; charset=utf-8")
        .end(message);
  }
}
