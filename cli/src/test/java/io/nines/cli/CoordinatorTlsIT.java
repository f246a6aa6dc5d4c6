package io.nines.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.agent.Agent;
import io.nines.agent.AgentOptions;
import io.nines.agent.spool.SpoolOptions;
import io.nines.common.TimeSource;
import io.nines.common.testing.TestCertificates;
import io.nines.config.Fleet;
import io.nines.config.FleetLoader;
import io.nines.coordinator.Coordinator;
import io.nines.coordinator.CoordinatorOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator serving HTTPS with a certificate from a private CA: an agent that trusts the CA
 * delivers; one that does not deliver nothing, and keeps its results spooled.
 */
class CoordinatorTlsIT {
  private static final String TOKEN = "tls-token-0123456789";

  @TempDir Path dir;
  private Vertx vertx;
  private Coordinator coordinator;
  private int port;
  private Fleet fleet;
  private Path caPem;

  private static <T> T join(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    Router target = Router.router(vertx);
    target.get("/ok").handler(ctx -> ctx.response().end("ok"));
    int targetPort =
        join(vertx.createHttpServer().requestHandler(target).listen(0, "127.0.0.1")).actualPort();
    Files.writeString(
        dir.resolve("fleet.yaml"),
        "locations: [eu]\n"
            + "teams: { web: { email: [web@example.com] } }\n"
            + "services: { site: { tier: important, owners: [web] } }\n"
            + "checks:\n"
            + "  - { id: c1, service: site, every: 1s, http: { get: \"http://127.0.0.1:%d/ok\" } }\n"
                .formatted(targetPort));
    fleet = new FleetLoader(TimeSource.SYSTEM, Map.of()).load(dir);
    TestCertificates.Issued ca = TestCertificates.ca("Nines Test CA");
    TestCertificates.Issued server =
        TestCertificates.leaf(
            ca,
            "127.0.0.1",
            List.of("127.0.0.1", "localhost"),
            Instant.now().minusSeconds(3600),
            Instant.now().plusSeconds(86400));
    caPem = ca.writePem(dir, "ca.pem");
    coordinator =
        new Coordinator(
            CoordinatorOptions.builder()
                .port(0)
                .agentTokens(Set.of(TOKEN))
                .fleet(fleet)
                .meterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                .tls(server.writePem(dir, "server.pem"), server.writeKeyPem(dir, "server.key"))
                .build());
    port = join(coordinator.start(vertx));
  }

  @AfterEach
  void stop() throws Exception {
    join(vertx.close());
  }

  private Agent agent(String id, String caFile) throws Exception {
    Agent agent =
        new Agent(
            vertx,
            AgentOptions.defaults(id, "eu", List.of("https://127.0.0.1:" + port), TOKEN)
                .withSpool(SpoolOptions.defaults(dir.resolve("spool-" + id)))
                .withCoordinatorCa(caFile),
            fleet,
            TimeSource.SYSTEM,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            Map.of());
    join(agent.start());
    return agent;
  }

  @Test
  void whenTheAgentTrustsTheCoordinatorsCa_thenResultsArriveOverHttps() throws Exception {
    agent("eu-1", caPem.toString());
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () ->
                assertThat(join(coordinator.store().recent("c1", 5)))
                    .anySatisfy(r -> assertThat(r.agentId()).isEqualTo("eu-1")));
  }

  @Test
  void whenTheAgentDoesNotTrustTheCertificate_thenNothingArrives() throws Exception {
    Agent untrusting = agent("eu-2", null);
    // The agent probes every second and tries to ship; give it a few attempts.
    await()
        .pollDelay(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(6))
        .untilAsserted(() -> assertThat(join(coordinator.store().size())).isZero());
    join(untrusting.stop());
  }
}
