package io.nines.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.common.testing.ManualTimeSource;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The storefront's pages over plain HTTP, and the {@code broken-ui} fault that HTTP can't see. */
class StorefrontTest {
  private final ManualTimeSource time = new ManualTimeSource(Instant.parse("2026-04-01T00:00:00Z"));
  private Vertx vertx;
  private ShopServer shop;
  private WebClient client;
  private int port;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    shop = new ShopServer(vertx, time, new Random(1));
    port = await(shop.start("127.0.0.1", 0));
    client = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private HttpRequest<Buffer> request(HttpMethod method, String path, String session) {
    HttpRequest<Buffer> req = client.request(method, port, "127.0.0.1", path);
    if (session != null) {
      req.putHeader("Cookie", "session=" + session);
    }
    return req;
  }

  private HttpResponse<Buffer> get(String path, String session) throws Exception {
    return await(request(HttpMethod.GET, path, session).send());
  }

  private HttpResponse<Buffer> postForm(String path, String session, String... pairs)
      throws Exception {
    MultiMap form = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < pairs.length; i += 2) {
      form.add(pairs[i], pairs[i + 1]);
    }
    return await(request(HttpMethod.POST, path, session).sendForm(form));
  }

  /** Logs in through the form; returns the session cookie's value. */
  private String logIn() throws Exception {
    HttpResponse<Buffer> r =
        postForm("/store/login", null, "username", "demo", "password", ShopServer.PROBE_PASSWORD);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(303);
    String cookie =
        r.cookies().stream().filter(c -> c.startsWith("session=")).findFirst().orElseThrow();
    return cookie.substring("session=".length(), cookie.indexOf(';'));
  }

  @Test
  void whenAShopperLogsInAddsAnItemAndChecksOut_thenEachPageServesItsFormAndContent()
      throws Exception {
    HttpResponse<Buffer> login = get("/store/login", null);
    assertThat(login.statusCode()).isEqualTo(200);
    assertThat(login.getHeader("Content-Type")).startsWith("text/html");
    assertThat(login.bodyAsString())
        .contains(
            "<form class=\"login\" method=\"post\" action=\"/store/login\"",
            "<label for=\"username\">Username</label>",
            "<input id=\"username\" name=\"username\"",
            "<label for=\"password\">Password</label>",
            "<input id=\"password\" name=\"password\" type=\"password\"",
            "<button type=\"submit\">Log in</button>",
            "<link rel=\"stylesheet\" href=\"/store/style.css\">");

    HttpResponse<Buffer> in =
        postForm("/store/login", null, "username", "demo", "password", ShopServer.PROBE_PASSWORD);
    assertThat(in.statusCode()).isEqualTo(303);
    assertThat(in.getHeader("Location")).isEqualTo("/store/products");
    assertThat(in.cookies())
        .anySatisfy(c -> assertThat(c).startsWith("session=").containsIgnoringCase("HttpOnly"));
    String session = logIn();

    HttpResponse<Buffer> products = get("/store/products", session);
    assertThat(products.statusCode()).isEqualTo(200);
    String listing = products.bodyAsString();
    assertThat(listing)
        .contains("<h1>Products</h1>", "Trail shoes", "$89.00", "Rain jacket", "$129.00")
        .contains("Headlamp", "$35.50", "<a href=\"/store/cart\" id=\"cart-link\">Cart (0)</a>");
    assertThat(listing.split("<button type=\"submit\">Add to cart</button>", -1)).hasSize(4);

    HttpResponse<Buffer> added = postForm("/store/cart", session, "sku", "A1");
    assertThat(added.statusCode()).isEqualTo(303);
    assertThat(added.getHeader("Location")).isEqualTo("/store/cart");
    HttpResponse<Buffer> cart = get("/store/cart", session);
    assertThat(cart.statusCode()).isEqualTo(200);
    assertThat(cart.bodyAsString())
        .contains("<h1>Your cart</h1>", "Trail shoes", "<td id=\"cart-total\">$89.00</td>")
        .contains("href=\"/store/checkout\">Check out</a>", "Cart (1)");

    HttpResponse<Buffer> checkout = get("/store/checkout", session);
    assertThat(checkout.statusCode()).isEqualTo(200);
    assertThat(checkout.bodyAsString())
        .contains("<script src=\"/store/app.js\" defer></script>")
        .contains("<button type=\"button\" id=\"place-order\">Place order</button>")
        .contains("<p id=\"order-status\" role=\"status\" aria-live=\"polite\"></p>");

    // What app.js does on the click: pay through the JSON API with the session cookie.
    HttpResponse<Buffer> paid = await(request(HttpMethod.POST, "/api/checkout", session).send());
    assertThat(paid.statusCode()).as(paid.bodyAsString()).isEqualTo(200);
    assertThat(paid.bodyAsJsonObject().getString("state")).isEqualTo("PAID");
    assertThat(paid.bodyAsJsonObject().getDouble("total")).isEqualTo(89.0);
    assertThat(get("/store/cart", session).bodyAsString()).contains("Your cart is empty.");
  }

  @Test
  void whenTheScriptIsServed_thenItWiresThePlaceOrderButtonToTheCheckoutApi() throws Exception {
    HttpResponse<Buffer> js = get("/store/app.js", null);
    assertThat(js.statusCode()).isEqualTo(200);
    assertThat(js.getHeader("Content-Type")).startsWith("text/javascript");
    assertThat(js.getHeader("Cache-Control")).isEqualTo("no-store");
    assertThat(js.bodyAsString())
        .contains("getElementById(\"place-order\")", "fetch(\"/api/checkout\"", "Order confirmed");
    HttpResponse<Buffer> css = get("/store/style.css", null);
    assertThat(css.statusCode()).isEqualTo(200);
    assertThat(css.getHeader("Content-Type")).startsWith("text/css");
  }

  @Test
  void whenThePasswordIsWrong_thenTheFormComesBackWithAnAlertAndTheNameEscaped() throws Exception {
    HttpResponse<Buffer> r =
        postForm("/store/login", null, "username", "<b>demo\"", "password", "nope");
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.cookies()).noneMatch(c -> c.startsWith("session="));
    assertThat(r.bodyAsString())
        .contains("<p class=\"problem\" role=\"alert\">Unknown user or wrong password.</p>")
        .contains("value=\"&lt;b&gt;demo&quot;\"")
        .doesNotContain("<b>demo");
  }

  @Test
  void whenLoggedOut_thenEveryShopPageSendsTheShopperToTheLoginForm() throws Exception {
    for (String path :
        List.of("/store", "/store/", "/store/products", "/store/cart", "/store/checkout")) {
      HttpResponse<Buffer> r = get(path, null);
      assertThat(r.statusCode()).as(path).isEqualTo(303);
      assertThat(r.getHeader("Location")).as(path).isEqualTo("/store/login");
    }
    assertThat(get("/store/products", "not-a-session").getHeader("Location"))
        .isEqualTo("/store/login");
    String session = logIn();
    HttpResponse<Buffer> out = postForm("/store/logout", session);
    assertThat(out.statusCode()).isEqualTo(303);
    assertThat(out.getHeader("Location")).isEqualTo("/store/login");
    assertThat(out.cookies()).anySatisfy(c -> assertThat(c).startsWith("session=;"));
    // The old cookie no longer works, on the pages or the API.
    assertThat(get("/store/cart", session).getHeader("Location")).isEqualTo("/store/login");
    assertThat(await(request(HttpMethod.POST, "/api/checkout", session).send()).statusCode())
        .isEqualTo(401);
  }

  @Test
  void whenCatalogIsOut_thenTheProductPageIs503InTheStorefrontsLayout() throws Exception {
    String session = logIn();
    shop.setFault("catalog", new Fault(Fault.Mode.OUTAGE, 1.0, 0, null));
    HttpResponse<Buffer> r = get("/store/products", session);
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.getHeader("Content-Type")).startsWith("text/html");
    assertThat(r.bodyAsString())
        .contains("<h1>Something went wrong</h1>", "role=\"alert\"", "catalog is down");
  }

  @Test
  void whenBrokenUiIsSetOnCheckout_thenEveryEndpointAnswersAsBeforeButTheScriptMissesTheButton()
      throws Exception {
    List<String> healthy = walkEveryEndpoint();
    String healthyJs = get("/store/app.js", null).bodyAsString();

    HttpResponse<Buffer> set =
        await(
            request(HttpMethod.POST, "/demo/faults/checkout", null)
                .sendJsonObject(new JsonObject().put("mode", "broken-ui")));
    assertThat(set.statusCode()).as(set.bodyAsString()).isEqualTo(200);
    assertThat(set.bodyAsJsonObject().getString("mode")).isEqualTo("broken-ui");
    assertThat(
            get("/demo/faults", null)
                .bodyAsJsonObject()
                .getJsonObject("checkout")
                .getString("mode"))
        .isEqualTo("broken-ui");

    List<String> broken = walkEveryEndpoint();
    assertThat(broken).isEqualTo(healthy);
    assertThat(broken)
        .allSatisfy(
            s -> assertThat(Integer.parseInt(s.substring(s.lastIndexOf(' ') + 1))).isLessThan(400));
    String brokenJs = get("/store/app.js", null).bodyAsString();
    assertThat(brokenJs)
        .contains("getElementById(\"place-order-button\")")
        .doesNotContain("getElementById(\"place-order\")");
    // The page still has the button under its real id: the script no longer finds it.
    String session = logIn();
    postForm("/store/cart", session, "sku", "B2");
    assertThat(get("/store/checkout", session).bodyAsString()).contains("id=\"place-order\"");

    HttpResponse<Buffer> cleared =
        await(request(HttpMethod.DELETE, "/demo/faults/checkout", null).send());
    assertThat(cleared.statusCode()).isEqualTo(200);
    assertThat(get("/store/app.js", null).bodyAsString()).isEqualTo(healthyJs);
  }

  @Test
  void whenBrokenUiIsSetOnAnotherService_thenTheErrorSaysItBelongsToCheckout() throws Exception {
    HttpResponse<Buffer> r =
        await(
            request(HttpMethod.POST, "/demo/faults/catalog", null)
                .sendJsonObject(new JsonObject().put("mode", "broken-ui")));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("message"))
        .contains("fault of checkout, not of catalog", "checkout broken-ui");
    assertThat(shop.faultOf("catalog")).isNull();
  }

  @Test
  void whenTheExampleBrowserJourneyNamesASelectorOrText_thenTheStorefrontHasIt() throws Exception {
    // The example fleet's browser journey (config/examples/shopsmart/checks.yaml).
    String checks =
        Files.readString(Path.of("..", "config", "examples", "shopsmart", "checks.yaml"));
    String yaml = checks.substring(checks.indexOf("- id: storefront-browser"));
    String session = logIn();
    postForm("/store/cart", session, "sku", "A1");
    String pages =
        get("/store/login", null).bodyAsString()
            + get("/store/products", session).bodyAsString()
            + get("/store/cart", session).bodyAsString()
            + get("/store/checkout", session).bodyAsString()
            + get("/store/app.js", null).bodyAsString();
    List<String> named = new ArrayList<>();
    Matcher ids = Pattern.compile("(?:selector: |wait-for: )\"#([\\w-]+)\"").matcher(yaml);
    while (ids.find()) {
      named.add("id=\"" + ids.group(1) + "\"");
    }
    Matcher texts =
        Pattern.compile("(?:text: \"|text=|name=\"|goto: \"\\$\\{shop})([^\"']+)").matcher(yaml);
    while (texts.find()) {
      named.add(texts.group(1));
    }
    assertThat(named)
        .contains("id=\"username\"", "id=\"place-order\"", "Add to cart", "Order confirmed");
    assertThat(named).allSatisfy(n -> assertThat(pages).contains(n));
  }

  /**
   * Every endpoint of the shop once, JSON API and storefront, as "METHOD path status" lines: a
   * whole purchase each way.
   */
  private List<String> walkEveryEndpoint() throws Exception {
    List<String> seen = new ArrayList<>();
    for (String path :
        List.of(
            "/health",
            "/api/catalog",
            "/api/search?q=shoes",
            "/api/payments/health",
            "/api/reviews?sku=A1",
            "/demo/faults",
            "/store/login",
            "/store/app.js",
            "/store/style.css")) {
      seen.add("GET " + path + " " + get(path, null).statusCode());
    }
    HttpResponse<Buffer> login =
        await(
            request(HttpMethod.POST, "/api/login", null)
                .sendJsonObject(
                    new JsonObject().put("user", "probe").put("password", "shopsmart")));
    seen.add("POST /api/login " + login.statusCode());
    String token = login.bodyAsJsonObject().getString("token");
    for (String path : List.of("/api/cart", "/api/checkout")) {
      HttpResponse<Buffer> r =
          await(
              request(HttpMethod.POST, path, null)
                  .putHeader("Authorization", "Bearer " + token)
                  .sendJsonObject(new JsonObject().put("sku", "A1")));
      seen.add("POST " + path + " " + r.statusCode());
    }
    String session = logIn();
    seen.add("GET /store/products " + get("/store/products", session).statusCode());
    seen.add("POST /store/cart " + postForm("/store/cart", session, "sku", "C3").statusCode());
    seen.add("GET /store/cart " + get("/store/cart", session).statusCode());
    seen.add("GET /store/checkout " + get("/store/checkout", session).statusCode());
    HttpResponse<Buffer> paid = await(request(HttpMethod.POST, "/api/checkout", session).send());
    seen.add("POST /api/checkout (session cookie) " + paid.statusCode());
    return seen;
  }
}
