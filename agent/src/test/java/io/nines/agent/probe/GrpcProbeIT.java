package io.nines.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.agent.TestChecks;
import io.nines.common.FailureKind;
import io.nines.common.ProbeResult;
import io.nines.common.testing.TestCertificates;
import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.nines.config.Template;
import io.nines.config.internal.Templates;
import io.nines.demo.GrpcHealth;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The grpc probe against real Vert.x gRPC servers on port 0, cleartext and TLS. */
class GrpcProbeIT {
  @TempDir static Path dir;

  private static ProbeHarness harness;
  private static int health;
  private static int noHealth;
  private static int notGrpc;
  private static int silent;
  private static int closed;
  private static int tls;
  private static int guarded;
  private static final String TOKEN = "s3cret-health";
  private static String pinnedFile;

  private static final Map<String, GrpcHealth.Status> STATUSES =
      Map.of(
          "", GrpcHealth.Status.SERVING,
          "orders", GrpcHealth.Status.SERVING,
          "payments", GrpcHealth.Status.NOT_SERVING,
          "legacy", GrpcHealth.Status.SERVICE_UNKNOWN);

  @BeforeAll
  static void start() throws Exception {
    harness = new ProbeHarness(Map.of(), Map.of("HEALTH_TOKEN", TOKEN));
    GrpcHealth healthService =
        new GrpcHealth(service -> Future.succeededFuture(STATUSES.get(service)));
    health =
        grpcServer(healthService.mount(GrpcServer.server(harness.vertx)), new HttpServerOptions());
    noHealth = grpcServer(GrpcServer.server(harness.vertx), new HttpServerOptions());
    guarded =
        grpcServer(
            GrpcServer.server(harness.vertx)
                .callHandler(
                    ServiceMethod.server(
                        ServiceName.create("grpc.health.v1.Health"),
                        "Check",
                        GrpcMessageEncoder.IDENTITY,
                        GrpcMessageDecoder.IDENTITY),
                    request ->
                        request.handler(
                            message -> {
                              String auth = request.headers().get("authorization");
                              if (("Bearer " + TOKEN).equals(auth)) {
                                request.response().end(Buffer.buffer(new byte[] {0x08, 0x01}));
                              } else {
                                request
                                    .response()
                                    .status(GrpcStatus.UNAUTHENTICATED)
                                    .statusMessage("bad token '" + auth + "'")
                                    .end();
                              }
                            })),
            new HttpServerOptions());
    notGrpc =
        ProbeHarness.await(
                harness
                    .vertx
                    .createHttpServer()
                    .requestHandler(
                        req ->
                            req.response()
                                .putHeader("content-type", "text/html")
                                .end("<p>shop</p>"))
                    .listen(0, "127.0.0.1"))
            .actualPort();
    silent =
        ProbeHarness.await(
                harness.vertx.createNetServer().connectHandler(socket -> {}).listen(0, "127.0.0.1"))
            .actualPort();
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Instant now = Instant.now();
    TestCertificates.Issued pinned =
        TestCertificates.selfSigned(
            "localhost",
            List.of("localhost", "127.0.0.1"),
            now.minus(Duration.ofHours(1)),
            now.plus(Duration.ofDays(30)));
    pinnedFile = pinned.writePem(dir, "pinned.pem").toString();
    tls =
        grpcServer(
            healthService.mount(GrpcServer.server(harness.vertx)),
            new HttpServerOptions()
                .setSsl(true)
                .setUseAlpn(true)
                .setKeyCertOptions(pinned.serverOptions()));
  }

  private static int grpcServer(GrpcServer grpc, HttpServerOptions options) throws Exception {
    return ProbeHarness.await(
            harness.vertx.createHttpServer(options).requestHandler(grpc).listen(0, "127.0.0.1"))
        .actualPort();
  }

  @AfterAll
  static void stop() throws Exception {
    harness.close();
  }

  private static Check grpc(int port, String service) {
    return grpc(new CheckSpec.Grpc("127.0.0.1", port, service, false, false, null, Map.of()));
  }

  private static Check grpc(CheckSpec.Grpc spec) {
    return TestChecks.withTimeout(
        TestChecks.check("grpc", Duration.ofSeconds(20), spec), Duration.ofSeconds(8));
  }

  @Test
  void whenTheServerIsServing_thenTheCheckPassesWithConnectAndResponseTimes() throws Exception {
    ProbeResult server = harness.run(grpc(health, ""));
    ProbeResult orders = harness.run(grpc(health, "orders"));

    assertThat(server.ok()).as("%s", server.failure()).isTrue();
    assertThat(orders.ok()).as("%s", orders.failure()).isTrue();
    assertThat(orders.phasesMillis()).containsKeys("connect", "response", "total");
    assertThat(orders.phasesMillis().get("connect"))
        .isLessThanOrEqualTo(orders.phasesMillis().get("response"));
  }

  private static Check withMetadata(int port, String value) {
    Template t =
        Templates.parse(
            value,
            problem -> {
              throw new IllegalArgumentException(problem);
            });
    return grpc(
        new CheckSpec.Grpc("127.0.0.1", port, "", false, false, null, Map.of("authorization", t)));
  }

  @Test
  void whenMetadataCarriesASecretToken_thenTheServerGetsItAndTheCheckPasses() throws Exception {
    ProbeResult r = harness.run(withMetadata(guarded, "Bearer ${env:HEALTH_TOKEN}"));

    assertThat(r.ok()).as("%s", r.failure()).isTrue();
  }

  @Test
  void whenTheServerEchoesARefusedSecret_thenItIsRedactedFromTheResult() throws Exception {
    ProbeResult r = harness.run(withMetadata(guarded, "Bearer ${env:HEALTH_TOKEN}-old"));

    assertThat(r.failure().kind()).isEqualTo(FailureKind.GRPC_STATUS);
    assertThat(r.failure().message())
        .endsWith("ended with gRPC status UNAUTHENTICATED: bad token 'Bearer [redacted]-old'");
    assertThat(r.diagnostics().encode()).doesNotContain(TOKEN);
  }

  @Test
  void whenTheServiceIsNotServing_thenItIsNotServingWithTheStatusInTheDiagnostics()
      throws Exception {
    ProbeResult r = harness.run(grpc(health, "payments"));

    assertThat(r.ok()).isFalse();
    assertThat(r.failure().kind()).isEqualTo(FailureKind.NOT_SERVING);
    assertThat(r.failure().message())
        .isEqualTo(
            "expected SERVING, got NOT_SERVING for service 'payments' at 127.0.0.1:" + health);
    assertThat(r.diagnostics().getString("servingStatus")).isEqualTo("NOT_SERVING");
    assertThat(r.diagnostics().getString("grpcStatus")).isEqualTo("OK");
  }

  @Test
  void whenTheServerAnswersServiceUnknown_thenItIsNotServing() throws Exception {
    ProbeResult r = harness.run(grpc(health, "legacy"));

    assertThat(r.failure().kind()).isEqualTo(FailureKind.NOT_SERVING);
    assertThat(r.failure().message()).contains("got SERVICE_UNKNOWN for service 'legacy'");
  }

  @Test
  void whenTheServiceIsUnknown_thenTheCallsNotFoundStatusIsTheFailure() throws Exception {
    ProbeResult r = harness.run(grpc(health, "nosuch"));

    assertThat(r.failure().kind()).isEqualTo(FailureKind.GRPC_STATUS);
    assertThat(r.failure().message())
        .isEqualTo(
            "the health check of 127.0.0.1:"
                + health
                + " ended with gRPC status NOT_FOUND: unknown service 'nosuch'");
    assertThat(r.diagnostics().getString("grpcStatus")).isEqualTo("NOT_FOUND");
    assertThat(r.diagnostics().getInteger("grpcCode")).isEqualTo(5);
  }

  @Test
  void whenTheServerHasNoHealthService_thenItIsUnimplemented() throws Exception {
    ProbeResult r = harness.run(grpc(noHealth, ""));

    assertThat(r.failure().kind()).as("%s", r.failure()).isEqualTo(FailureKind.GRPC_STATUS);
    assertThat(r.failure().message())
        .startsWith(
            "the health check of 127.0.0.1:"
                + noHealth
                + " ended with gRPC status UNIMPLEMENTED (the server has no grpc.health.v1.Health"
                + " service)");
  }

  @Test
  void whenThePeerIsNotAGrpcServer_thenItIsAProtocolFailure() throws Exception {
    ProbeResult r = harness.run(grpc(notGrpc, ""));

    assertThat(r.failure().kind()).isEqualTo(FailureKind.PROTOCOL);
    assertThat(r.failure().message())
        .startsWith("127.0.0.1:" + notGrpc + " did not answer as a gRPC server: ");
  }

  @Test
  void whenNothingListens_thenItIsAConnectFailure() throws Exception {
    ProbeResult r = harness.run(grpc(closed, ""));

    assertThat(r.failure().kind()).isEqualTo(FailureKind.CONNECT);
    assertThat(r.failure().message()).startsWith("could not connect to 127.0.0.1:" + closed);
    assertThat(r.diagnostics().getBoolean("connected")).isFalse();
  }

  @Test
  void whenThePortNeverAnswers_thenItTimesOutWithinTheTimeout() throws Exception {
    Check check = TestChecks.withTimeout(grpc(silent, ""), Duration.ofMillis(500));

    ProbeResult r = harness.run(check);

    assertThat(r.failure().kind()).isEqualTo(FailureKind.TIMEOUT);
    assertThat(r.failure().message()).endsWith("within 500ms");
    assertThat(r.durationMillis()).isBetween(450L, 5_000L);
  }

  @Test
  void whenTheSelfSignedCertificateIsPinned_thenTheTlsCheckPasses() throws Exception {
    ProbeResult r =
        harness.run(
            grpc(
                new CheckSpec.Grpc("localhost", tls, "orders", true, false, pinnedFile, Map.of())));

    assertThat(r.ok()).as("%s", r.failure()).isTrue();
  }

  @Test
  void whenTheSelfSignedCertificateIsNotTrusted_thenItIsATlsFailureThatSaysSo() throws Exception {
    ProbeResult r =
        harness.run(
            grpc(new CheckSpec.Grpc("localhost", tls, "orders", true, false, null, Map.of())));

    assertThat(r.failure().kind()).isEqualTo(FailureKind.TLS);
    assertThat(r.failure().message()).contains("self-signed").contains("grpc.ca-file");
  }

  @Test
  void whenTlsIsInsecure_thenTheSelfSignedCertificateIsAccepted() throws Exception {
    ProbeResult r =
        harness.run(grpc(new CheckSpec.Grpc("localhost", tls, "", true, true, null, Map.of())));

    assertThat(r.ok()).as("%s", r.failure()).isTrue();
  }

  @Test
  void whenCleartextMeetsATlsServer_thenTheCheckFailsWithoutHanging() throws Exception {
    ProbeResult r = harness.run(grpc(tls, ""));

    assertThat(r.ok()).isFalse();
    assertThat(r.failure().kind())
        .isIn(FailureKind.PROTOCOL, FailureKind.CONNECT, FailureKind.TIMEOUT);
  }
}
