package io.nines.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.agent.TestChecks;
import io.nines.common.FailureKind;
import io.nines.common.ProbeResult;
import io.nines.common.testing.TestCertificates;
import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.nines.config.HttpOptions;
import io.nines.config.Request;
import io.nines.config.assertion.AssertionParser;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tls probe, and the http probe over TLS, against servers with certificates made here. */
class TlsProbeIT {
  private static final Duration DAY = Duration.ofDays(1);
  private static final List<String> LOCAL_NAMES = List.of("localhost", "127.0.0.1");

  @TempDir static Path dir;

  private static ProbeHarness harness;
  private static String caFile;
  private static String pinnedExpiredFile;
  private static int valid;
  private static int shortLived;
  private static int expired;
  private static int otherName;
  private static io.vertx.core.net.KeyCertOptions otherNameCert;
  private static int selfSignedExpired;
  private static int https;
  private static int plain;
  private static int silent;

  @BeforeAll
  static void start() throws Exception {
    harness = new ProbeHarness();
    Instant now = Instant.now();
    Instant hourAgo = now.minus(Duration.ofHours(1));
    // An hour past whole days, so that cert.days is exact however long the test takes.
    Instant in90Days = now.plus(DAY.multipliedBy(90)).plus(Duration.ofHours(1));
    TestCertificates.Issued ca = TestCertificates.ca("Nines Test CA");
    caFile = ca.writePem(dir, "ca.pem").toString();
    TestCertificates.Issued validCert =
        TestCertificates.leaf(ca, "localhost", LOCAL_NAMES, hourAgo, in90Days);
    valid = tls(validCert);
    shortLived =
        tls(
            TestCertificates.leaf(
                ca,
                "localhost",
                LOCAL_NAMES,
                hourAgo,
                now.plus(DAY.multipliedBy(10)).plus(Duration.ofHours(1))));
    expired =
        tls(
            TestCertificates.leaf(
                ca,
                "localhost",
                LOCAL_NAMES,
                now.minus(DAY.multipliedBy(90)),
                now.minus(DAY.multipliedBy(5)).minus(Duration.ofHours(1))));
    TestCertificates.Issued otherNameIssued =
        TestCertificates.leaf(
            ca, "service.internal", List.of("service.internal"), hourAgo, in90Days);
    otherNameCert = otherNameIssued.serverOptions();
    otherName = tls(otherNameIssued);
    TestCertificates.Issued pinned =
        TestCertificates.selfSigned(
            "localhost",
            LOCAL_NAMES,
            now.minus(DAY.multipliedBy(30)),
            now.minus(DAY.multipliedBy(2)));
    pinnedExpiredFile = pinned.writePem(dir, "pinned.pem").toString();
    selfSignedExpired = tls(pinned);
    plain = plain(socket -> socket.write("220 smtp.nines.test ESMTP ready\r\n"));
    silent = plain(socket -> {});
    https =
        ProbeHarness.await(
                harness
                    .vertx
                    .createHttpServer(
                        new HttpServerOptions()
                            .setSsl(true)
                            .setKeyCertOptions(validCert.serverOptions()))
                    .requestHandler(req -> req.response().end("secure"))
                    .listen(0, "127.0.0.1"))
            .actualPort();
  }

  private static int plain(io.vertx.core.Handler<io.vertx.core.net.NetSocket> handler)
      throws Exception {
    return ProbeHarness.await(
            harness.vertx.createNetServer().connectHandler(handler).listen(0, "127.0.0.1"))
        .actualPort();
  }

  private static int tls(TestCertificates.Issued cert) throws Exception {
    return ProbeHarness.await(
            harness
                .vertx
                .createNetServer(
                    new NetServerOptions().setSsl(true).setKeyCertOptions(cert.serverOptions()))
                .connectHandler(socket -> {})
                .listen(0, "127.0.0.1"))
        .actualPort();
  }

  @AfterAll
  static void stop() throws Exception {
    harness.close();
  }

  private static Check tls(int port, String serverName, String caFile, String... expect) {
    return TestChecks.check(
        "tls-" + port,
        Duration.ofSeconds(10),
        new CheckSpec.Tls(
            "127.0.0.1",
            port,
            serverName,
            caFile,
            Arrays.stream(expect).map(AssertionParser::parse).toList()));
  }

  @Test
  void whenTheChainIsTrustedThroughCaFile_thenOkWithCertDays() throws Exception {
    ProbeResult r = harness.run(tls(valid, "localhost", caFile, "cert.days == 90"));
    assertThat(r.ok()).as("%s", r.failure()).isTrue();
    assertThat(r.phasesMillis()).containsKeys("connect", "tls", "total");
  }

  @Test
  void whenNoAssertionIsGiven_thenAValidHandshakeIsEnough() throws Exception {
    ProbeResult r = harness.run(tls(valid, null, caFile));
    assertThat(r.ok()).as("%s", r.failure()).isTrue();
  }

  @Test
  void whenTheCertificateExpiresTooSoon_thenAssertionWithTheDays() throws Exception {
    ProbeResult r = harness.run(tls(shortLived, "localhost", caFile, "cert.days > 14"));
    assertThat(r.failure().kind()).isEqualTo(FailureKind.ASSERTION);
    assertThat(r.failure().message()).isEqualTo("cert.days > 14: expected > 14, got 10");
    JsonObject cert = r.diagnostics().getJsonObject("certificate");
    assertThat(cert.getLong("days")).isEqualTo(10);
    assertThat(cert.getString("subject")).isEqualTo("CN=localhost");
    assertThat(cert.getString("issuer")).isEqualTo("CN=Nines Test CA");
    assertThat(cert.getJsonArray("subjectAltNames"))
        .containsExactly("DNS:localhost", "IP:127.0.0.1");
    assertThat(r.diagnostics().getJsonObject("tls").getString("protocol")).startsWith("TLS");
  }

  @Test
  void whenTheCertificateHasExpired_thenTlsSayingSoWithTheCertificate() throws Exception {
    ProbeResult r = harness.run(tls(expired, "localhost", caFile));
    assertThat(r.failure().kind()).isEqualTo(FailureKind.TLS);
    assertThat(r.failure().message())
        .startsWith("the certificate of 127.0.0.1:" + expired + " expired on ")
        .endsWith("(5 days ago)");
    JsonObject cert = r.diagnostics().getJsonObject("certificate");
    assertThat(cert.getLong("days")).isEqualTo(-6);
    assertThat(cert.getString("notAfter")).isNotBlank();
    assertThat(cert.getString("sha256")).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
  }

  @Test
  void whenTheIssuerIsUnknown_thenTlsSayingItIsNotTrusted() throws Exception {
    ProbeResult r = harness.run(tls(valid, "localhost", null));
    assertThat(r.failure().kind()).isEqualTo(FailureKind.TLS);
    assertThat(r.failure().message())
        .isEqualTo(
            "the certificate of 127.0.0.1:"
                + valid
                + " is not trusted: CN=localhost was issued by CN=Nines Test CA, which is not in"
                + " the trust store (the JDK's CAs); if that is a private CA, set tls.ca-file to a"
                + " PEM file that holds it");
    assertThat(r.diagnostics().getJsonObject("certificate").getString("issuer"))
        .isEqualTo("CN=Nines Test CA");
  }

  @Test
  void whenTheCertificateIsForAnotherName_thenTlsSayingWhichName() throws Exception {
    ProbeResult r = harness.run(tls(otherName, null, caFile));
    assertThat(r.failure().kind()).isEqualTo(FailureKind.TLS);
    assertThat(r.failure().message()).contains("is not valid for 127.0.0.1");
    assertThat(r.diagnostics().getJsonObject("certificate").getJsonArray("subjectAltNames"))
        .containsExactly("DNS:service.internal");
  }

  @Test
  void whenAPinnedSelfSignedCertificateHasExpired_thenTlsEvenThoughItIsTrusted() throws Exception {
    ProbeResult r = harness.run(tls(selfSignedExpired, "localhost", pinnedExpiredFile));
    assertThat(r.failure().kind()).isEqualTo(FailureKind.TLS);
    assertThat(r.failure().message()).contains("expired on").endsWith("(2 days ago)");
  }

  @Test
  void whenTheCaFileIsMissing_thenTlsNamingIt() throws Exception {
    String missing = dir.resolve("missing.pem").toString();
    ProbeResult r = harness.run(tls(valid, "localhost", missing));
    assertThat(r.failure().kind()).isEqualTo(FailureKind.TLS);
    assertThat(r.failure().message())
        .isEqualTo("ca-file " + missing + " can't be read: there is no such file");
  }

  @Test
  void whenHttpsIsCheckedWithTheCaFile_thenOk_andWithoutIt_thenTls() throws Exception {
    String url = "https://127.0.0.1:" + https + "/";
    Request get = TestChecks.get("home", url, AssertionParser.parse("body == \"secure\""));
    ProbeResult trusted =
        harness.run(
            TestChecks.check(
                "https-ca",
                Duration.ofSeconds(10),
                new CheckSpec.Http(get, new HttpOptions(true, 5, false, caFile, false, 1 << 20))));
    assertThat(trusted.ok()).as("%s", trusted.failure()).isTrue();
    ProbeResult untrusted =
        harness.run(
            TestChecks.check(
                "https", Duration.ofSeconds(10), new CheckSpec.Http(get, HttpOptions.DEFAULTS)));
    assertThat(untrusted.failure().kind()).isEqualTo(FailureKind.TLS);
  }

  @Test
  void whenAnHttpsCheckPasses_thenDnsConnectTlsFirstByteAndTotalAreRecordedInOrder()
      throws Exception {
    String url = "https://localhost:" + https + "/";
    Request get = TestChecks.get("home", url, AssertionParser.parse("body == \"secure\""));
    ProbeResult r =
        harness.run(
            TestChecks.check(
                "https-phases",
                Duration.ofSeconds(10),
                new CheckSpec.Http(get, new HttpOptions(true, 5, false, caFile, false, 1 << 20))));
    assertThat(r.ok()).as("%s", r.failure()).isTrue();
    HttpProbeIT.assertPhasesInOrder(r, "dns", "connect", "tls", "firstByte", "total");
  }

  @Test
  void whenTheCertificateIsUntrusted_thenTlsWithTheAddressesAndThePhasesBeforeTheHandshake()
      throws Exception {
    String url = "https://localhost:" + https + "/";
    ProbeResult r =
        harness.run(
            TestChecks.check(
                "https-untrusted",
                Duration.ofSeconds(10),
                new CheckSpec.Http(TestChecks.get("home", url), HttpOptions.DEFAULTS)));
    assertThat(r.failure().kind()).isEqualTo(FailureKind.TLS);
    assertThat(r.failure().message())
        .isEqualTo(
            "the TLS handshake with localhost:"
                + https
                + " failed: certificate not trusted: CN=localhost was issued by CN=Nines Test CA,"
                + " which is not in the trust store (the JDK's CAs); if that is a private CA, set"
                + " options.ca-file to a PEM file that holds it");
    assertThat(r.diagnostics().getJsonArray("addresses").getList()).contains("127.0.0.1");
    HttpProbeIT.assertPhasesInOrder(r, "dns", "connect", "total");
  }

  @Test
  void whenAKeepAliveHttpsCheckMeetsAnUntrustedCertificate_thenTheSameWordsAndNoClassName()
      throws Exception {
    String url = "https://localhost:" + https + "/";
    ProbeResult r =
        harness.run(
            TestChecks.check(
                "https-untrusted-pooled",
                Duration.ofSeconds(10),
                new CheckSpec.Http(
                    TestChecks.get("home", url),
                    new HttpOptions(true, 5, false, null, true, 1 << 20))));
    assertThat(r.failure().kind()).isEqualTo(FailureKind.TLS);
    assertThat(r.failure().message())
        .contains("certificate not trusted: CN=localhost was issued by CN=Nines Test CA")
        .contains("set options.ca-file")
        .doesNotContain("PKIX")
        .doesNotContainPattern("[a-z]+\\.[a-z]+\\.[A-Za-z.]*Exception");
  }

  @Test
  void whenAnHttpsServerIsSelfSigned_thenTheMessageSaysSoAndHowToPinIt() throws Exception {
    Instant now = Instant.now();
    TestCertificates.Issued self =
        TestCertificates.selfSigned("localhost", LOCAL_NAMES, now.minus(DAY), now.plus(DAY));
    int port =
        ProbeHarness.await(
                harness
                    .vertx
                    .createHttpServer(
                        new HttpServerOptions()
                            .setSsl(true)
                            .setKeyCertOptions(self.serverOptions()))
                    .requestHandler(req -> req.response().end("secure"))
                    .listen(0, "127.0.0.1"))
            .actualPort();
    ProbeResult r =
        harness.run(
            TestChecks.check(
                "https-self-signed",
                Duration.ofSeconds(10),
                new CheckSpec.Http(
                    TestChecks.get("home", "https://localhost:" + port + "/"),
                    new HttpOptions(true, 5, false, caFile, false, 1 << 20))));
    assertThat(r.failure().kind()).isEqualTo(FailureKind.TLS);
    assertThat(r.failure().message())
        .endsWith(
            "failed: certificate not trusted: CN=localhost is self-signed and not in the trust"
                + " store (the JDK's CAs and "
                + caFile
                + "); to trust it, put it (PEM) in the file that options.ca-file names");
  }

  @Test
  void whenAnHttpsCertificateIsForAnotherName_thenTheMessageNamesWhatItIsFor() throws Exception {
    int port =
        ProbeHarness.await(
                harness
                    .vertx
                    .createHttpServer(
                        new HttpServerOptions().setSsl(true).setKeyCertOptions(otherNameCert))
                    .requestHandler(req -> req.response().end("secure"))
                    .listen(0, "127.0.0.1"))
            .actualPort();
    ProbeResult r =
        harness.run(
            TestChecks.check(
                "https-other-name-words",
                Duration.ofSeconds(10),
                new CheckSpec.Http(
                    TestChecks.get("home", "https://localhost:" + port + "/"),
                    new HttpOptions(true, 5, false, caFile, false, 1 << 20))));
    assertThat(r.failure().message())
        .endsWith(
            "failed: certificate not valid for localhost: CN=service.internal is for"
                + " DNS:service.internal; request one of those names, or give the server a"
                + " certificate for localhost");
  }

  @Test
  void whenVerificationIsSkipped_thenAnUntrustedCertificateIsAccepted() throws Exception {
    String url = "https://127.0.0.1:" + https + "/";
    Request get = TestChecks.get("home", url, AssertionParser.parse("body == \"secure\""));
    ProbeResult r =
        harness.run(
            TestChecks.check(
                "https-insecure",
                Duration.ofSeconds(10),
                new CheckSpec.Http(get, new HttpOptions(true, 5, true, null, false, 1 << 20))));
    assertThat(r.ok()).as("%s", r.failure()).isTrue();
  }

  @Test
  void whenTheCertificateIsForAnotherName_thenHttpsFailsWithTls() throws Exception {
    int port =
        ProbeHarness.await(
                harness
                    .vertx
                    .createHttpServer(
                        new HttpServerOptions().setSsl(true).setKeyCertOptions(otherNameCert))
                    .requestHandler(req -> req.response().end("secure"))
                    .listen(0, "127.0.0.1"))
            .actualPort();
    ProbeResult r =
        harness.run(
            TestChecks.check(
                "https-other-name",
                Duration.ofSeconds(10),
                new CheckSpec.Http(
                    TestChecks.get("home", "https://localhost:" + port + "/"),
                    new HttpOptions(true, 5, false, caFile, false, 1 << 20))));
    assertThat(r.failure().kind()).isEqualTo(FailureKind.TLS);
  }

  @Test
  void whenThePeerDoesNotSpeakTls_thenTlsAndNoCertificate() throws Exception {
    ProbeResult r = harness.run(tls(plain, "localhost", caFile));
    assertThat(r.failure().kind()).isEqualTo(FailureKind.TLS);
    assertThat(r.failure().message()).startsWith("the TLS handshake with 127.0.0.1:" + plain);
    assertThat(r.diagnostics().getString("certificate")).startsWith("not read: ");
  }

  @Test
  void whenThePeerNeverAnswersTheHandshake_thenTimeout() throws Exception {
    ProbeResult r =
        harness.run(
            TestChecks.withTimeout(tls(silent, "localhost", caFile), Duration.ofMillis(300)));
    assertThat(r.failure().kind()).isEqualTo(FailureKind.TIMEOUT);
    assertThat(r.failure().message()).contains("TLS handshake did not complete within 300ms");
    assertThat(r.durationMillis()).isBetween(250L, 3_000L);
  }

  @Test
  void whenThePortIsClosed_thenConnect() throws Exception {
    int port;
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    ProbeResult r = harness.run(tls(port, "localhost", caFile));
    assertThat(r.failure().kind()).isEqualTo(FailureKind.CONNECT);
  }
}
