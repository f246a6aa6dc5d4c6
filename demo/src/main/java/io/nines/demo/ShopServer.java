package io.nines.demo;

import io.nines.common.TimeSource;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ShopSmart, the demo shop from the course material: login, catalog, search, cart, checkout,
 * payments and reviews, each behind its own path, each with a fault switch.
 *
 * <p>Checkout calls payments: when payments is out, checkout fails too, so the demo shows an
 * upstream outage and its dependants. Faults are set through {@code /demo/faults}. The same port
 * serves gRPC health and the live orders feed, a WebSocket ({@link ShopProtocols}).
 *
 * <p>Next to the JSON API, a small server-rendered storefront under {@code /store/} ({@link
 * Storefront}) sells through the same sessions, carts and fault switches, for journeys in a real
 * browser.
 */
public final class ShopServer {
  /** The services of the shop, in the order the demo lists them. */
  public static final List<String> SERVICES =
      List.of("login", "catalog", "search", "cart", "checkout", "payments", "reviews", "orders");

  /** The cookie that carries a session's token (set by {@code /api/login} and the storefront). */
  static final String SESSION_COOKIE = "session";

  /** The password the demo's probe user logs in with. */
  public static final String PROBE_PASSWORD = "shopsmart";

  private static final JsonArray ITEMS =
      new JsonArray()
          .add(new JsonObject().put("sku", "A1").put("name", "Trail shoes").put("price", 89.0))
          .add(new JsonObject().put("sku", "B2").put("name", "Rain jacket").put("price", 129.0))
          .add(new JsonObject().put("sku", "C3").put("name", "Headlamp").put("price", 35.5));

  private final Vertx vertx;
  private final TimeSource time;
  private final Random random;
  private final Map<String, Fault> faults = new ConcurrentHashMap<>();
  private final Set<String> tokens = ConcurrentHashMap.newKeySet();
  private final Map<String, JsonArray> carts = new ConcurrentHashMap<>();
  private final ShopProtocols protocols;
  private HttpServer server;

  /**
   * @param random decides which requests fail under {@link Fault.Mode#ERRORS}
   */
  public ShopServer(Vertx vertx, TimeSource time, Random random) {
    this.vertx = vertx;
    this.time = time;
    this.random = random;
    this.protocols = new ShopProtocols(vertx, time, random, this::faultOf);
  }

  /** Starts listening; completes with the bound port. */
  public Future<Integer> start(String host, int port) {
    return protocols
        .install(vertx.createHttpServer(), router())
        .listen(port, host)
        .map(
            s -> {
              server = s;
              return s.actualPort();
            });
  }

  public Future<Void> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** Sets a fault on a service. */
  public void setFault(String service, Fault fault) {
    requireService(service);
    faults.put(service, fault);
  }

  /** Clears a service's fault. */
  public void clearFault(String service) {
    requireService(service);
    faults.remove(service);
  }

  /** The fault on a service now, or null. */
  public Fault faultOf(String service) {
    Fault f = faults.get(service);
    if (f != null && !f.activeAt(time.now())) {
      faults.remove(service, f);
      return null;
    }
    return f;
  }

  private static void requireService(String service) {
    if (!SERVICES.contains(service)) {
      throw new IllegalArgumentException(
          "unknown service '" + service + "'; the shop has " + String.join(", ", SERVICES));
    }
  }

  Router router() {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create().setBodyLimit(64 * 1024));
    router.get("/health").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.post("/api/login").handler(faulty("login", this::login));
    router.get("/api/catalog").handler(faulty("catalog", this::catalog));
    router.get("/api/search").handler(faulty("search", this::search));
    router.post("/api/cart").handler(faulty("cart", this::addToCart));
    router.post("/api/checkout").handler(faulty("checkout", this::checkout));
    router.get("/api/payments/health").handler(faulty("payments", this::paymentsHealth));
    router.get("/api/reviews").handler(faulty("reviews", this::reviews));
    new Storefront(this).mount(router);
    router.get("/demo/faults").handler(this::listFaults);
    router.post("/demo/faults/:service").handler(this::postFault);
    router.delete("/demo/faults/:service").handler(this::deleteFault);
    router.route().last().handler(ctx -> error(ctx, 404, "not_found", "no such page in the shop"));
    return router;
  }

  /** Writes a refusal: the API's JSON error, or the storefront's HTML page. */
  @FunctionalInterface
  interface ErrorWriter {
    void write(RoutingContext ctx, int status, String error, String message);
  }

  /** Wraps a handler with the service's fault switch; errors are the API's JSON. */
  private Handler<RoutingContext> faulty(String service, Handler<RoutingContext> handler) {
    return faulty(service, handler, ShopServer::error);
  }

  /**
   * Wraps a handler with the service's fault switch. {@link Fault.Mode#BROKEN_UI} lets every
   * request through: it breaks only what the browser runs ({@link Storefront}).
   */
  Handler<RoutingContext> faulty(
      String service, Handler<RoutingContext> handler, ErrorWriter errors) {
    return ctx -> {
      Fault fault = faultOf(service);
      if (fault == null) {
        handler.handle(ctx);
        return;
      }
      switch (fault.mode()) {
        case OUTAGE -> errors.write(ctx, 503, "outage", service + " is down (demo fault)");
        case SLOW -> vertx.setTimer(Math.max(1, fault.delayMillis()), t -> handler.handle(ctx));
        case BROKEN_UI -> handler.handle(ctx);
        case ERRORS -> {
          if (random.nextDouble() < fault.errorShare()) {
            errors.write(ctx, 500, "error", service + " failed this request (demo fault)");
          } else {
            handler.handle(ctx);
          }
        }
      }
    };
  }

  private void login(RoutingContext ctx) {
    JsonObject body = jsonBody(ctx);
    if (body == null) {
      return;
    }
    String token = logIn(body.getString("user"), body.getString("password"));
    if (token == null) {
      error(ctx, 401, "unauthorized", "unknown user or wrong password");
      return;
    }
    ctx.response().addCookie(io.vertx.core.http.Cookie.cookie(SESSION_COOKIE, token).setPath("/"));
    ctx.json(new JsonObject().put("token", token).put("user", body.getString("user")));
  }

  /**
   * Starts a session for the demo's users ({@code probe} and {@code demo}, password {@link
   * #PROBE_PASSWORD}).
   *
   * @return the session's token, or null when the user or the password is wrong
   */
  String logIn(String user, String password) {
    if (!"probe".equals(user) && !"demo".equals(user) || !PROBE_PASSWORD.equals(password)) {
      return null;
    }
    String token = UUID.randomUUID().toString();
    tokens.add(token);
    return token;
  }

  /** Ends a session: its token no longer works, and its cart is gone. */
  void endSession(String token) {
    tokens.remove(token);
    carts.remove(token);
  }

  /** Whether a token belongs to a session of this shop. */
  boolean isSession(String token) {
    return token != null && tokens.contains(token);
  }

  /** The catalog's items, a copy. */
  static JsonArray items() {
    return ITEMS.copy();
  }

  /** The catalog item with this sku, or null. */
  static JsonObject item(String sku) {
    for (int i = 0; i < ITEMS.size(); i++) {
      if (ITEMS.getJsonObject(i).getString("sku").equals(sku)) {
        return ITEMS.getJsonObject(i).copy();
      }
    }
    return null;
  }

  /** The session's cart, a copy; empty when it has none. */
  JsonArray cartOf(String token) {
    JsonArray cart = carts.get(token);
    return cart == null ? new JsonArray() : cart.copy();
  }

  /** Adds one of an item to the session's cart; returns the cart, a copy. */
  JsonArray addToCart(String token, JsonObject item) {
    JsonArray cart = carts.computeIfAbsent(token, t -> new JsonArray());
    cart.add(
        new JsonObject()
            .put("sku", item.getString("sku"))
            .put("qty", 1)
            .put("price", item.getDouble("price")));
    return cart.copy();
  }

  /** Whether the catalog's listing is cut off: it is built from the search index. */
  boolean searchIsOut() {
    Fault search = faultOf("search");
    return search != null && search.mode() == Fault.Mode.OUTAGE;
  }

  private void catalog(RoutingContext ctx) {
    if (searchIsOut()) {
      // The catalog's listing is built from the search index.
      error(ctx, 502, "upstream", "catalog can't reach search");
      return;
    }
    ctx.json(new JsonObject().put("items", ITEMS.copy()));
  }

  private void search(RoutingContext ctx) {
    String q = ctx.request().getParam("q", "").toLowerCase(Locale.ROOT);
    JsonArray results = new JsonArray();
    for (int i = 0; i < ITEMS.size(); i++) {
      JsonObject item = ITEMS.getJsonObject(i);
      if (item.getString("name").toLowerCase(Locale.ROOT).contains(q)) {
        results.add(item.copy());
      }
    }
    ctx.json(new JsonObject().put("query", q).put("results", results));
  }

  private void addToCart(RoutingContext ctx) {
    String token = bearer(ctx);
    if (token == null) {
      return;
    }
    JsonObject body = jsonBody(ctx);
    if (body == null) {
      return;
    }
    String sku = body.getString("sku", "");
    JsonObject item = item(sku);
    if (item == null) {
      error(ctx, 400, "bad_request", "sku '" + sku + "' is not in the catalog; try A1, B2 or C3");
      return;
    }
    JsonArray cart = addToCart(token, item);
    ctx.response().setStatusCode(201);
    ctx.json(
        new JsonObject()
            .put("cart", new JsonObject().put("items", cart))
            .put("total", total(cart)));
  }

  private void checkout(RoutingContext ctx) {
    String token = bearer(ctx);
    if (token == null) {
      return;
    }
    Fault payments = faultOf("payments");
    if (payments != null && payments.mode() == Fault.Mode.OUTAGE) {
      error(ctx, 502, "payment_failed", "the payment provider did not answer");
      return;
    }
    JsonArray cart = carts.remove(token);
    if (cart == null || cart.isEmpty()) {
      error(ctx, 409, "empty_cart", "the cart is empty; add an item first");
      return;
    }
    ctx.json(
        new JsonObject()
            .put("state", "PAID")
            .put("order", "ord-" + Long.toHexString(time.wallMillis()))
            .put("total", total(cart)));
  }

  private void paymentsHealth(RoutingContext ctx) {
    ctx.json(new JsonObject().put("status", "UP"));
  }

  private void reviews(RoutingContext ctx) {
    String sku = ctx.request().getParam("sku", "A1");
    ctx.json(
        new JsonObject()
            .put("sku", sku)
            .put(
                "reviews",
                new JsonArray().add(new JsonObject().put("stars", 5).put("text", "Great fit"))));
  }

  private void listFaults(RoutingContext ctx) {
    JsonObject out = new JsonObject();
    for (String s : SERVICES) {
      Fault f = faultOf(s);
      out.put(s, f == null ? new JsonObject().put("mode", "none") : f.toJson());
    }
    ctx.json(out);
  }

  private void postFault(RoutingContext ctx) {
    String service = ctx.pathParam("service");
    if (!SERVICES.contains(service)) {
      error(
          ctx,
          404,
          "not_found",
          "unknown service '" + service + "'; the shop has " + String.join(", ", SERVICES));
      return;
    }
    JsonObject body = jsonBody(ctx);
    if (body == null) {
      return;
    }
    String mode = body.getString("mode", "");
    if ("none".equalsIgnoreCase(mode)) {
      clearFault(service);
      ctx.json(new JsonObject().put("service", service).put("mode", "none"));
      return;
    }
    Fault.Mode parsed = Fault.Mode.fromWireName(mode.toLowerCase(Locale.ROOT));
    if (parsed == null) {
      error(
          ctx,
          400,
          "bad_request",
          "mode was '" + mode + "' but it must be outage, slow, errors, broken-ui or none");
      return;
    }
    if (parsed == Fault.Mode.BROKEN_UI && !"checkout".equals(service)) {
      error(
          ctx,
          400,
          "bad_request",
          "broken-ui breaks the storefront's checkout button, so it is a fault of checkout, not of "
              + service
              + "; try: checkout broken-ui");
      return;
    }
    long forSeconds = body.getLong("forSeconds", 0L);
    double share = body.getDouble("share", 0.5);
    long delay = body.getLong("delayMillis", 3000L);
    if (forSeconds < 0 || share <= 0 || share > 1 || delay < 0) {
      error(ctx, 400, "bad_request", "forSeconds must be >= 0, share in (0, 1], delayMillis >= 0");
      return;
    }
    Instant until = forSeconds == 0 ? null : time.now().plus(Duration.ofSeconds(forSeconds));
    Fault fault =
        new Fault(
            parsed,
            parsed == Fault.Mode.ERRORS ? share : 1.0,
            parsed == Fault.Mode.SLOW ? delay : 0,
            until);
    setFault(service, fault);
    ctx.json(fault.toJson().put("service", service));
  }

  private void deleteFault(RoutingContext ctx) {
    String service = ctx.pathParam("service");
    if (!SERVICES.contains(service)) {
      error(ctx, 404, "not_found", "unknown service '" + service + "'");
      return;
    }
    clearFault(service);
    ctx.json(new JsonObject().put("service", service).put("mode", "none"));
  }

  /**
   * The request's session: its bearer token, or, without an Authorization header, the storefront's
   * session cookie (the storefront's script pays through {@code /api/checkout} with it).
   */
  private String bearer(RoutingContext ctx) {
    String auth = ctx.request().getHeader("Authorization");
    String token;
    if (auth != null) {
      token = auth.startsWith("Bearer ") ? auth.substring(7).trim() : null;
    } else {
      io.vertx.core.http.Cookie cookie = ctx.request().getCookie(SESSION_COOKIE);
      token = cookie == null ? null : cookie.getValue();
    }
    if (!isSession(token)) {
      error(ctx, 401, "unauthorized", "log in first and send 'Authorization: Bearer <token>'");
      return null;
    }
    return token;
  }

  private static JsonObject jsonBody(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body == null) {
        error(ctx, 400, "bad_request", "the body must be a JSON object");
      }
      return body;
    } catch (RuntimeException e) {
      error(ctx, 400, "bad_request", "the body must be a JSON object");
      return null;
    }
  }

  static double total(JsonArray cart) {
    double sum = 0;
    for (int i = 0; i < cart.size(); i++) {
      sum += cart.getJsonObject(i).getDouble("price");
    }
    return sum;
  }

  private static void error(RoutingContext ctx, int status, String error, String message) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("error", error).put("message", message).encode());
  }
}
