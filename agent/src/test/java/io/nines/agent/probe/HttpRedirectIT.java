package io.nines.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nines.agent.TestChecks;
import io.nines.common.FailureKind;
import io.nines.common.ProbeResult;
import io.nines.common.TimeSource;
import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.nines.config.HttpOptions;
import io.nines.config.Request;
import io.nines.config.Template;
import io.nines.config.assertion.Assertion;
import io.nines.config.assertion.AssertionParser;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Redirects and cookies as browsers and {@code curl -L} handle them, against real servers on
 * loopback: the final response is judged, the hops are listed, cookies set by a redirect travel on.
 */
class HttpRedirectIT {
  private static Vertx vertx;
  private static String base;
  private static String otherOrigin;
  private static HttpClients clients;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create().setBodyLimit(64 * 1024));
    router.get("/ok").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
    router.get("/hop").handler(ctx -> ctx.redirect("/ok"));
    router.get("/relative/hop").handler(ctx -> redirect(ctx, 301, "../ok"));
    router.get("/loop").handler(ctx -> ctx.redirect("/loop"));
    router
        .get("/chain/:n")
        .handler(
            ctx -> {
              int n = Integer.parseInt(ctx.pathParam("n"));
              if (n == 0) {
                ctx.response().end("end of chain");
              } else {
                ctx.redirect("/chain/" + (n - 1));
              }
            });
    router
        .post("/login")
        .handler(
            ctx -> {
              String user = ctx.request().getFormAttribute("user");
              ctx.response().putHeader("Set-Cookie", "session=s-" + user + "; Path=/; HttpOnly");
              ctx.redirect("/account");
            });
    router
        .get("/account")
        .handler(
            ctx -> {
              String cookie = ctx.request().getHeader("Cookie");
              if (cookie != null && cookie.contains("session=s-probe")) {
                ctx.response().end("welcome probe");
              } else {
                ctx.response().setStatusCode(401).end("log in first");
              }
            });
    router.post("/see-other").handler(ctx -> redirect(ctx, 303, "/echo"));
    router.post("/temporary").handler(ctx -> redirect(ctx, 307, "/echo"));
    router.post("/found").handler(ctx -> redirect(ctx, 302, "/echo"));
    router.route("/echo").handler(HttpRedirectIT::echo);
    HttpServer server =
        await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    base = "http://127.0.0.1:" + server.actualPort();

    Router other = Router.router(vertx);
    other.route("/echo").handler(HttpRedirectIT::echo);
    HttpServer otherServer =
        await(vertx.createHttpServer().requestHandler(other).listen(0, "127.0.0.1"));
    otherOrigin = "http://127.0.0.1:" + otherServer.actualPort();
    router.get("/elsewhere").handler(ctx -> ctx.redirect(otherOrigin + "/echo"));
    router.get("/same-origin").handler(ctx -> ctx.redirect("/echo"));

    clients = new HttpClients(vertx, 16);
  }

  private static void redirect(RoutingContext ctx, int status, String location) {
    ctx.response().setStatusCode(status).putHeader("Location", location).end();
  }

  /** Answers with what it received, so a test can see what the probe sent on the last hop. */
  private static void echo(RoutingContext ctx) {
    JsonObject seen =
        new JsonObject()
            .put("method", ctx.request().method().name())
            .put("body", ctx.body().buffer() == null ? "" : ctx.body().asString())
            .put("contentType", ctx.request().getHeader("Content-Type"))
            .put("authorization", ctx.request().getHeader("Authorization"))
            .put("cookie", ctx.request().getHeader("Cookie"));
    ctx.json(seen);
  }

  @AfterAll
  static void stop() throws Exception {
    clients.close();
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static Assertion a(String text) {
    return AssertionParser.parse(text);
  }

  private static ProbeResult run(Check check) throws Exception {
    ProbeContext context =
        new ProbeContext(vertx, TimeSource.SYSTEM, clients, Map.of(), ref -> "unused");
    CheckRunner runner =
        new CheckRunner(
            context, CheckRunner.defaultProbes(), "test-1", "eu-west", new SimpleMeterRegistry());
    Promise<ProbeResult> p = Promise.promise();
    vertx.runOnContext(v -> runner.run(check).onComplete(p));
    return await(p.future());
  }

  private static HttpOptions follow(int maxRedirects) {
    return new HttpOptions(true, maxRedirects, false, null, false, 1 << 20);
  }

  private static final HttpOptions DONT_FOLLOW =
      new HttpOptions(false, 5, false, null, false, 1 << 20);

  private static Check http(Request request, HttpOptions options) {
    return TestChecks.check("c", Duration.ofSeconds(10), new CheckSpec.Http(request, options));
  }

  private static Request get(String path, Assertion... expect) {
    return TestChecks.get("request", base + path, expect);
  }

  private static Request request(
      String name,
      String method,
      String path,
      Map<String, Template> headers,
      Request.Body body,
      Assertion... expect) {
    return new Request(
        name, method, Template.literal(base + path), headers, body, List.of(expect), List.of());
  }

  private static Request.Body form(String user) {
    return new Request.FormBody(Map.of("user", Template.literal(user)));
  }

  @Test
  void whenAStatusAssertionMeetsARedirect_thenTheFinalResponseIsJudgedAndTheHopListed()
      throws Exception {
    ProbeResult r =
        run(http(get("/hop", a("status == 200"), a("body contains \"UP\"")), follow(5)));

    assertThat(r.ok()).as("%s", r.failure()).isTrue();
    assertThat(r.diagnostics().getJsonArray("hops"))
        .containsExactly(
            new JsonObject()
                .put("step", "request")
                .put("status", 302)
                .put("location", base + "/ok"));
  }

  @Test
  void whenARedirectIsRelative_thenItResolvesAgainstTheUrlItAnswered() throws Exception {
    ProbeResult r = run(http(get("/relative/hop", a("status == 200")), follow(5)));

    assertThat(r.ok()).as("%s", r.failure()).isTrue();
    assertThat(r.diagnostics().getJsonArray("hops").getJsonObject(0).getString("location"))
        .isEqualTo(base + "/ok");
  }

  @Test
  void whenNoRedirectIsMet_thenAPassingResultHasNoDiagnostics() throws Exception {
    ProbeResult r = run(http(get("/ok", a("status == 200")), follow(5)));

    assertThat(r.ok()).as("%s", r.failure()).isTrue();
    assertThat(r.diagnostics()).isNull();
  }

  @Test
  void whenFollowRedirectsIsOff_thenTheRedirectItselfIsJudged() throws Exception {
    ProbeResult judged =
        run(http(get("/hop", a("status == 302"), a("header.Location == \"/ok\"")), DONT_FOLLOW));
    ProbeResult wrong = run(http(get("/hop", a("status == 200")), DONT_FOLLOW));

    assertThat(judged.ok()).as("%s", judged.failure()).isTrue();
    assertThat(wrong.failure().kind()).isEqualTo(FailureKind.HTTP_STATUS);
    assertThat(wrong.failure().message()).contains("302");
  }

  @Test
  void whenALoginRedirectSetsACookie_thenTheFollowedHopSendsIt() throws Exception {
    ProbeResult r =
        run(
            http(
                request(
                    "login",
                    "POST",
                    "/login",
                    Map.of(),
                    form("probe"),
                    a("status == 200"),
                    a("body contains \"welcome probe\"")),
                follow(5)));

    assertThat(r.ok()).as("%s %s", r.failure(), r.diagnostics()).isTrue();
    assertThat(r.diagnostics().getJsonArray("hops").getJsonObject(0).getInteger("status"))
        .isEqualTo(302);
  }

  @Test
  void whenAKeepAliveCheckIsRedirected_thenItFollowsAndCarriesTheCookieToo() throws Exception {
    HttpOptions keepAlive = new HttpOptions(true, 5, false, null, true, 1 << 20);
    ProbeResult r =
        run(
            http(
                request(
                    "login",
                    "POST",
                    "/login",
                    Map.of(),
                    form("probe"),
                    a("body contains \"welcome probe\"")),
                keepAlive));

    assertThat(r.ok()).as("%s %s", r.failure(), r.diagnostics()).isTrue();
  }

  @Test
  void whenARedirectSetsACookie_thenLaterJourneyStepsSendItToo() throws Exception {
    Request login = request("login", "POST", "/login", Map.of(), form("probe"), a("status == 200"));
    Request account = request("account", "GET", "/account", Map.of(), null, a("status == 200"));
    ProbeResult r =
        run(
            TestChecks.check(
                "journey",
                Duration.ofSeconds(10),
                new CheckSpec.Journey(List.of(login, account), follow(5))));

    assertThat(r.ok()).as("%s %s", r.failure(), r.diagnostics()).isTrue();
  }

  @Test
  void whenRedirectsLoop_thenRedirectLoopNamesTheLimitAndListsEveryHop() throws Exception {
    ProbeResult r = run(http(get("/loop", a("status == 200")), follow(3)));

    assertThat(r.failure().kind()).isEqualTo(FailureKind.REDIRECT_LOOP);
    assertThat(r.failure().message())
        .startsWith("redirect loop: ")
        .contains("302 to " + base + "/loop, a URL already visited")
        .contains("after 3 redirects")
        .contains("max-redirects (3)");
    JsonArray hops = r.diagnostics().getJsonArray("hops");
    assertThat(hops).hasSize(4);
    assertThat(hops.getJsonObject(3).getString("location")).isEqualTo(base + "/loop");
  }

  @Test
  void whenAChainIsLongerThanMaxRedirects_thenItIsTooManyRedirectsButNotALoop() throws Exception {
    ProbeResult tooLong = run(http(get("/chain/3"), follow(2)));
    ProbeResult fits = run(http(get("/chain/3", a("body contains \"end of chain\"")), follow(3)));

    assertThat(tooLong.failure().kind()).isEqualTo(FailureKind.REDIRECT_LOOP);
    assertThat(tooLong.failure().message())
        .startsWith("too many redirects: ")
        .doesNotContain("already visited");
    assertThat(fits.ok()).as("%s", fits.failure()).isTrue();
    assertThat(fits.diagnostics().getJsonArray("hops")).hasSize(3);
  }

  @Test
  void whenMaxRedirectsIsZero_thenAnyRedirectFailsSayingHowToJudgeItInstead() throws Exception {
    ProbeResult r = run(http(get("/hop"), follow(0)));

    assertThat(r.failure().kind()).isEqualTo(FailureKind.REDIRECT_LOOP);
    assertThat(r.failure().message())
        .isEqualTo(
            "redirected (302) to "
                + base
                + "/ok, but max-redirects is 0; raise it, or set follow-redirects: false to"
                + " judge the redirect itself");
  }

  @Test
  void whenAPostMeets303Or302_thenTheNextHopIsAGetWithoutTheBody() throws Exception {
    for (String path : List.of("/see-other", "/found")) {
      ProbeResult r =
          run(
              http(
                  request(
                      "post",
                      "POST",
                      path,
                      Map.of(),
                      form("probe"),
                      a("body.$.method == \"GET\""),
                      a("body.$.body == \"\"")),
                  follow(5)));

      assertThat(r.ok()).as("%s: %s %s", path, r.failure(), r.diagnostics()).isTrue();
    }
  }

  @Test
  void whenAPostMeets307_thenTheNextHopRepeatsTheMethodAndBody() throws Exception {
    ProbeResult r =
        run(
            http(
                request(
                    "post",
                    "POST",
                    "/temporary",
                    Map.of(),
                    form("probe"),
                    a("body.$.method == \"POST\""),
                    a("body.$.body == \"user=probe\""),
                    a("body.$.contentType == \"application/x-www-form-urlencoded\"")),
                follow(5)));

    assertThat(r.ok()).as("%s %s", r.failure(), r.diagnostics()).isTrue();
  }

  @Test
  void whenARedirectLeavesTheOrigin_thenCredentialsStayBehind() throws Exception {
    Map<String, Template> auth = Map.of("Authorization", Template.literal("Bearer t0ken"));
    ProbeResult elsewhere =
        run(
            http(
                request("r", "GET", "/elsewhere", auth, null, a("body.$.method == \"GET\"")),
                follow(5)));
    ProbeResult sameOrigin =
        run(
            http(
                request(
                    "r",
                    "GET",
                    "/same-origin",
                    auth,
                    null,
                    a("body.$.authorization == \"Bearer t0ken\"")),
                follow(5)));

    assertThat(elsewhere.ok()).as("%s", elsewhere.failure()).isTrue();
    assertThat(elsewhere.diagnostics().getJsonArray("hops").getJsonObject(0).getString("location"))
        .isEqualTo(otherOrigin + "/echo");
    assertThat(sameOrigin.ok()).as("%s", sameOrigin.failure()).isTrue();
    ProbeResult leaked =
        run(
            http(
                request(
                    "r",
                    "GET",
                    "/elsewhere",
                    auth,
                    null,
                    a("body.$.authorization == \"Bearer t0ken\"")),
                follow(5)));
    assertThat(leaked.ok()).as("the token must not reach another origin").isFalse();
    assertThat(leaked.diagnostics().getString("body")).contains("\"authorization\":null");
  }
}
