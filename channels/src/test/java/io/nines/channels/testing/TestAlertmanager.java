package io.nines.channels.testing;

import static org.awaitility.Awaitility.await;

import io.nines.common.testing.TestPeers;
import io.vertx.core.json.JsonArray;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus Alertmanager (Debian's {@code prometheus-alertmanager}, which {@code
 * scripts/test-peers} installs and records in {@code target/test-peers.properties}), started on
 * 127.0.0.1 and a free port with clustering off and the given configuration. Without the binary the
 * test is skipped with a reason, except under {@code CI=true}, where it fails.
 */
public final class TestAlertmanager implements AutoCloseable {
  private final Process process;
  private final Path log;
  private final String base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private TestAlertmanager(Process process, Path log, String base) {
    this.process = process;
    this.log = log;
    this.base = base;
  }

  /**
   * Starts Alertmanager with {@code config} (its YAML) in {@code dir}, and waits until it is ready.
   */
  public static TestAlertmanager start(Path dir, String config) throws Exception {
    Path binary =
        TestPeers.binary(
            "alertmanager",
            List.of("prometheus-alertmanager", "alertmanager"),
            "prometheus-alertmanager");
    int port = freePort();
    Path file = dir.resolve("alertmanager.yml");
    Files.writeString(file, config, StandardCharsets.UTF_8);
    Path log = dir.resolve("alertmanager.log");
    Process p =
        new ProcessBuilder(
                binary.toString(),
                "--config.file=" + file,
                "--storage.path=" + dir.resolve("alertmanager-data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    TestAlertmanager am = new TestAlertmanager(p, log, "http://127.0.0.1:" + port);
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .ignoreExceptionsInstanceOf(IOException.class)
          .until(am::ready);
    } catch (RuntimeException | AssertionError e) {
      am.close();
      throw new AssertionError(
          "alertmanager did not get ready at " + am.base + "; its log:\n" + am.log(), e);
    }
    return am;
  }

  /** Its base URL, {@code http://127.0.0.1:<port>}. */
  public String url() {
    return base;
  }

  /** What it logged so far. */
  public String log() throws IOException {
    return Files.readString(log);
  }

  /**
   * {@code GET /api/v2/alerts}, active ones only (Alertmanager's default), filtered by label
   * matchers such as {@code team="payments"}.
   */
  public JsonArray alerts(String... matchers) throws Exception {
    StringBuilder query = new StringBuilder();
    for (String m : matchers) {
      query.append(query.length() == 0 ? "?" : "&");
      query.append("filter=").append(URLEncoder.encode(m, StandardCharsets.UTF_8));
    }
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v2/alerts" + query))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new AssertionError(
          "GET /api/v2/alerts answered " + response.statusCode() + ": " + response.body());
    }
    return new JsonArray(response.body());
  }

  private boolean ready() throws Exception {
    if (!process.isAlive()) {
      throw new AssertionError(
          "alertmanager exited with " + process.exitValue() + "; its log:\n" + log());
    }
    HttpResponse<Void> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/-/ready"))
                .timeout(Duration.ofSeconds(2))
                .build(),
            HttpResponse.BodyHandlers.discarding());
    return r.statusCode() == 200;
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
