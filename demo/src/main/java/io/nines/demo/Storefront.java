package io.nines.demo;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * ShopSmart's storefront: server-rendered HTML pages under {@code /store/} for journeys in a real
 * browser. A login form, the product list, the cart, and a checkout page whose "Place order" button
 * works only through {@code /store/app.js}, which pays with {@code fetch} through the JSON API's
 * {@code POST /api/checkout}.
 *
 * <p>The pages share the JSON API's sessions, carts and fault switches (the login page answers to
 * login's fault, the product list to catalog's, the cart to cart's, the checkout page to
 * checkout's), so the HTTP checks and the storefront tell the same story. {@link
 * Fault.Mode#BROKEN_UI} on checkout is the one fault only a browser sees: every page and endpoint
 * answers as usual, but {@code app.js} looks for the button under a renamed id, so wiring its click
 * handler throws ("Cannot read properties of null") and the click does nothing.
 *
 * <p>No external resources: one stylesheet and one script, both from the shop, under a
 * Content-Security-Policy of {@code 'self'}. Handlers run on the event loop and do not block.
 */
final class Storefront {
  /** The checkout button's id; {@code app.js} looks it up by this id. */
  static final String PLACE_ORDER_ID = "place-order";

  /** The id {@code app.js} looks for under {@link Fault.Mode#BROKEN_UI}: a rename it missed. */
  static final String BROKEN_PLACE_ORDER_ID = "place-order-button";

  private static final String LOGIN = "/store/login";
  private static final String PRODUCTS = "/store/products";
  private static final String CART = "/store/cart";
  private static final String CHECKOUT = "/store/checkout";

  private static final String APP_JS = resource("store/app.js");
  private static final String BROKEN_APP_JS = breakWiring(APP_JS);
  private static final String STYLE_CSS = resource("store/style.css");
  private static final String ICON_SVG =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 16 16\">"
          + "<rect width=\"16\" height=\"16\" rx=\"3\" fill=\"#1f4e79\"/></svg>";

  private final ShopServer shop;

  Storefront(ShopServer shop) {
    this.shop = shop;
  }

  /** Adds the storefront's routes; call before the router's catch-all. */
  void mount(Router router) {
    // Vert.x matches "/store/" here too.
    router.get("/store").handler(ctx -> redirect(ctx, session(ctx) == null ? LOGIN : PRODUCTS));
    router.get(LOGIN).handler(shop.faulty("login", this::loginPage, Storefront::errorPage));
    router.post(LOGIN).handler(shop.faulty("login", this::logIn, Storefront::errorPage));
    router.post("/store/logout").handler(this::logOut);
    router.get(PRODUCTS).handler(shop.faulty("catalog", this::productsPage, Storefront::errorPage));
    router.get(CART).handler(shop.faulty("cart", this::cartPage, Storefront::errorPage));
    router.post(CART).handler(shop.faulty("cart", this::addToCart, Storefront::errorPage));
    router
        .get(CHECKOUT)
        .handler(shop.faulty("checkout", this::checkoutPage, Storefront::errorPage));
    router.get("/store/app.js").handler(this::appJs);
    router.get("/store/style.css").handler(ctx -> asset(ctx, "text/css", STYLE_CSS));
    // Its own icon, so that the browser asks for no /favicon.ico (a 404 in the console).
    router.get("/store/icon.svg").handler(ctx -> asset(ctx, "image/svg+xml", ICON_SVG));
  }

  private void loginPage(RoutingContext ctx) {
    page(ctx, 200, "Log in", null, loginForm("", null), null);
  }

  private static String loginForm(String user, String problem) {
    StringBuilder html = new StringBuilder();
    if (problem != null) {
      html.append("<p class=\"problem\" role=\"alert\">").append(escape(problem)).append("</p>");
    }
    html.append(
            "<form class=\"login\" method=\"post\" action=\"/store/login\" aria-label=\"Log in\">")
        .append("<label for=\"username\">Username</label>")
        .append("<input id=\"username\" name=\"username\" autocomplete=\"username\" required")
        .append(" value=\"")
        .append(escape(user))
        .append("\">")
        .append("<label for=\"password\">Password</label>")
        .append("<input id=\"password\" name=\"password\" type=\"password\"")
        .append(" autocomplete=\"current-password\" required>")
        .append("<button type=\"submit\">Log in</button>")
        .append("</form>")
        .append("<p class=\"hint\">The demo's users are <code>demo</code> and <code>probe</code>.")
        .append("</p>");
    return html.toString();
  }

  private void logIn(RoutingContext ctx) {
    String user = form(ctx, "username");
    String token = shop.logIn(user, form(ctx, "password"));
    if (token == null) {
      page(ctx, 401, "Log in", null, loginForm(user, "Unknown user or wrong password."), null);
      return;
    }
    ctx.response()
        .addCookie(
            Cookie.cookie(ShopServer.SESSION_COOKIE, token)
                .setPath("/")
                .setHttpOnly(true)
                .setSameSite(CookieSameSite.STRICT));
    redirect(ctx, PRODUCTS);
  }

  private void logOut(RoutingContext ctx) {
    String token = session(ctx);
    if (token != null) {
      shop.endSession(token);
    }
    ctx.response()
        .addCookie(Cookie.cookie(ShopServer.SESSION_COOKIE, "").setPath("/").setMaxAge(0));
    redirect(ctx, LOGIN);
  }

  private void productsPage(RoutingContext ctx) {
    String token = sessionOrLogin(ctx);
    if (token == null) {
      return;
    }
    if (shop.searchIsOut()) {
      // The same upstream failure as GET /api/catalog.
      errorPage(ctx, 502, "upstream", "The catalog can't reach search. Try again in a moment.");
      return;
    }
    JsonArray items = ShopServer.items();
    StringBuilder html = new StringBuilder("<ul class=\"products\" aria-label=\"Products\">");
    for (int i = 0; i < items.size(); i++) {
      JsonObject item = items.getJsonObject(i);
      String sku = escape(item.getString("sku"));
      html.append("<li class=\"product\" data-sku=\"")
          .append(sku)
          .append("\"><h2 class=\"name\">")
          .append(escape(item.getString("name")))
          .append("</h2><p class=\"price\">")
          .append(price(item.getDouble("price")))
          .append("</p><form method=\"post\" action=\"/store/cart\">")
          .append("<input type=\"hidden\" name=\"sku\" value=\"")
          .append(sku)
          .append("\"><button type=\"submit\">Add to cart</button></form></li>");
    }
    html.append("</ul>");
    page(ctx, 200, "Products", token, html.toString(), null);
  }

  private void addToCart(RoutingContext ctx) {
    String token = sessionOrLogin(ctx);
    if (token == null) {
      return;
    }
    String sku = form(ctx, "sku");
    JsonObject item = ShopServer.item(sku);
    if (item == null) {
      errorPage(
          ctx, 400, "bad_request", "'" + sku + "' is not in the catalog; pick a product instead.");
      return;
    }
    shop.addToCart(token, item);
    redirect(ctx, CART);
  }

  private void cartPage(RoutingContext ctx) {
    String token = sessionOrLogin(ctx);
    if (token == null) {
      return;
    }
    JsonArray cart = shop.cartOf(token);
    String html =
        cart.isEmpty()
            ? "<p>Your cart is empty.</p><p><a href=\"/store/products\">Browse products</a></p>"
            : summary(cart)
                + "<p><a class=\"button\" id=\"to-checkout\" href=\"/store/checkout\">"
                + "Check out</a></p>";
    page(ctx, 200, "Your cart", token, html, null);
  }

  private void checkoutPage(RoutingContext ctx) {
    String token = sessionOrLogin(ctx);
    if (token == null) {
      return;
    }
    JsonArray cart = shop.cartOf(token);
    if (cart.isEmpty()) {
      page(
          ctx,
          200,
          "Checkout",
          token,
          "<p>Your cart is empty.</p><p><a href=\"/store/products\">Browse products</a></p>",
          null);
      return;
    }
    String html =
        "<div id=\"checkout-summary\">"
            + summary(cart)
            + "</div>"
            // The button is type=button: without app.js it does nothing, as in a real shop.
            + "<button type=\"button\" id=\""
            + PLACE_ORDER_ID
            + "\">Place order</button>"
            + "<p id=\"order-status\" role=\"status\" aria-live=\"polite\"></p>";
    page(ctx, 200, "Checkout", token, html, "/store/app.js");
  }

  private void appJs(RoutingContext ctx) {
    Fault checkout = shop.faultOf("checkout");
    boolean broken = checkout != null && checkout.mode() == Fault.Mode.BROKEN_UI;
    asset(ctx, "text/javascript", broken ? BROKEN_APP_JS : APP_JS);
  }

  /** The cart as a table with its total. */
  private static String summary(JsonArray cart) {
    StringBuilder html =
        new StringBuilder(
            "<table class=\"cart\"><caption>Items</caption>"
                + "<thead><tr><th scope=\"col\">Product</th><th scope=\"col\">Price</th></tr>"
                + "</thead><tbody>");
    for (int i = 0; i < cart.size(); i++) {
      JsonObject line = cart.getJsonObject(i);
      JsonObject item = ShopServer.item(line.getString("sku"));
      html.append("<tr data-sku=\"")
          .append(escape(line.getString("sku")))
          .append("\"><td>")
          .append(escape(item == null ? line.getString("sku") : item.getString("name")))
          .append("</td><td>")
          .append(price(line.getDouble("price")))
          .append("</td></tr>");
    }
    html.append("</tbody><tfoot><tr><th scope=\"row\">Total</th><td id=\"cart-total\">")
        .append(price(ShopServer.total(cart)))
        .append("</td></tr></tfoot></table>");
    return html.toString();
  }

  /** The session's token, or null after redirecting to the login page. */
  private String sessionOrLogin(RoutingContext ctx) {
    String token = session(ctx);
    if (token == null) {
      redirect(ctx, LOGIN);
    }
    return token;
  }

  private String session(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(ShopServer.SESSION_COOKIE);
    String token = cookie == null ? null : cookie.getValue();
    return shop.isSession(token) ? token : null;
  }

  /**
   * Writes a whole page.
   *
   * @param token the session, for the navigation with the cart's size; null when logged out
   * @param script a script's path to load (deferred), or null
   */
  private void page(
      RoutingContext ctx, int status, String title, String token, String body, String script) {
    String nav = "";
    if (token != null) {
      nav =
          "<nav aria-label=\"Shop\"><a href=\"/store/products\">Products</a>"
              + " <a href=\"/store/cart\" id=\"cart-link\">Cart ("
              + shop.cartOf(token).size()
              + ")</a>"
              + " <form class=\"logout\" method=\"post\" action=\"/store/logout\">"
              + "<button type=\"submit\">Log out</button></form></nav>";
    }
    html(ctx, status, document(title, nav, body, script));
  }

  /** An error page in the storefront's layout, for faults and bad requests. */
  static void errorPage(RoutingContext ctx, int status, String error, String message) {
    String title = status >= 500 ? "Something went wrong" : "That didn't work";
    html(
        ctx,
        status,
        document(
            title,
            "",
            "<p class=\"problem\" role=\"alert\" data-error=\""
                + escape(error)
                + "\">"
                + escape(message)
                + "</p><p><a href=\"/store/\">Back to the shop</a></p>",
            null));
  }

  private static String document(String title, String nav, String body, String script) {
    return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>"
        + escape(title)
        + " · ShopSmart</title><link rel=\"stylesheet\" href=\"/store/style.css\">"
        + "<link rel=\"icon\" href=\"/store/icon.svg\">"
        + (script == null ? "" : "<script src=\"" + script + "\" defer></script>")
        + "</head><body><header><a class=\"brand\" href=\"/store/\">ShopSmart</a>"
        + nav
        + "</header><main><h1>"
        + escape(title)
        + "</h1>"
        + body
        + "</main></body></html>\n";
  }

  private static void html(RoutingContext ctx, int status, String html) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("Content-Security-Policy", "default-src 'self'")
        .end(html);
  }

  /** The script and the stylesheet: not cached, so that a fault's switch shows at once. */
  private static void asset(RoutingContext ctx, String type, String text) {
    ctx.response()
        .putHeader("Content-Type", type + "; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(text);
  }

  private static void redirect(RoutingContext ctx, String path) {
    ctx.response().setStatusCode(303).putHeader("Location", path).end();
  }

  private static String form(RoutingContext ctx, String name) {
    String value = ctx.request().getFormAttribute(name);
    return value == null ? "" : value;
  }

  private static String price(double amount) {
    return String.format(Locale.ROOT, "$%.2f", amount);
  }

  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** {@code app.js} as a deploy that renamed the button and missed the script would serve it. */
  private static String breakWiring(String js) {
    String wiring = "getElementById(\"" + PLACE_ORDER_ID + "\")";
    if (!js.contains(wiring)) {
      throw new IllegalStateException("store/app.js no longer looks up " + wiring);
    }
    return js.replace(wiring, "getElementById(\"" + BROKEN_PLACE_ORDER_ID + "\")");
  }

  private static String resource(String name) {
    try (InputStream in = Storefront.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the demo jar lacks io/nines/demo/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
