package io.nines.coordinator.demo;

import static io.nines.coordinator.api.Replies.badRequest;
import static io.nines.coordinator.api.Replies.error;

import io.nines.coordinator.api.Replies;
import io.nines.coordinator.api.RouteGroup;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The dashboard demo panel's fault switch: relays {@code /api/v1/demo/faults} to the demo shop that
 * {@code nines up} starts. Mounted only when the coordinator is given a demo shop ({@link
 * io.nines.coordinator.CoordinatorOptions#demoShopUrl()}); a coordinator without one has no such
 * route, and the path answers the ordinary unknown-path 404.
 */
public final class DemoShopProxy implements RouteGroup {
  private static final Pattern SERVICE_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  private final Vertx vertx;
  private final URI demoShop;
  private HttpClient shopClient;

  /**
   * @param demoShopUrl the demo shop's base URL, e.g. {@code http://127.0.0.1:8070}, that the demo
   *     panel's fault switch forwards to
   * @throws IllegalArgumentException when {@code demoShopUrl} is not an http(s) URL
   */
  public DemoShopProxy(Vertx vertx, String demoShopUrl) {
    this.vertx = vertx;
    this.demoShop = shopUri(demoShopUrl);
  }

  static URI shopUri(String url) {
    URI uri;
    try {
      uri = url == null ? null : URI.create(url);
    } catch (IllegalArgumentException e) {
      uri = null;
    }
    if (uri == null
        || uri.getHost() == null
        || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
      throw new IllegalArgumentException(
          "demoShopUrl was '"
              + url
              + "' but it must be an http(s) URL such as http://127.0.0.1:8070");
    }
    return uri;
  }

  /** Adds the fault switch's routes to {@code router}. */
  @Override
  public void mount(Router router) {
    router.get("/api/v1/demo/faults").handler(this::demoFaults);
    router
        .post("/api/v1/demo/faults/:service")
        .handler(BodyHandler.create(false).setBodyLimit(16 * 1024))
        .handler(this::demoFault);
  }

  /** Closes the client to the shop, if one was opened. */
  public synchronized void close() {
    if (shopClient != null) {
      shopClient.close();
    }
  }

  private void demoFaults(RoutingContext ctx) {
    forward(ctx, HttpMethod.GET, "/demo/faults", null);
  }

  private void demoFault(RoutingContext ctx) {
    String service = ctx.pathParam("service");
    if (!SERVICE_ID.matcher(service).matches()) {
      error(ctx, 404, "not_found", "unknown demo service '" + service + "'");
      return;
    }
    Buffer body = ctx.body().buffer();
    JsonObject json;
    try {
      json = body == null || body.length() == 0 ? null : new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      json = null;
    }
    if (json == null || !(json.getValue("mode") instanceof String)) {
      badRequest(
          ctx,
          "the body must be a JSON object such as {\"mode\":\"outage\",\"forSeconds\":120}; mode"
              + " is outage, slow, errors, broken-ui (checkout only) or none");
      return;
    }
    forward(ctx, HttpMethod.POST, "/demo/faults/" + service, json.toBuffer());
  }

  /** Relays a request to the demo shop and its answer back, status and JSON body as they are. */
  private void forward(RoutingContext ctx, HttpMethod method, String path, Buffer body) {
    boolean tls = "https".equals(demoShop.getScheme());
    int port = demoShop.getPort() > 0 ? demoShop.getPort() : tls ? 443 : 80;
    String base = demoShop.getRawPath() == null ? "" : demoShop.getRawPath().replaceAll("/$", "");
    RequestOptions options =
        new RequestOptions()
            .setMethod(method)
            .setHost(demoShop.getHost())
            .setPort(port)
            .setSsl(tls)
            .setURI(base + path)
            .setTimeout(5000)
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    shop()
        .request(options)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(resp -> resp.body().map(b -> Map.entry(resp.statusCode(), b)))
        .onSuccess(
            r ->
                ctx.response()
                    .setStatusCode(r.getKey())
                    .putHeader(HttpHeaders.CONTENT_TYPE, Replies.JSON)
                    .end(r.getValue()))
        .onFailure(
            e ->
                error(
                    ctx,
                    502,
                    "bad_gateway",
                    "the demo shop at " + demoShop + " did not answer: " + e.getMessage()));
  }

  private synchronized HttpClient shop() {
    if (shopClient == null) {
      shopClient = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2000));
    }
    return shopClient;
  }
}
