package io.nines.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A coordinator and an agent as separate JVMs ({@code io.nines.cli.Main coordinator|agent}), a
 * target HTTP server in the test JVM, and the queries the delivery tests assert with. Logs go to
 * {@code <dir>/<name>.log}; {@link #close()} kills whatever is still running.
 */
final class FleetProcesses implements AutoCloseable {
  static final String AGENT_TOKEN = "procs-agent-token-0123456789";
  static final String ADMIN_TOKEN = "procs-admin-token-0123456789";
  static final String AGENT_ID = "eu-1";

  /** One stored result, as the coordinator's API lists it. */
  record Stored(String check, String agent, long seq, Instant startedAt) {
    String id() {
      return agent + "/" + seq;
    }
  }

  private final Path dir;
  private final HttpServer target;
  final int coordinatorPort;

  /** The port the running agent serves /metrics on: it binds port 0 and logs the port it got. */
  private volatile int agentPort;

  final List<String> checkIds = new ArrayList<>();
  private final Map<String, Integer> logCount = new HashMap<>();
  private final Map<String, Path> lastLog = new HashMap<>();
  Process coordinator;
  Process agent;

  /** A fleet of {@code checks} checks of one service, every 1 s from location eu. */
  FleetProcesses(Path dir, int checks) throws IOException {
    this.dir = dir;
    target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    target.createContext(
        "/ok",
        exchange -> {
          byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    target.start();
    StringBuilder yaml = new StringBuilder();
    for (int i = 1; i <= checks; i++) {
      checkIds.add("c" + i);
      yaml.append(
          "  - { id: c%d, service: site, every: 1s, http: { get: \"http://127.0.0.1:%d/ok\" } }\n"
              .formatted(i, target.getAddress().getPort()));
    }
    Files.createDirectories(dir.resolve("fleet"));
    Files.writeString(
        dir.resolve("fleet").resolve("fleet.yaml"),
        "locations: [eu]\n"
            + "teams: { web: { email: [web@example.com] } }\n"
            + "services: { site: { tier: important, owners: [web] } }\n"
            + "checks:\n"
            + yaml);
    coordinatorPort = freePort();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private Process java(String name, List<String> args, Map<String, String> env) throws IOException {
    String classpath = System.getProperty("surefire.test.class.path");
    if (classpath == null || classpath.isBlank()) {
      classpath = System.getProperty("java.class.path");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        List.of(
            "-Xmx160m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            classpath,
            Main.class.getName()));
    command.addAll(args);
    int n = logCount.merge(name, 1, Integer::sum);
    Path log = dir.resolve(name + "-" + n + ".log");
    lastLog.put(name, log);
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    return pb.start();
  }

  /** Starts the coordinator on its port with its H2 store in {@code <dir>/data}; awaits ready. */
  void startCoordinator() throws IOException {
    startCoordinator(Map.of());
  }

  /**
   * Starts the coordinator on its port with {@code env} added to its environment (e.g. cluster mode
   * and a database); awaits ready.
   */
  void startCoordinator(Map<String, String> env) throws IOException {
    coordinator = launchCoordinator(env);
    Process p = coordinator;
    awaitWithLogs(
        "the coordinator is ready",
        Duration.ofSeconds(60),
        () -> {
          assertThat(p.isAlive()).as("coordinator alive").isTrue();
          return status(coordinatorUrl("/health/ready")) == 200;
        });
  }

  /** Launches the coordinator with {@code env} added to its environment; does not wait. */
  Process launchCoordinator(Map<String, String> env) throws IOException {
    Map<String, String> all = new HashMap<>(env);
    all.put("NINES_AGENT_TOKEN", AGENT_TOKEN);
    all.put("NINES_ADMIN_TOKEN", ADMIN_TOKEN);
    // Loopback only: the tests read the API without a token.
    all.put("NINES_PUBLIC_READ", "true");
    return java(
        "coordinator",
        List.of(
            "coordinator",
            "--config",
            dir.resolve("fleet").toString(),
            "--port",
            Integer.toString(coordinatorPort),
            "--data-dir",
            dir.resolve("data").toString()),
        all);
  }

  /** What the last process started as {@code name} has written so far. */
  String lastLog(String name) throws IOException {
    return Files.readString(lastLog.get(name), StandardCharsets.UTF_8);
  }

  /**
   * Like Awaitility's {@code until}, but a timeout fails with the processes' logs, so that a run on
   * a clean machine says why a process never got ready.
   */
  private void awaitWithLogs(String what, Duration atMost, Callable<Boolean> condition) {
    try {
      await(what).atMost(atMost).pollInterval(Duration.ofMillis(200)).until(condition);
    } catch (ConditionTimeoutException | AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n" + logs(), e);
    }
  }

  /** Starts the agent (same id and spool every time); awaits its /metrics. */
  void startAgent(int batchSize) throws IOException {
    agent =
        java(
            "agent",
            List.of(
                "agent",
                "--config",
                dir.resolve("fleet").toString(),
                "--location",
                "eu",
                "--id",
                AGENT_ID,
                "--coordinators",
                "http://127.0.0.1:" + coordinatorPort,
                "--http-port",
                "0",
                "--spool-dir",
                dir.resolve("spool").toString(),
                "--batch-size",
                Integer.toString(batchSize)),
            Map.of("NINES_TOKEN", AGENT_TOKEN));
    Process p = agent;
    Path log = lastLog.get("agent");
    // The agent binds port 0 (a fixed port could be taken while the agent is down) and logs the
    // one it got. Generous: a JVM starting on two busy cores can take this long.
    awaitWithLogs(
        "the agent serves /metrics",
        Duration.ofSeconds(90),
        () -> {
          assertThat(p.isAlive()).as("agent alive").isTrue();
          Matcher m = METRICS_AT.matcher(Files.readString(log, StandardCharsets.UTF_8));
          if (!m.find()) {
            return false;
          }
          agentPort = Integer.parseInt(m.group(1));
          return status("http://127.0.0.1:" + agentPort + "/metrics") == 200;
        });
  }

  /** The line {@code nines agent} prints once it serves its endpoints. */
  private static final Pattern METRICS_AT =
      Pattern.compile("metrics at http://[^:]+:(\\d+)/metrics");

  /** Stops a process (SIGTERM when {@code forcibly} is false, else SIGKILL) and waits for it. */
  static void stop(Process p, boolean forcibly) throws InterruptedException {
    if (forcibly) {
      p.destroyForcibly();
    } else {
      p.destroy();
    }
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("process exited").isTrue();
  }

  String coordinatorUrl(String path) {
    return "http://127.0.0.1:" + coordinatorPort + path;
  }

  private int status(String url) {
    try {
      return get(url, 3000).status();
    } catch (IOException e) {
      return -1;
    }
  }

  private String body(String url) throws IOException {
    Response r = get(url, 5000);
    assertThat(r.status()).as("GET " + url + ": " + r.body()).isEqualTo(200);
    return r.body();
  }

  private record Response(int status, String body) {}

  /**
   * One GET on a connection of its own, closed afterwards. (Not java.net.http: its shared, pooled
   * client once stopped answering for the rest of a run after the agent it was polling was killed
   * mid-request, although the new agent served.)
   */
  private static Response get(String url, int timeoutMillis) throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
    c.setConnectTimeout(timeoutMillis);
    c.setReadTimeout(timeoutMillis);
    c.setUseCaches(false);
    try {
      int status = c.getResponseCode();
      InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
      String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new Response(status, body);
    } finally {
      c.disconnect();
    }
  }

  /** The agent's Prometheus samples without labels, by name (e.g. nines_spool_pending). */
  Map<String, Double> agentMetrics() throws IOException {
    Map<String, Double> out = new TreeMap<>();
    for (String line : body("http://127.0.0.1:" + agentPort + "/metrics").split("\n")) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String name = line.substring(0, space);
      int brace = name.indexOf('{');
      if (brace >= 0) {
        name = name.substring(0, brace);
      }
      out.merge(name, Double.parseDouble(line.substring(space + 1)), Double::sum);
    }
    return out;
  }

  /** Every result the coordinator holds for every check, read page by page. */
  List<Stored> allResults() throws IOException {
    List<Stored> out = new ArrayList<>();
    for (String check : checkIds) {
      String cursor = null;
      do {
        String url = coordinatorUrl("/api/v1/checks/" + check + "/results?limit=500");
        if (cursor != null) {
          url += "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8);
        }
        JsonObject page = new JsonObject(body(url));
        for (Object o : page.getJsonArray("items")) {
          JsonObject r = (JsonObject) o;
          out.add(
              new Stored(
                  check,
                  r.getString("agent"),
                  r.getLong("seq"),
                  Instant.parse(r.getString("startedAt"))));
        }
        cursor = page.getString("next");
      } while (cursor != null);
    }
    return out;
  }

  /** The UNKNOWN intervals of service {@code site} in {@code [from, to)}. */
  List<JsonObject> unknownStretches(Instant from, Instant to) throws IOException {
    JsonArray intervals =
        new JsonObject(
                body(coordinatorUrl("/api/v1/services/site/timeline?from=" + from + "&to=" + to)))
            .getJsonArray("intervals");
    List<JsonObject> out = new ArrayList<>();
    for (Object o : intervals) {
      JsonObject iv = (JsonObject) o;
      if (iv.getString("state").equals("UNKNOWN")) {
        out.add(iv);
      }
    }
    return out;
  }

  static Duration length(JsonObject interval) {
    return Duration.between(
        Instant.parse(interval.getString("start")), Instant.parse(interval.getString("end")));
  }

  /**
   * The agent's runs: each start numbers results from its own base (the start's wall clock in ms ×
   * 1000), so runs are the sorted sequences split where they jump by more than 100,000.
   */
  static List<List<Long>> runs(List<Stored> results) {
    List<Long> seqs = results.stream().map(Stored::seq).sorted().toList();
    List<List<Long>> runs = new ArrayList<>();
    List<Long> current = new ArrayList<>();
    for (long s : seqs) {
      if (!current.isEmpty() && s - current.get(current.size() - 1) > 100_000) {
        runs.add(current);
        current = new ArrayList<>();
      }
      current.add(s);
    }
    if (!current.isEmpty()) {
      runs.add(current);
    }
    return runs;
  }

  /** The last lines of every log, for failure messages. */
  String logs() {
    StringBuilder out = new StringBuilder();
    try (var files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        out.append("--- ").append(f.getFileName()).append('\n');
        lines
            .subList(Math.max(0, lines.size() - 25), lines.size())
            .forEach(l -> out.append(l).append('\n'));
      }
    } catch (IOException e) {
      out.append("(logs unreadable: ").append(e).append(")");
    }
    return out.toString();
  }

  @Override
  public void close() throws Exception {
    for (Process p : new Process[] {agent, coordinator}) {
      if (p != null && p.isAlive()) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
    target.stop(0);
  }
}
