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
import io.nines.config.SecretRef;
import io.nines.config.Template;
import io.nines.config.assertion.Assertion;
import io.nines.config.assertion.AssertionParser;
import io.nines.demo.Fault;
import io.nines.demo.ShopServer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP probe against real servers on loopback. */
class HttpProbeIT {
  private static final String SECRET = "s3cr3t-pa55";

  private static Vertx vertx;
  private static HttpServer server;
  private static String base;
  private static ShopServer shop;
  private static String shopBase;
  private static HttpClients clients;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router
        .get("/ok")
        .handler(
            ctx ->
                ctx.json(
                    new JsonObject()
                        .put("status", "UP")
                        .put(
                            "cart",
                            new JsonObject()
                                .put(
                                    "items",
                                    new io.vertx.core.json.JsonArray()
                                        .add(new JsonObject().put("sku", "A1"))))));
    router
        .get("/status/:code")
        .handler(
            ctx ->
                ctx.response().setStatusCode(Integer.parseInt(ctx.pathParam("code"))).end("nope"));
    router.get("/loop").handler(ctx -> ctx.redirect("/loop"));
    router.get("/hop").handler(ctx -> ctx.redirect("/ok"));
    router
        .get("/big")
        .handler(
            ctx -> {
              byte[] chunk = new byte[64 * 1024];
              Arrays.fill(chunk, (byte) 'x');
              ctx.response().setChunked(true);
              for (int i = 0; i < 40; i++) {
                ctx.response().write(Buffer.buffer(chunk));
              }
              ctx.response().end();
            });
    router
        .get("/drip")
        .handler(
            ctx -> {
              ctx.response().setChunked(true).write("a");
              long id =
                  vertx.setPeriodic(
                      50,
                      t -> {
                        if (!ctx.response().closed()) {
                          ctx.response().write("a");
                        }
                      });
              ctx.response().closeHandler(v -> vertx.cancelTimer(id));
              // Bounded: the server itself gives up after 30 s.
              vertx.setTimer(30_000, t -> vertx.cancelTimer(id));
            });
    router.get("/never").handler(ctx -> {});
    router
        .get("/echo-secret")
        .handler(
            ctx ->
                ctx.response()
                    .setStatusCode(500)
                    .end("token=" + ctx.request().getHeader("X-Token")));
    server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    base = "http://127.0.0.1:" + server.actualPort();
    shop = new ShopServer(vertx, TimeSource.SYSTEM, new Random(7));
    shopBase = "http://127.0.0.1:" + await(shop.start("127.0.0.1", 0));
    clients = new HttpClients(vertx, 64);
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
        new ProbeContext(
            vertx,
            TimeSource.SYSTEM,
            clients,
            Map.of("base", shopBase),
            ref ->
                ref.resolve(Map.of("PROBE_PASSWORD", ShopServer.PROBE_PASSWORD, "TOKEN", SECRET)));
    CheckRunner runner =
        new CheckRunner(
            context, CheckRunner.defaultProbes(), "test-1", "eu-west", new SimpleMeterRegistry());
    Promise<ProbeResult> p = Promise.promise();
    vertx.runOnContext(v -> runner.run(check).onComplete(p));
    return await(p.future());
  }

  @Test
  void whenTheTargetAnswersAsExpected_thenTheResultIsOk() throws Exception {
    ProbeResult r =
        run(
            TestChecks.http(
                "ok",
                base + "/ok",
                Duration.ofSeconds(10),
                a("status == 200"),
                a("body.$.cart.items[0].sku == \"A1\""),
                a("header.Content-Type contains \"json\""),
                a("latency < 5s")));
    assertThat(r.ok()).as("%s", r.failure()).isTrue();
    assertThat(r.phasesMillis()).containsKeys("firstByte", "total");
    assertThat(r.diagnostics()).isNull();
  }

  /** Asserts that {@code names} are all recorded and never decrease, in this order. */
  static void assertPhasesInOrder(ProbeResult r, String... names) {
    assertThat(r.phasesMillis()).containsOnlyKeys(names);
    double previous = 0;
    for (String name : names) {
      double at = r.phasesMillis().get(name);
      assertThat(at).as("phase %s of %s", name, r.phasesMillis()).isGreaterThanOrEqualTo(previous);
      previous = at;
    }
    assertThat(previous).isLessThanOrEqualTo(r.durationMillis() + 1.0);
  }

  private static String localhostBase() {
    return base.replace("127.0.0.1", "localhost");
  }

  @Test
  void whenAnHttpCheckPasses_thenDnsConnectFirstByteAndTotalAreRecordedInOrder() throws Exception {
    ProbeResult r =
        run(
            TestChecks.http(
                "phases",
                localhostBase() + "/ok",
                Duration.ofSeconds(10),
                a("body contains \"UP\"")));
    assertThat(r.ok()).as("%s", r.failure()).isTrue();
    assertPhasesInOrder(r, "dns", "connect", "firstByte", "total");
  }

  @Test
  void whenAStepFails_thenTheDiagnosticsHoldTheResolvedAddressesAndItsPhases() throws Exception {
    ProbeResult r =
        run(
            TestChecks.http(
                "s", localhostBase() + "/status/503", Duration.ofSeconds(10), a("status == 200")));
    assertThat(r.failure().kind()).isEqualTo(FailureKind.HTTP_STATUS);
    assertThat(r.diagnostics().getJsonArray("addresses").getList()).contains("127.0.0.1");
    assertPhasesInOrder(r, "dns", "connect", "firstByte", "total");
    assertThat(r.diagnostics().getJsonArray("steps")).as("the failing step, once").hasSize(1);
    JsonObject step = r.diagnostics().getJsonArray("steps").getJsonObject(0);
    assertThat(step.getString("step")).isEqualTo("request");
    assertThat(step.getInteger("status")).isEqualTo(503);
    assertThat(step.getJsonObject("phasesMillis").fieldNames())
        .containsExactly("dns", "connect", "firstByte", "total");
    assertThat(r.diagnostics().getJsonObject("headers").getString("content-length")).isEqualTo("4");
  }

  @Test
  void whenTheConnectionIsRefused_thenTheDiagnosticsHoldTheAddressesAndOnlyDnsWasReached()
      throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    ProbeResult r =
        run(TestChecks.http("refused", "http://localhost:" + port + "/", Duration.ofSeconds(10)));
    assertThat(r.failure().kind()).isEqualTo(FailureKind.CONNECT);
    assertThat(r.failure().message()).startsWith("could not connect to localhost:" + port);
    assertThat(r.diagnostics().getJsonArray("addresses").getList()).contains("127.0.0.1");
    assertPhasesInOrder(r, "dns", "total");
  }

  @Test
  void whenKeepAliveIsOn_thenOnlyFirstByteAndTotalAreRecorded() throws Exception {
    Request get = TestChecks.get("request", base + "/ok", a("body contains \"UP\""));
    Check check =
        TestChecks.check(
            "keep-alive",
            Duration.ofSeconds(10),
            new CheckSpec.Http(get, new HttpOptions(true, 5, false, null, true, 1 << 20)));
    ProbeResult first = run(check);
    ProbeResult second = run(check);
    assertThat(first.ok()).as("%s", first.failure()).isTrue();
    assertThat(second.ok()).as("%s", second.failure()).isTrue();
    assertPhasesInOrder(second, "firstByte", "total");
  }

  @Test
  void whenTheUrlIsNotHttp_thenProtocolNamingTheScheme() throws Exception {
    ProbeResult r = run(TestChecks.http("ftp", "ftp://127.0.0.1/x", Duration.ofSeconds(10)));
    assertThat(r.failure().kind()).isEqualTo(FailureKind.PROTOCOL);
    assertThat(r.failure().message()).contains("the scheme is 'ftp' (expected: http or https)");
  }

  @Test
  void whenTheStatusIsWrong_thenTheFailureIsHttpStatusWithTheActualValue() throws Exception {
    ProbeResult r =
        run(TestChecks.http("s", base + "/status/503", Duration.ofSeconds(10), a("status == 200")));
    assertThat(r.failure().kind()).isEqualTo(FailureKind.HTTP_STATUS);
    assertThat(r.failure().message()).contains("503");
    assertThat(r.diagnostics().getInteger("status")).isEqualTo(503);
    assertThat(r.diagnostics().getString("body")).isEqualTo("nope");
  }

  @Test
  void whenNoAssertionNamesTheStatus_thenAnErrorStatusStillFails() throws Exception {
    ProbeResult r = run(TestChecks.http("s", base + "/status/500", Duration.ofSeconds(10)));
    assertThat(r.failure().kind()).isEqualTo(FailureKind.HTTP_STATUS);
  }

  @Test
  void whenABodyAssertionFails_thenTheFailureIsAssertion() throws Exception {
    ProbeResult r =
        run(
            TestChecks.http(
                "b", base + "/ok", Duration.ofSeconds(10), a("body.$.status == \"DOWN\"")));
    assertThat(r.failure().kind()).isEqualTo(FailureKind.ASSERTION);
    assertThat(r.failure().message()).contains("UP");
  }

  @Test
  void whenRedirectsLoop_thenTheFailureIsRedirectLoop() throws Exception {
    ProbeResult r = run(TestChecks.http("l", base + "/loop", Duration.ofSeconds(10)));
    assertThat(r.failure().kind()).isEqualTo(FailureKind.REDIRECT_LOOP);
  }

  @Test
  void whenARedirectLeadsToAnAnswer_thenItIsFollowed() throws Exception {
    ProbeResult r =
        run(TestChecks.http("h", base + "/hop", Duration.ofSeconds(10), a("body contains \"UP\"")));
    assertThat(r.ok()).as("%s", r.failure()).isTrue();
  }

  @Test
  void whenTheBodyIsPastTheCap_thenItIsCutOffAndBodyTooLarge() throws Exception {
    ProbeResult r = run(TestChecks.http("big", base + "/big", Duration.ofSeconds(10)));
    assertThat(r.failure().kind()).isEqualTo(FailureKind.BODY_TOO_LARGE);
    assertThat(r.diagnostics().getString("body")).hasSize(HttpProbe.DIAGNOSTIC_BODY_BYTES);
  }

  @Test
  void whenBytesDripSlowly_thenTheTotalTimeoutFires() throws Exception {
    Check check =
        TestChecks.withTimeout(
            TestChecks.http("drip", base + "/drip", Duration.ofSeconds(10)),
            Duration.ofMillis(1500));
    ProbeResult r = run(check);
    assertThat(r.failure().kind()).isEqualTo(FailureKind.TIMEOUT);
    assertThat(r.failure().message())
        .isEqualTo(
            base.substring("http://".length())
                + " sent the status and headers, but not the whole body within 1500ms");
    assertThat(r.durationMillis()).isLessThan(5_000);
  }

  @Test
  void whenTheTargetNeverAnswers_thenTimeout() throws Exception {
    Check check =
        TestChecks.withTimeout(
            TestChecks.http("never", base + "/never", Duration.ofSeconds(10)),
            Duration.ofMillis(1500));
    ProbeResult r = run(check);
    assertThat(r.failure().kind()).isEqualTo(FailureKind.TIMEOUT);
    assertThat(r.failure().message())
        .isEqualTo(
            "connected to "
                + base.substring("http://".length())
                + ", but no response came within 1500ms");
  }

  @Test
  void whenTheConnectionIsRefused_thenConnect() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    ProbeResult r =
        run(TestChecks.http("refused", "http://127.0.0.1:" + port + "/", Duration.ofSeconds(10)));
    assertThat(r.failure().kind()).isEqualTo(FailureKind.CONNECT);
  }

  @Test
  void whenRetriesAreAllowed_thenTheResultCountsTheAttempts() throws Exception {
    Check check =
        TestChecks.withRetries(
            TestChecks.http(
                "retry", base + "/status/503", Duration.ofMillis(1000), a("status == 200")),
            2);
    ProbeResult r = run(check);
    assertThat(r.ok()).isFalse();
    assertThat(r.attempts()).isEqualTo(3);
  }

  @Test
  void whenASecretIsEchoed_thenItNeverAppearsInTheResult() throws Exception {
    Request step =
        new Request(
            "echo",
            "GET",
            Template.literal(base + "/echo-secret"),
            Map.of(
                "X-Token",
                new Template(
                    "${env:TOKEN}",
                    List.of(new Template.Secret(new SecretRef(SecretRef.Kind.ENV, "TOKEN"))))),
            null,
            List.of(a("status == 200")),
            List.of());
    ProbeResult r =
        run(
            TestChecks.check(
                "echo", Duration.ofSeconds(10), new CheckSpec.Http(step, HttpOptions.DEFAULTS)));
    assertThat(r.ok()).isFalse();
    assertThat(r.toJson().encode()).doesNotContain(SECRET).contains("[redacted]");
  }

  private static Check journey(String password) {
    Template pw =
        password == null
            ? new Template(
                "${env:PROBE_PASSWORD}",
                List.of(new Template.Secret(new SecretRef(SecretRef.Kind.ENV, "PROBE_PASSWORD"))))
            : Template.literal(password);
    Request login =
        new Request(
            "login",
            "POST",
            new Template(
                "${base}/api/login",
                List.of(new Template.Var("base"), new Template.Text("/api/login"))),
            Map.of(),
            new Request.JsonBody(Map.of("user", Template.literal("probe"), "password", pw)),
            List.of(a("status == 200")),
            List.of(new Request.Extraction("token", Request.Extraction.From.JSON, "$.token")));
    Template bearer =
        new Template(
            "Bearer ${token}", List.of(new Template.Text("Bearer "), new Template.Var("token")));
    Request cart =
        new Request(
            "add-to-cart",
            "POST",
            Template.literal(shopBase + "/api/cart"),
            Map.of("Authorization", bearer),
            new Request.JsonBody(Map.of("sku", Template.literal("A1"))),
            List.of(a("status == 201"), a("body.$.cart.items[0].sku == \"A1\"")),
            List.of());
    Request pay =
        new Request(
            "checkout",
            "POST",
            Template.literal(shopBase + "/api/checkout"),
            Map.of("Authorization", bearer),
            null,
            List.of(a("status == 200"), a("body.$.state == \"PAID\"")),
            List.of());
    return TestChecks.check(
        "checkout-journey",
        Duration.ofSeconds(30),
        new CheckSpec.Journey(List.of(login, cart, pay), HttpOptions.DEFAULTS));
  }

  @Test
  void whenTheShopWorks_thenTheThreeStepJourneyPasses() throws Exception {
    ProbeResult r = run(journey(null));
    assertThat(r.ok()).as("%s", r.failure()).isTrue();
  }

  @Test
  void whenTheSecondStepBreaks_thenTheFailureNamesTheStepAndValueAndNoSecret() throws Exception {
    shop.setFault("cart", new Fault(Fault.Mode.OUTAGE, 1.0, 0, null));
    try {
      ProbeResult r = run(journey(null));
      assertThat(r.failure().kind()).isEqualTo(FailureKind.HTTP_STATUS);
      assertThat(r.failure().step()).isEqualTo("add-to-cart");
      assertThat(r.failure().message()).contains("503");
      assertThat(r.toJson().encode()).doesNotContain(ShopServer.PROBE_PASSWORD);
    } finally {
      shop.clearFault("cart");
    }
  }

  @Test
  void whenTheLoginIsRefused_thenTheFirstStepFails() throws Exception {
    ProbeResult r = run(journey("wrong"));
    assertThat(r.failure().step()).isEqualTo("login");
    assertThat(r.failure().message()).contains("401");
  }
}
