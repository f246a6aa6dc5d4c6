package io.nines.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.common.FailureKind;
import io.nines.common.ProbeResult;
import io.nines.common.TimeSource;
import io.nines.config.Check;
import io.nines.config.Fleet;
import io.nines.config.FleetLoader;
import io.nines.demo.Fault;
import io.nines.demo.ShopServer;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The example fleet's gRPC and WebSocket checks against the demo shop, as {@code nines up} runs
 * them: they pass, and the {@code orders} fault switch breaks them in their own protocols.
 */
class DemoShopProtocolsIT {
  private static Vertx shopVertx;
  private static ProbeHarness harness;
  private static ShopServer shop;
  private static Fleet fleet;

  @BeforeAll
  static void start() throws Exception {
    shopVertx = Vertx.vertx();
    shop = new ShopServer(shopVertx, TimeSource.SYSTEM, new Random(7));
    int port = ProbeHarness.await(shop.start("127.0.0.1", 0));
    fleet =
        new FleetLoader(
                TimeSource.SYSTEM,
                Map.of("shop", "http://127.0.0.1:" + port, "shop-address", "127.0.0.1:" + port),
                Map.of("SHOP_PROBE_PASSWORD", ShopServer.PROBE_PASSWORD))
            .load(Path.of("..", "config", "examples", "shopsmart"));
    harness = new ProbeHarness(fleet.vars(), Map.of());
  }

  @AfterEach
  void clear() {
    shop.clearFault("orders");
  }

  @AfterAll
  static void stop() throws Exception {
    harness.close();
    ProbeHarness.await(shop.stop());
    ProbeHarness.await(shopVertx.close());
  }

  private static Check check(String id) {
    return fleet.check(id).orElseThrow();
  }

  @Test
  void whenTheShopRuns_thenTheExamplesGrpcAndWebSocketChecksPass() throws Exception {
    ProbeResult grpc = harness.run(check("orders-grpc"));
    ProbeResult live = harness.run(check("orders-live"));

    assertThat(grpc.ok()).as("%s", grpc.failure()).isTrue();
    assertThat(live.ok()).as("%s", live.failure()).isTrue();
  }

  @Test
  void whenOrdersHasAnOutage_thenGrpcIsNotServingAndTheFeedRefusesItsHandshake() throws Exception {
    shop.setFault("orders", new Fault(Fault.Mode.OUTAGE, 1.0, 0, null));

    ProbeResult grpc = harness.run(check("orders-grpc"));
    ProbeResult live = harness.run(check("orders-live"));

    assertThat(grpc.failure().kind()).isEqualTo(FailureKind.NOT_SERVING);
    assertThat(live.failure().kind()).isEqualTo(FailureKind.HANDSHAKE);
    assertThat(live.diagnostics().getInteger("handshakeStatus")).isEqualTo(503);
  }

  @Test
  void whenOrdersFailsEveryRequest_thenTheFeedClosesBeforeAMessage() throws Exception {
    shop.setFault("orders", new Fault(Fault.Mode.ERRORS, 1.0, 0, null));

    ProbeResult live = harness.run(check("orders-live"));

    assertThat(live.failure().kind()).isEqualTo(FailureKind.CLOSED);
    assertThat(live.diagnostics().getInteger("closeCode")).isEqualTo(1011);
  }

  @Test
  void whenTheShopIsAskedAboutAnUnknownService_thenGrpcSaysNotFound() throws Exception {
    Check check = check("orders-grpc");
    io.nines.config.CheckSpec.Grpc spec = (io.nines.config.CheckSpec.Grpc) check.spec();
    Check unknown =
        new Check(
            check.id(),
            check.service(),
            check.every(),
            check.timeout(),
            check.locations(),
            check.downWhen(),
            0,
            new io.nines.config.CheckSpec.Grpc(
                spec.host(), spec.port(), "nosuch", false, false, null, Map.of()));

    ProbeResult r = harness.run(unknown);

    assertThat(r.failure().kind()).isEqualTo(FailureKind.GRPC_STATUS);
    assertThat(r.diagnostics().getString("grpcStatus")).isEqualTo("NOT_FOUND");
  }
}
