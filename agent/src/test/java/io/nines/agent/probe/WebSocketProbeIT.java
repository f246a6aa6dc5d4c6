package io.nines.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.agent.TestChecks;
import io.nines.common.FailureKind;
import io.nines.common.ProbeResult;
import io.nines.common.testing.TestCertificates;
import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.nines.config.Template;
import io.nines.config.assertion.Assertion;
import io.nines.config.assertion.AssertionParser;
import io.nines.config.internal.Templates;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The websocket probe against real Vert.x WebSocket servers on port 0, plain and TLS. */
class WebSocketProbeIT {
  private static final String TOKEN = "s3cret-token";

  @TempDir static Path dir;

  private static ProbeHarness harness;
  private static int port;
  private static int tlsPort;
  private static int closed;
  private static String pinnedFile;

  @BeforeAll
  static void start() throws Exception {
    harness = new ProbeHarness(Map.of(), Map.of("FEED_TOKEN", TOKEN));
    port = server(new HttpServerOptions());
    Instant now = Instant.now();
    TestCertificates.Issued pinned =
        TestCertificates.selfSigned(
            "localhost",
            List.of("localhost", "127.0.0.1"),
            now.minus(Duration.ofHours(1)),
            now.plus(Duration.ofDays(30)));
    pinnedFile = pinned.writePem(dir, "pinned.pem").toString();
    tlsPort =
        server(new HttpServerOptions().setSsl(true).setKeyCertOptions(pinned.serverOptions()));
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
  }

  /** A server whose path says how it behaves. */
  private static int server(HttpServerOptions options) throws Exception {
    HttpServer server =
        harness
            .vertx
            .createHttpServer(options)
            .webSocketHandshakeHandler(
                handshake -> {
                  if (handshake.path().equals("/forbidden")) {
                    handshake.reject(403);
                  } else {
                    handshake.accept();
                  }
                })
            .webSocketHandler(WebSocketProbeIT::behave);
    return ProbeHarness.await(server.listen(0, "127.0.0.1")).actualPort();
  }

  private static void behave(ServerWebSocket ws) {
    switch (ws.path()) {
      case "/orders" -> ws.writeTextMessage("{\"type\": \"order\", \"id\": 42, \"total\": 89.5}");
      case "/echo" -> ws.textMessageHandler(text -> ws.writeTextMessage("echo: " + text));
      case "/whoami" ->
          ws.writeTextMessage(
              "you are " + ws.headers().get("Authorization") + " asking " + ws.query());
      case "/bye" -> ws.close((short) 1008, "no subscription");
      case "/binary" -> ws.writeBinaryMessage(io.vertx.core.buffer.Buffer.buffer("pong"));
      default -> {}
    }
  }

  @AfterAll
  static void stop() throws Exception {
    harness.close();
  }

  private static Check ws(String url, String send, String... expect) {
    return ws(url, Map.of(), send, false, null, expect);
  }

  private static Check ws(
      String url,
      Map<String, String> headers,
      String send,
      boolean insecure,
      String caFile,
      String... expect) {
    List<Assertion> assertions = Arrays.stream(expect).map(AssertionParser::parse).toList();
    Map<String, Template> templates = new java.util.LinkedHashMap<>();
    headers.forEach((k, v) -> templates.put(k, template(v)));
    CheckSpec.WebSocket spec =
        new CheckSpec.WebSocket(
            template(url),
            templates,
            send == null ? null : template(send),
            assertions,
            insecure,
            caFile);
    return TestChecks.withTimeout(
        TestChecks.check("ws", Duration.ofSeconds(20), spec), Duration.ofSeconds(8));
  }

  private static Template template(String text) {
    return Templates.parse(
        text,
        problem -> {
          throw new IllegalArgumentException(problem);
        });
  }

  private static String local(String path) {
    return "ws://127.0.0.1:" + port + path;
  }

  @Test
  void whenTheFirstMessageHoldsTheAssertions_thenTheCheckPassesWithConnectAndMessageTimes()
      throws Exception {
    ProbeResult r =
        harness.run(
            ws(
                local("/orders"),
                null,
                "body.$.type == \"order\"",
                "body contains \"42\"",
                "latency < 5s"));

    assertThat(r.ok()).as("%s", r.failure()).isTrue();
    assertThat(r.phasesMillis()).containsKeys("connect", "firstMessage", "total");
    assertThat(r.phasesMillis().get("connect"))
        .isLessThanOrEqualTo(r.phasesMillis().get("firstMessage"));
  }

  @Test
  void whenAMessageIsSent_thenTheAnswerIsJudged() throws Exception {
    ProbeResult r = harness.run(ws(local("/echo"), "ping", "body == \"echo: ping\""));

    assertThat(r.ok()).as("%s", r.failure()).isTrue();
  }

  @Test
  void whenABinaryMessageComes_thenItIsJudgedAsUtf8Text() throws Exception {
    ProbeResult r = harness.run(ws(local("/binary"), null, "body == \"pong\""));

    assertThat(r.ok()).as("%s", r.failure()).isTrue();
  }

  @Test
  void whenTheFirstMessageFailsAnAssertion_thenItIsAnAssertionFailureWithTheMessage()
      throws Exception {
    ProbeResult r = harness.run(ws(local("/orders"), null, "body.$.id == 7"));

    assertThat(r.failure().kind()).isEqualTo(FailureKind.ASSERTION);
    assertThat(r.failure().message()).isEqualTo("body.$.id == 7: expected == 7, got 42");
    assertThat(r.diagnostics().getString("firstMessage")).contains("\"id\": 42");
  }

  @Test
  void whenSecretsAreInTheUrlAndHeaders_thenTheyAreSentButNeverShown() throws Exception {
    ProbeResult r =
        harness.run(
            ws(
                local("/whoami?token=${env:FEED_TOKEN}"),
                Map.of("Authorization", "Bearer ${env:FEED_TOKEN}"),
                null,
                false,
                null,
                "body == \"nobody\""));

    assertThat(r.failure().kind()).isEqualTo(FailureKind.ASSERTION);
    assertThat(r.failure().message())
        .isEqualTo(
            "body == \"nobody\": expected == \"nobody\", got \"you are Bearer [redacted] asking"
                + " token=[redacted]\"");
    assertThat(r.diagnostics().encode()).doesNotContain(TOKEN).contains("[redacted]");
  }

  @Test
  void whenTheHandshakeIsRefused_thenItIsAHandshakeFailureWithTheStatus() throws Exception {
    ProbeResult r = harness.run(ws(local("/forbidden"), null));

    assertThat(r.failure().kind()).isEqualTo(FailureKind.HANDSHAKE);
    assertThat(r.failure().message())
        .startsWith("expected 101 Switching Protocols from " + local("/forbidden") + ", got 403");
    assertThat(r.diagnostics().getInteger("handshakeStatus")).isEqualTo(403);
  }

  @Test
  void whenTheServerClosesBeforeAnyMessage_thenItIsClosedWithCodeAndReason() throws Exception {
    ProbeResult r = harness.run(ws(local("/bye"), null));

    assertThat(r.failure().kind()).isEqualTo(FailureKind.CLOSED);
    assertThat(r.failure().message()).contains("before any message with 1008 \"no subscription\"");
    assertThat(r.diagnostics().getInteger("closeCode")).isEqualTo(1008);
    assertThat(r.diagnostics().getString("closeReason")).isEqualTo("no subscription");
  }

  @Test
  void whenNoMessageComesInTime_thenItTimesOutAfterOpening() throws Exception {
    Check check = TestChecks.withTimeout(ws(local("/silent"), "hello"), Duration.ofMillis(700));

    ProbeResult r = harness.run(check);

    assertThat(r.failure().kind()).isEqualTo(FailureKind.TIMEOUT);
    assertThat(r.failure().message())
        .isEqualTo(
            "the WebSocket to "
                + local("/silent")
                + " opened and sent 5 bytes, but no message came within 700ms");
    assertThat(r.durationMillis()).isBetween(650L, 5_000L);
  }

  @Test
  void whenNothingListens_thenItIsAConnectFailure() throws Exception {
    ProbeResult r = harness.run(ws("ws://127.0.0.1:" + closed + "/live", null));

    assertThat(r.failure().kind()).isEqualTo(FailureKind.CONNECT);
    assertThat(r.failure().message()).startsWith("could not open ws://127.0.0.1:" + closed);
  }

  @Test
  void whenAPinnedSelfSignedCertificateServesWss_thenTheCheckPasses() throws Exception {
    ProbeResult r =
        harness.run(
            ws("wss://localhost:" + tlsPort + "/orders", Map.of(), null, false, pinnedFile));

    assertThat(r.ok()).as("%s", r.failure()).isTrue();
  }

  @Test
  void whenTheWssCertificateIsNotTrusted_thenItIsATlsFailure() throws Exception {
    ProbeResult r =
        harness.run(ws("wss://localhost:" + tlsPort + "/orders", Map.of(), null, false, null));

    assertThat(r.failure().kind()).isEqualTo(FailureKind.TLS);
    assertThat(r.failure().message()).contains("websocket.ca-file");
  }
}
