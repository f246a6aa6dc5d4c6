package io.nines.coordinator.channel;

import static io.nines.coordinator.channel.Fixtures.await;
import static io.nines.coordinator.channel.Fixtures.checkout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nines.common.testing.ManualTimeSource;
import io.nines.coordinator.channel.Notification.Kind;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Alertmanager channel against a real Alertmanager (Debian's {@code prometheus-alertmanager},
 * installed by {@code scripts/test-peers}), started here on 127.0.0.1 and a free port with
 * clustering off. Without the binary the test is skipped with a reason, except under {@code
 * CI=true}, where a missing peer is a failure.
 */
class AlertmanagerChannelIT {
  static final List<String> BINARY_NAMES = List.of("prometheus-alertmanager", "alertmanager");
  static final Path DEBIAN_BINARY = Path.of("/usr/bin/prometheus-alertmanager");

  @TempDir Path dir;
  Process alertmanager;
  Path log;
  String base;
  Vertx vertx;
  Channels channels;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeEach
  void start() throws Exception {
    Path binary = findBinary().orElse(null);
    if (binary == null) {
      String reason =
          "prometheus-alertmanager is not installed (looked on PATH for "
              + BINARY_NAMES
              + " and at "
              + DEBIAN_BINARY
              + "): run scripts/test-peers as root to install it";
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError("CI=true and " + reason);
      }
      System.err.println("SKIPPED AlertmanagerChannelIT: " + reason);
      Assumptions.abort(reason);
    }
    int port = freePort();
    base = "http://127.0.0.1:" + port;
    Path config = dir.resolve("alertmanager.yml");
    Files.writeString(
        config,
        "route:\n  receiver: \"null\"\nreceivers:\n  - name: \"null\"\n",
        StandardCharsets.UTF_8);
    log = dir.resolve("alertmanager.log");
    alertmanager =
        new ProcessBuilder(
                binary.toString(),
                "--config.file=" + config,
                "--storage.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .ignoreExceptionsInstanceOf(IOException.class)
          .until(() -> ready());
    } catch (RuntimeException | AssertionError e) {
      throw new AssertionError(
          "alertmanager did not get ready at " + base + "; its log:\n" + Files.readString(log), e);
    }
    vertx = Vertx.vertx();
    channels =
        Channels.create(
            vertx,
            new SimpleMeterRegistry(),
            new ManualTimeSource(Fixtures.START),
            ChannelOptions.defaults(),
            ref -> ref.resolve(Map.of()));
  }

  @AfterEach
  void stop() throws Exception {
    if (channels != null) {
      await(channels.close());
      await(vertx.close());
    }
    if (alertmanager != null) {
      alertmanager.destroy();
      if (!alertmanager.waitFor(10, TimeUnit.SECONDS)) {
        alertmanager.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void whenAnOutageIsPostedAndResolved_thenAlertmanagerListsItWithItsLabelsThenDropsIt()
      throws Exception {
    AlertmanagerTarget target = AlertmanagerTarget.at(base);

    DeliveryResult fired = await(channels.sendToAlertmanager(checkout(Kind.TRIGGER), target));

    assertThat(fired.ok()).as(fired.message()).isTrue();
    assertThat(fired.code()).isEqualTo(200);
    JsonArray alerts = alerts();
    assertThat(alerts).hasSize(1);
    JsonObject alert = alerts.getJsonObject(0);
    assertThat(alert.getJsonObject("labels").getMap())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "alertname", "NinesServiceDown",
                "service", "checkout",
                "tier", "gold",
                "team", "payments",
                "severity", "critical",
                "incident", "inc-42"));
    assertThat(alert.getJsonObject("annotations").getString("summary"))
        .isEqualTo("DOWN Checkout: step 'pay' got status 503 in eu-west and us-east");
    assertThat(alert.getJsonObject("annotations").getString("runbook_url"))
        .isEqualTo("http://wiki.test/runbooks/checkout");
    assertThat(alert.getJsonObject("annotations").getString("description"))
        .contains("Failing step: pay")
        .contains("Availability: 99.82 % this month (target 99.9 %)");
    assertThat(alert.getString("startsAt")).isEqualTo("2025-03-01T03:12:00.000Z");
    assertThat(alert.getString("generatorURL")).isEqualTo("http://nines.test/incidents/inc-42");
    assertThat(alert.getJsonObject("status").getString("state")).isEqualTo("active");

    DeliveryResult acknowledged =
        await(channels.sendToAlertmanager(checkout(Kind.ACKNOWLEDGE), target));
    assertThat(acknowledged.ok()).isTrue();
    assertThat(acknowledged.code()).isZero();

    DeliveryResult resolved = await(channels.sendToAlertmanager(checkout(Kind.RESOLVE), target));
    assertThat(resolved.ok()).as(resolved.message()).isTrue();
    // endsAt is in the past, so the alert is resolved and no longer listed.
    assertThat(alerts()).isEmpty();
  }

  @Test
  void whenAlertmanagerRejectsTheAlert_thenTheResultIsPermanentWithItsReason() {
    // A target whose path leads to a handler that does not take alerts.
    DeliveryResult r =
        await(
            channels.sendToAlertmanager(
                checkout(Kind.TRIGGER), AlertmanagerTarget.at(base + "/-/healthy/x")));

    assertThat(r.ok()).isFalse();
    assertThat(r.retryable()).isFalse();
    assertThat(r.code()).isBetween(400, 499);
  }

  JsonArray alerts() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v2/alerts"))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonArray(response.body());
  }

  boolean ready() throws Exception {
    if (!alertmanager.isAlive()) {
      throw new AssertionError(
          "alertmanager exited with "
              + alertmanager.exitValue()
              + "; its log:\n"
              + Files.readString(log));
    }
    HttpResponse<Void> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/-/ready"))
                .timeout(Duration.ofSeconds(2))
                .build(),
            HttpResponse.BodyHandlers.discarding());
    return r.statusCode() == 200;
  }

  static Optional<Path> findBinary() {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
    Stream<Path> onPath =
        Stream.of(path.split(File.pathSeparator))
            .filter(d -> !d.isEmpty())
            .flatMap(d -> BINARY_NAMES.stream().map(name -> Path.of(d, name)));
    return Stream.concat(onPath, Stream.of(DEBIAN_BINARY)).filter(Files::isExecutable).findFirst();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
