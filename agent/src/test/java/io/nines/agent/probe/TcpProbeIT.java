package io.nines.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.agent.TestChecks;
import io.nines.common.FailureKind;
import io.nines.common.ProbeResult;
import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.nines.config.SecretRef;
import io.nines.config.Template;
import io.nines.config.assertion.AssertionParser;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The tcp probe against real servers on loopback. */
class TcpProbeIT {
  private static final String BANNER = "220 smtp.nines.test ESMTP ready\r\n";
  private static final String SECRET = "s3cr3t-t0ken";

  private static ProbeHarness harness;
  private static int banner;
  private static int echo;
  private static int silent;
  private static int firehose;
  private static int closer;

  @BeforeAll
  static void start() throws Exception {
    harness = new ProbeHarness(Map.of("who", "nines"), Map.of("TOKEN", SECRET));
    banner = listen(socket -> socket.write(BANNER));
    echo = listen(socket -> socket.handler(socket::write));
    silent = listen(socket -> {});
    byte[] chunk = new byte[64 * 1024];
    Arrays.fill(chunk, (byte) 'x');
    firehose =
        listen(
            socket -> {
              for (int i = 0; i < 20; i++) {
                socket.write(Buffer.buffer(chunk));
              }
            });
    closer = listen(socket -> socket.end(Buffer.buffer("bye\n")));
  }

  private static int listen(io.vertx.core.Handler<io.vertx.core.net.NetSocket> handler)
      throws Exception {
    NetServer server = harness.vertx.createNetServer().connectHandler(handler);
    return ProbeHarness.await(server.listen(0, "127.0.0.1")).actualPort();
  }

  @AfterAll
  static void stop() throws Exception {
    harness.close();
  }

  private static Check tcp(int port, Template send, String... expect) {
    return TestChecks.check(
        "tcp-" + port,
        Duration.ofSeconds(10),
        new CheckSpec.Tcp(
            "127.0.0.1", port, send, Arrays.stream(expect).map(AssertionParser::parse).toList()));
  }

  @Test
  void whenTheBannerIsAsExpected_thenOkWithTimingPhases() throws Exception {
    ProbeResult r = harness.run(tcp(banner, null, "body contains \"220 \"", "latency < 5s"));
    assertThat(r.ok()).as("%s", r.failure()).isTrue();
    assertThat(r.phasesMillis()).containsKeys("connect", "firstByte", "total");
    assertThat(r.phasesMillis().get("connect")).isLessThanOrEqualTo(r.phasesMillis().get("total"));
    assertThat(r.diagnostics()).isNull();
  }

  @Test
  void whenTheBannerDiffers_thenAssertionWithTheActualValue() throws Exception {
    Check check =
        TestChecks.withTimeout(
            tcp(banner, null, "body matches \"^SSH-2\""), Duration.ofMillis(300));
    ProbeResult r = harness.run(check);
    assertThat(r.failure().kind()).isEqualTo(FailureKind.ASSERTION);
    assertThat(r.failure().message()).contains("SSH-2").contains("220 smtp.nines.test");
    assertThat(r.diagnostics().getString("received")).isEqualTo(BANNER);
    assertThat(r.diagnostics().getBoolean("connected")).isTrue();
  }

  @Test
  void whenSendIsRenderedAndEchoed_thenOkAsSoonAsTheAssertionsHold() throws Exception {
    Template send =
        new Template(
            "PING ${who}\n",
            List.of(new Template.Text("PING "), new Template.Var("who"), new Template.Text("\n")));
    ProbeResult r = harness.run(tcp(echo, send, "body == \"PING nines\\n\""));
    assertThat(r.ok()).as("%s", r.failure()).isTrue();
    assertThat(r.durationMillis()).isLessThan(4_000);
  }

  @Test
  void whenSendIsSetWithoutAssertions_thenTheFirstByteBackPasses() throws Exception {
    ProbeResult r = harness.run(tcp(echo, Template.literal("hello\n")));
    assertThat(r.ok()).as("%s", r.failure()).isTrue();
    assertThat(r.phasesMillis()).containsKey("firstByte");
  }

  @Test
  void whenASecretIsSentAndEchoed_thenItNeverAppearsInTheResult() throws Exception {
    Template send =
        new Template(
            "AUTH ${env:TOKEN}\n",
            List.of(
                new Template.Text("AUTH "),
                new Template.Secret(new SecretRef(SecretRef.Kind.ENV, "TOKEN")),
                new Template.Text("\n")));
    Check check =
        TestChecks.withTimeout(tcp(echo, send, "body contains \"+OK\""), Duration.ofMillis(300));
    ProbeResult r = harness.run(check);
    assertThat(r.failure().kind()).isEqualTo(FailureKind.ASSERTION);
    assertThat(r.failure().message()).doesNotContain(SECRET).contains("AUTH [redacted]");
    assertThat(r.diagnostics().encode()).doesNotContain(SECRET).contains("[redacted]");
  }

  @Test
  void whenThereIsNothingToSendOrCheck_thenConnectingIsEnough() throws Exception {
    ProbeResult r = harness.run(tcp(silent, null));
    assertThat(r.ok()).as("%s", r.failure()).isTrue();
    assertThat(r.phasesMillis()).containsKeys("connect", "total").doesNotContainKey("firstByte");
  }

  @Test
  void whenThePortIsClosed_thenConnect() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    ProbeResult r = harness.run(tcp(port, null));
    assertThat(r.failure().kind()).isEqualTo(FailureKind.CONNECT);
    assertThat(r.failure().message()).contains("127.0.0.1:" + port);
    assertThat(r.diagnostics().getBoolean("connected")).isFalse();
  }

  @Test
  void whenTheServerAcceptsButNeverAnswers_thenTimeout() throws Exception {
    Check check =
        TestChecks.withTimeout(
            tcp(silent, Template.literal("HELLO\n"), "body contains \"OK\""),
            Duration.ofMillis(300));
    ProbeResult r = harness.run(check);
    assertThat(r.failure().kind()).isEqualTo(FailureKind.TIMEOUT);
    assertThat(r.failure().message()).contains("sent 6 bytes").contains("300ms");
    assertThat(r.durationMillis()).isBetween(250L, 3_000L);
    assertThat(r.diagnostics().getInteger("receivedBytes")).isZero();
  }

  @Test
  void whenThePeerSendsMoreThanTheCap_thenBodyTooLarge() throws Exception {
    ProbeResult r = harness.run(tcp(firehose, null, "body contains \"never\""));
    assertThat(r.failure().kind()).isEqualTo(FailureKind.BODY_TOO_LARGE);
    assertThat(r.diagnostics().getInteger("receivedBytes")).isEqualTo(TcpProbe.MAX_RECEIVED_BYTES);
    assertThat(r.diagnostics().getString("received")).hasSize(TcpProbe.DIAGNOSTIC_BYTES);
  }

  @Test
  void whenThePeerClosesBeforeTheAssertionsHold_thenAssertionAtOnce() throws Exception {
    ProbeResult r = harness.run(tcp(closer, null, "body contains \"welcome\""));
    assertThat(r.failure().kind()).isEqualTo(FailureKind.ASSERTION);
    assertThat(r.failure().message()).contains("\"bye\\n\"");
    assertThat(r.diagnostics().getBoolean("closedByPeer")).isTrue();
    assertThat(r.durationMillis()).isLessThan(4_000); // not the 5 s timeout
  }
}
