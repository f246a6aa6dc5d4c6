package io.nines.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.nines.common.testing.ManualTimeSource;
import io.nines.config.internal.Flatten;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The grpc and websocket check types as the loader reads and refuses them. */
class ProtocolChecksConfigTest {
  private static final String FLEET =
      """
      locations: [eu-west]
      vars: {grpc-host: "orders.shop.example", live: "wss://shop.example/live"}
      teams: {web: {email: [web@shop.example]}}
      services: {shop: {tier: important, owners: [web]}}
      """;

  @TempDir Path dir;

  private Fleet load(String checks) throws IOException, ConfigException {
    Files.writeString(dir.resolve("fleet.yaml"), FLEET);
    Files.writeString(dir.resolve("checks.yaml"), checks);
    return new FleetLoader(
            new ManualTimeSource(Instant.parse("2026-04-01T00:00:00Z")), Map.of(), Map.of())
        .load(dir);
  }

  private List<String> problems(String checks) {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(checks));
    assertThat(e).as("the configuration is refused").isNotNull();
    return e.problems().stream().map(Problem::format).toList();
  }

  @Test
  void whenAGrpcCheckIsWritten_thenTheModelHoldsTargetServiceAndTls() throws Exception {
    Fleet fleet =
        load(
            """
            checks:
              - id: orders-grpc
                service: shop
                grpc: {target: "${grpc-host}:50051", service: shop.Orders, tls: true}
              - id: server-grpc
                service: shop
                grpc: {target: "[::1]:50051"}
            """);

    CheckSpec.Grpc orders = (CheckSpec.Grpc) fleet.check("orders-grpc").orElseThrow().spec();
    assertThat(orders)
        .isEqualTo(
            new CheckSpec.Grpc(
                "orders.shop.example", 50051, "shop.Orders", true, false, null, Map.of()));
    CheckSpec.Grpc server = (CheckSpec.Grpc) fleet.check("server-grpc").orElseThrow().spec();
    assertThat(server)
        .isEqualTo(new CheckSpec.Grpc("::1", 50051, "", false, false, null, Map.of()));
    assertThat(Flatten.check(fleet.check("server-grpc").orElseThrow()))
        .containsEntry("type", "grpc")
        .containsEntry("grpc.target", "[::1]:50051")
        .containsEntry("grpc.tls", "false");
  }

  @Test
  void whenAWebSocketCheckIsWritten_thenUrlHeadersSendAndExpectAreKeptWithSecretsAsReferences()
      throws Exception {
    Fleet fleet =
        load(
            """
            checks:
              - id: live-feed
                service: shop
                websocket:
                  url: "${live}?token=${env:FEED_TOKEN}"
                  headers: {Authorization: "Bearer ${env:FEED_TOKEN}"}
                  send: '{"subscribe": "orders"}'
                  expect: ['body.$.type == "order"', "latency < 2s"]
            """);

    Check check = fleet.check("live-feed").orElseThrow();
    CheckSpec.WebSocket ws = (CheckSpec.WebSocket) check.spec();
    assertThat(ws.url().source()).isEqualTo("${live}?token=${env:FEED_TOKEN}");
    assertThat(ws.url().hasSecrets()).isTrue();
    assertThat(ws.headers().get("Authorization").hasSecrets()).isTrue();
    assertThat(ws.send().source()).isEqualTo("{\"subscribe\": \"orders\"}");
    assertThat(ws.expect()).hasSize(2);
    assertThat(Flatten.check(check))
        .containsEntry("websocket.headers.Authorization", "Bearer ${env:FEED_TOKEN}")
        .containsEntry("websocket.expect", "[body.$.type == \"order\", latency < 2s]");
  }

  @Test
  void whenAGrpcCheckIsWrong_thenEachProblemNamesFileLineAndKeyPath() {
    assertThat(
            problems(
                """
                checks:
                  - id: a
                    service: shop
                    grpc: {target: "https://orders.shop.example:443"}
                  - id: b
                    service: shop
                    grpc: {target: orders.shop.example}
                  - id: c
                    service: shop
                    grpc: {target: "orders:99999", servce: x}
                  - id: d
                    service: shop
                    grpc: {target: "orders:50051", insecure: true}
                  - id: e
                    service: shop
                    grpc: {host: orders, port: 50051}
                """))
        .containsExactly(
            "checks.yaml:4 checks[0].grpc.target was 'https://orders.shop.example:443' but it must"
                + " be host:port of a gRPC server, without scheme or path, e.g."
                + " orders.shop.example:50051, 10.0.0.7:443 or [::1]:50051",
            "checks.yaml:7 checks[1].grpc.target was 'orders.shop.example' but it must be"
                + " host:port of a gRPC server, without scheme or path, e.g."
                + " orders.shop.example:50051, 10.0.0.7:443 or [::1]:50051",
            "checks.yaml:10 checks[2].grpc.servce is an unknown key; did you mean 'service'?"
                + " (allowed here: target, service, tls, insecure, ca-file, metadata)",
            "checks.yaml:10 checks[2].grpc.target was 'orders:99999' but it must be host:port of"
                + " a gRPC server, without scheme or path, e.g. orders.shop.example:50051,"
                + " 10.0.0.7:443 or [::1]:50051",
            "checks.yaml:13 checks[3].grpc.insecure applies only with tls: true; add tls: true, or"
                + " remove insecure",
            "checks.yaml:16 checks[4].grpc.host is an unknown key; write the host and port"
                + " together as target: host:port (allowed here: target, service, tls, insecure,"
                + " ca-file, metadata)",
            "checks.yaml:16 checks[4].grpc.port is an unknown key; write the host and port"
                + " together as target: host:port (allowed here: target, service, tls, insecure,"
                + " ca-file, metadata)",
            "checks.yaml:16 checks[4].grpc is missing required key 'target' (the server as"
                + " host:port, e.g. orders.shop.example:50051)");
  }

  @Test
  void whenAWebSocketCheckIsWrong_thenEachProblemNamesFileLineAndKeyPath() {
    assertThat(
            problems(
                """
                checks:
                  - id: a
                    service: shop
                    websocket: {url: "https://shop.example/live"}
                  - id: b
                    service: shop
                    websocket: {url: "ftp://${env:HOST}/live"}
                  - id: c
                    service: shop
                    websocket: {url: "ws://shop.example/live", expect: ["status == 101"]}
                  - id: d
                    service: shop
                    websocket: {url: "ws://shop.example/live", sned: hi}
                """))
        .containsExactly(
            "checks.yaml:4 checks[0].websocket.url was 'https://shop.example/live' but it must be"
                + " a ws:// or wss:// URL, such as wss://shop.example/live (write ws:// for"
                + " http:// and wss:// for https://)",
            "checks.yaml:7 checks[1].websocket.url starts with 'ftp://', but it must be a ws:// or"
                + " wss:// URL",
            "checks.yaml:7 warning: checks[1].websocket.url refers to ${env:HOST}, which is not"
                + " set in this environment; set HOST wherever the check or channel runs",
            "checks.yaml:10 checks[2].websocket.expect[0] 'status == 101' can't be used here:"
                + " 'status' is not available in a websocket check; use one of latency, body,"
                + " body.$PATH",
            "checks.yaml:13 checks[3].websocket.sned is an unknown key; did you mean 'send'?"
                + " (allowed here: url, headers, send, expect, insecure, ca-file)");
  }

  @Test
  void whenGrpcMetadataIsWritten_thenSecretsStayReferencesAndBadNamesAreRefused() throws Exception {
    Fleet fleet =
        load(
            """
            checks:
              - id: a
                service: shop
                grpc:
                  target: "orders:443"
                  tls: true
                  metadata: {authorization: "Bearer ${env:HEALTH_TOKEN}"}
            """);
    CheckSpec.Grpc grpc = (CheckSpec.Grpc) fleet.check("a").orElseThrow().spec();
    assertThat(grpc.metadata().get("authorization").hasSecrets()).isTrue();
    assertThat(Flatten.check(fleet.check("a").orElseThrow()))
        .containsEntry("grpc.metadata.authorization", "Bearer ${env:HEALTH_TOKEN}");

    assertThat(
            problems(
                """
                checks:
                  - id: a
                    service: shop
                    grpc: {target: "orders:50051", metadata: {Authorization: x, grpc-timeout: 1S}}
                """))
        .containsExactly(
            "checks.yaml:4 checks[0].grpc.metadata.Authorization has the name 'Authorization', but"
                + " gRPC metadata names are lowercase letters, digits, '-', '_' and '.', not"
                + " starting with grpc- (reserved) nor ending in -bin (binary), e.g. authorization",
            "checks.yaml:4 checks[0].grpc.metadata.grpc-timeout has the name 'grpc-timeout', but"
                + " gRPC metadata names are lowercase letters, digits, '-', '_' and '.', not"
                + " starting with grpc- (reserved) nor ending in -bin (binary), e.g. authorization");
  }

  @Test
  void whenTwoProtocolTypesAreGiven_thenTheSecondIsRefused() {
    assertThat(
            problems(
                """
                checks:
                  - id: a
                    service: shop
                    grpc: {target: "orders:50051"}
                    websocket: {url: "ws://shop.example/live"}
                """))
        .containsExactly(
            "checks.yaml:5 checks[0].websocket is a second check type besides 'grpc'; a check has"
                + " exactly one of http, journey, tcp, dns, tls, grpc or websocket, so split it");
  }
}
