package io.nines.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nines.store.jdbc.DatabaseOptions;
import io.nines.store.testing.TestDatabases;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acknowledged means durable even if the whole cluster dies: three {@code nines coordinator}
 * processes from the packaged CLI on the test PostgreSQL, agents posting results as real agents do
 * (the agent token, a batch kept and sent again, to the next member, until a member acknowledges
 * it), then {@code kill -9} of every member in one command while they ingest. All three start again
 * on the same database; every result that was acknowledged must be found through the API, once.
 *
 * <p>Before results were written through (docs/storage.md, "Durability"), an acknowledged result
 * was in the members' memory and reached the database up to the write-behind delay later, so this
 * kill lost the last second or more of acknowledged results.
 */
class FullClusterCrashIT {
  static final String AGENT_TOKEN = "crash-agent-token-0123456789";
  static final String ADMIN_TOKEN = "crash-admin-token-0123456789";
  static final int MEMBERS = 3;
  static final int AGENTS = 3;
  static final int CHECKS = 8;
  static final int BATCH = 20;

  /** Results acknowledged before the kill: enough that the members are busy ingesting. */
  static final int ACKED_BEFORE_KILL = 1500;

  static final Pattern MEMBERS_LINE = Pattern.compile("Members \\{size:(\\d+), ver:\\d+\\}");

  @TempDir Path dir;
  private final List<Process> members = new ArrayList<>();
  private final List<Integer> httpPorts = new ArrayList<>();
  private ScheduledExecutorService agents;

  /** agent/seq of each acknowledged result -> its check. */
  private final Map<String, String> acknowledged = new ConcurrentHashMap<>();

  private final AtomicLong failedPosts = new AtomicLong();
  private final List<String> report = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    if (agents != null) {
      agents.shutdownNow();
      agents.awaitTermination(10, TimeUnit.SECONDS);
    }
    for (Process p : members) {
      p.destroyForcibly();
      p.waitFor(20, TimeUnit.SECONDS);
    }
    Path kept = Path.of("target", "full-cluster-crash");
    Files.createDirectories(kept);
    try (var logs = Files.list(dir)) {
      for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
        Files.copy(log, kept.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    System.out.println("FullClusterCrashIT report:\n  " + String.join("\n  ", report));
  }

  @Test
  void whenEveryMemberIsKilledAtOnceMidIngest_thenEveryAcknowledgedResultIsFoundOnceAfterRestart()
      throws Exception {
    Path jar = Path.of("target", "nines-cli.jar").toAbsolutePath();
    assertThat(jar).as("the packaged CLI (this IT runs after package)").exists();
    long testStart = System.nanoTime();
    DatabaseOptions db = TestDatabases.freshPostgres();
    writeFleet();

    startCluster("first", db, jar);
    report.add("3 members up after " + secondsSince(testStart) + " s");

    agents = Executors.newScheduledThreadPool(AGENTS);
    for (int a = 0; a < AGENTS; a++) {
      agents.scheduleWithFixedDelay(new Agent("crash-" + a, a), 0, 10, TimeUnit.MILLISECONDS);
    }
    long ingestStart = System.nanoTime();
    awaitWithLogs(
        ACKED_BEFORE_KILL + " results acknowledged",
        Duration.ofSeconds(60),
        () -> acknowledged.size() >= ACKED_BEFORE_KILL);

    // Every member at once, while the agents post: one kill(1) for all three.
    List<String> kill = new ArrayList<>(List.of("kill", "-9"));
    members.forEach(p -> kill.add(Long.toString(p.pid())));
    Process killer = new ProcessBuilder(kill).redirectErrorStream(true).start();
    assertThat(killer.waitFor(10, TimeUnit.SECONDS)).isTrue();
    for (Process p : members) {
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("member killed").isTrue();
      assertThat(p.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);
    }
    agents.shutdownNow();
    assertThat(agents.awaitTermination(30, TimeUnit.SECONDS)).as("the agents stop").isTrue();
    Map<String, String> acked = Map.copyOf(acknowledged);
    report.add(
        acked.size()
            + " results acknowledged in "
            + secondsSince(ingestStart)
            + " s of ingest before the kill ("
            + failedPosts.get()
            + " posts failed, mostly at the kill)");
    members.clear();

    long restartAt = System.nanoTime();
    startCluster("second", db, jar);
    report.add("restarted in " + secondsSince(restartAt) + " s");

    // Each check read on another member: any member answers for every check.
    Map<String, Integer> found = new TreeMap<>();
    for (int c = 1; c <= CHECKS; c++) {
      for (String id : resultIds(c % MEMBERS, "c" + c)) {
        found.merge(id, 1, Integer::sum);
      }
    }
    List<String> lost = acked.keySet().stream().filter(id -> !found.containsKey(id)).toList();
    List<String> twice =
        found.entrySet().stream().filter(e -> e.getValue() > 1).map(e -> e.getKey()).toList();
    report.add(
        "after the restart: "
            + found.size()
            + " results found, "
            + lost.size()
            + " acknowledged results lost"
            + (lost.isEmpty() ? "" : " (e.g. " + lost.stream().sorted().limit(5).toList() + ")")
            + ", "
            + twice.size()
            + " found twice");
    report.add("took " + secondsSince(testStart) + " s");

    assertThat(lost)
        .as("acknowledged results lost by the full-cluster crash, of " + acked.size())
        .isEmpty();
    assertThat(twice).as("results found more than once").isEmpty();
  }

  /**
   * An agent: it builds a batch of {@link #BATCH} results over the checks, posts it to a member
   * (the next one after each failure, as a load balancer would), and keeps it until a member
   * acknowledges it (HTTP 200); only then does it record its results and build the next one.
   */
  private final class Agent implements Runnable {
    private final String id;
    private long nextSeq = 1;
    private int member;
    private JsonObject pending;
    private List<String[]> pendingIds;

    Agent(String id, int firstMember) {
      this.id = id;
      this.member = firstMember;
    }

    @Override
    public void run() {
      try {
        if (pending == null) {
          JsonArray results = new JsonArray();
          pendingIds = new ArrayList<>();
          Instant now = Instant.now();
          for (int i = 0; i < BATCH; i++) {
            long seq = nextSeq++;
            String check = "c" + (1 + seq % CHECKS);
            results.add(
                new JsonObject()
                    .put("agent", id)
                    .put("seq", seq)
                    .put("check", check)
                    .put("location", "eu")
                    .put("startedAt", now.toString())
                    .put("durationMillis", 12)
                    .put("ok", true)
                    .put("attempts", 1));
            pendingIds.add(new String[] {id + "/" + seq, check});
          }
          pending = new JsonObject().put("agent", id).put("results", results);
        }
        int to = member;
        Response r = request("POST", url(to, "/api/v1/results"), pending.encode(), 5000);
        if (r.status() == 200) {
          pendingIds.forEach(p -> acknowledged.put(p[0], p[1]));
          pending = null;
        } else {
          failedPosts.incrementAndGet();
          member = (member + 1) % MEMBERS;
        }
      } catch (IOException e) {
        failedPosts.incrementAndGet();
        member = (member + 1) % MEMBERS;
      }
    }
  }

  // --- the members ---------------------------------------------------------------------------

  /** Starts three members on fresh ports; waits until each sees all three and is ready. */
  private void startCluster(String run, DatabaseOptions db, Path jar) throws Exception {
    httpPorts.clear();
    List<Integer> clusterPorts = new ArrayList<>();
    for (int i = 0; i < MEMBERS; i++) {
      httpPorts.add(FleetProcesses.freePort());
      clusterPorts.add(FleetProcesses.freePort());
    }
    String peers = String.join(",", clusterPorts.stream().map(p -> "127.0.0.1:" + p).toList());
    String clusterName = "nines-crash-" + UUID.randomUUID();
    for (int i = 0; i < MEMBERS; i++) {
      members.add(launch(run, i, clusterName, peers, clusterPorts.get(i), db, jar));
    }
    awaitWithLogs(
        "every member sees 3 members and is ready",
        Duration.ofSeconds(150),
        () -> {
          for (int i = 0; i < MEMBERS; i++) {
            assertThat(members.get(i).isAlive()).as("member " + i + " alive").isTrue();
            if (lastMemberCount(log(run, i)) != MEMBERS || status(url(i, "/health/ready")) != 200) {
              return false;
            }
          }
          return true;
        });
  }

  private Process launch(
      String run,
      int i,
      String clusterName,
      String peers,
      int clusterPort,
      DatabaseOptions db,
      Path jar)
      throws IOException {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Djava.util.logging.SimpleFormatter.format=%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n",
            "-cp",
            jar + ":" + jar.getParent().resolve("lib") + "/*",
            Main.class.getName(),
            "coordinator",
            "--config",
            dir.resolve("fleet").toString(),
            "--host",
            "127.0.0.1",
            "--port",
            Integer.toString(httpPorts.get(i)),
            "--cluster-name",
            clusterName,
            "--cluster-host",
            "127.0.0.1",
            "--cluster-port",
            Integer.toString(clusterPort),
            "--cluster-members",
            peers,
            "--cluster-heartbeat-interval",
            "1s",
            "--cluster-heartbeat-timeout",
            "5s",
            "--cluster-merge-first-delay",
            "2s",
            "--cluster-merge-delay",
            "2s");
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log(run, i).toFile());
    Map<String, String> env = pb.environment();
    env.put("NINES_AGENT_TOKEN", AGENT_TOKEN);
    env.put("NINES_ADMIN_TOKEN", ADMIN_TOKEN);
    env.put("NINES_PUBLIC_READ", "true");
    env.put("NINES_DB_URL", db.url());
    env.put("NINES_DB_USER", db.user());
    return pb.start();
  }

  private Path log(String run, int i) {
    return dir.resolve(run + "-member-" + i + ".log");
  }

  /** The member count in the last "Members {size:N" line of {@code log}; -1 if none. */
  private static int lastMemberCount(Path log) throws IOException {
    Matcher m = MEMBERS_LINE.matcher(Files.readString(log, StandardCharsets.ISO_8859_1));
    int last = -1;
    while (m.find()) {
      last = Integer.parseInt(m.group(1));
    }
    return last;
  }

  private void writeFleet() throws IOException {
    StringBuilder checks = new StringBuilder();
    for (int c = 1; c <= CHECKS; c++) {
      checks.append(
          "  - { id: c%d, service: site, every: 1s, http: { get: \"http://127.0.0.1:1/\" } }\n"
              .formatted(c));
    }
    Files.createDirectories(dir.resolve("fleet"));
    Files.writeString(
        dir.resolve("fleet").resolve("fleet.yaml"),
        "locations: [eu]\n"
            + "teams: { web: { email: [web@example.com] } }\n"
            + "services: { site: { tier: important, owners: [web] } }\n"
            + "checks:\n"
            + checks);
  }

  private void awaitWithLogs(String what, Duration atMost, Callable<Boolean> condition) {
    try {
      await(what)
          .atMost(atMost)
          .pollInterval(Duration.ofMillis(300))
          .ignoreExceptionsInstanceOf(IOException.class)
          .untilAsserted(() -> assertThat(condition.call()).as(what).isTrue());
    } catch (ConditionTimeoutException | AssertionError e) {
      throw new AssertionError(e.getMessage() + "\nreport so far: " + report + "\n" + logs(), e);
    }
  }

  private String logs() {
    StringBuilder out = new StringBuilder();
    try (var files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
        List<String> lines = Files.readAllLines(f, StandardCharsets.ISO_8859_1);
        out.append("--- ").append(f.getFileName()).append('\n');
        lines
            .subList(Math.max(0, lines.size() - 30), lines.size())
            .forEach(l -> out.append(l).append('\n'));
      }
    } catch (IOException e) {
      out.append("(logs unreadable: ").append(e).append(")");
    }
    return out.toString();
  }

  // --- reading the members -------------------------------------------------------------------

  private String url(int member, String path) {
    return "http://127.0.0.1:" + httpPorts.get(member) + path;
  }

  /** Every result id ({@code agent/seq}) member {@code member} lists for {@code check}. */
  private List<String> resultIds(int member, String check) throws IOException {
    List<String> out = new ArrayList<>();
    String cursor = null;
    do {
      String u = url(member, "/api/v1/checks/" + check + "/results?limit=500");
      if (cursor != null) {
        u += "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8);
      }
      Response r = request("GET", u, null, 10_000);
      assertThat(r.status()).as("GET " + u + ": " + r.body()).isEqualTo(200);
      JsonObject page = new JsonObject(r.body());
      for (Object o : page.getJsonArray("items")) {
        JsonObject item = (JsonObject) o;
        out.add(item.getString("agent") + "/" + item.getLong("seq"));
      }
      cursor = page.getString("next");
    } while (cursor != null);
    return out;
  }

  private int status(String url) {
    try {
      return request("GET", url, null, 3000).status();
    } catch (IOException e) {
      return -1;
    }
  }

  private record Response(int status, String body) {}

  /** One request on a connection of its own (see FleetProcesses#get for why not java.net.http). */
  private static Response request(String method, String url, String body, int timeoutMillis)
      throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
    c.setConnectTimeout(timeoutMillis);
    c.setReadTimeout(timeoutMillis);
    c.setUseCaches(false);
    c.setRequestMethod(method);
    if (body != null) {
      c.setDoOutput(true);
      c.setRequestProperty("Content-Type", "application/json");
      c.setRequestProperty("Authorization", "Bearer " + AGENT_TOKEN);
      try (OutputStream o = c.getOutputStream()) {
        o.write(body.getBytes(StandardCharsets.UTF_8));
      }
    }
    try {
      int status = c.getResponseCode();
      InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
      return new Response(
          status, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } finally {
      c.disconnect();
    }
  }

  private static double secondsSince(long nanos) {
    return Math.round((System.nanoTime() - nanos) / 1e8) / 10.0;
  }
}
