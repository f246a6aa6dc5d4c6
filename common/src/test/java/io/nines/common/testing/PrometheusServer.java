package io.nines.common.testing;

import java.io.IOException;
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
import java.util.stream.Collectors;

/**
 * A real Prometheus server (Debian's {@code prometheus} package, which {@code scripts/test-peers}
 * installs with promtool) that scrapes given targets every second, on 127.0.0.1. Without it the
 * test is skipped with a reason, except under {@code CI=true}, where it fails.
 */
public final class PrometheusServer implements AutoCloseable {
  private final Process process;
  private final int port;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private PrometheusServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * Starts Prometheus scraping {@code metricsPath} on each of {@code targets} ({@code host:port})
   * every second, with {@code bearerToken} when not null. Returns once its API answers.
   */
  public static PrometheusServer start(
      Path dir, List<String> targets, String metricsPath, String bearerToken) throws Exception {
    Path binary = TestPeers.binary("prometheus", List.of("prometheus"), "prometheus");
    String auth =
        bearerToken == null
            ? ""
            : "    authorization: { type: Bearer, credentials: \"" + bearerToken + "\" }\n";
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(
        config,
        "global: { scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s }\n"
            + "scrape_configs:\n"
            + "  - job_name: nines\n"
            + "    metrics_path: "
            + metricsPath
            + "\n"
            + auth
            + "    static_configs:\n"
            + "      - targets: ["
            + targets.stream().map(t -> "\"" + t + "\"").collect(Collectors.joining(", "))
            + "]\n");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path log = dir.resolve("prometheus.log");
    Process p =
        new ProcessBuilder(
                binary.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    PrometheusServer server = new PrometheusServer(p, port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      if (!p.isAlive()) {
        throw new AssertionError("prometheus exited: " + Files.readString(log));
      }
      try {
        if (server.get("/-/ready").statusCode() == 200) {
          return server;
        }
      } catch (IOException notYet) {
        // Not listening yet.
      }
      if (System.nanoTime() > deadline) {
        server.close();
        throw new AssertionError("prometheus not ready in 30 s: " + Files.readString(log));
      }
      p.waitFor(100, TimeUnit.MILLISECONDS);
    }
  }

  /** The raw JSON answer of an instant query. */
  public String query(String promql) throws Exception {
    HttpResponse<String> r =
        get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    if (r.statusCode() != 200) {
      throw new AssertionError("query " + promql + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  /** The raw JSON of the scrape targets and their health. */
  public String targets() throws Exception {
    return get("/api/v1/targets").body();
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
