package io.nines.agentdist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.agent.testing.HostileTargets;
import io.nines.common.TimeSource;
import io.nines.config.ConfigDirectory;
import io.nines.config.FleetLoader;
import io.nines.coordinator.Coordinator;
import io.nines.coordinator.CoordinatorOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real agent process, started by the agent distribution's launcher ({@code bin/nines-agent} from
 * {@code target/nines-agent-<version>.tar.gz}) with its default JVM flags, runs a fleet of hostile
 * checks (endless body, drip feed, never-answering server, stalled TLS handshake, reset
 * mid-response, endless headers, redirect loop) against a coordinator in this JVM. After a bounded
 * number of rounds the agent is still alive (it did not exit on OutOfMemoryError), every result has
 * its failure kind, and the heap it reports on its own {@code /metrics} stayed below its limit at
 * every sample. The targets are the agent test-jar's {@link HostileTargets} (the agent's
 * HostileTargetIT probes them in-process): they listen on 127.0.0.1, port 0, and each gives up by
 * itself after {@link #TARGET_LIFETIME_MILLIS} or {@link #TARGET_MAX_BYTES} per connection.
 *
 * <p>No outcome depends on how fast the machine is. A check whose kind is its timeout (drip feed,
 * silence, stalled handshake) has a short timeout that no target ever beats: the targets answer
 * nothing in time, whatever the load. A check whose kind is a limit (body cap, header limit,
 * redirect bound, a reset, the TCP read cap) has a {@link #LIMIT_TIMEOUT} far longer than reaching
 * its limit takes even on a loaded machine (milliseconds when idle), as in HostileTargetIT, so the
 * limit, not the clock, decides; the targets' own lifetime is longer than any check's timeout with
 * its slack, so a target never ends a probe. Every wait is bounded.
 */
class HostileAgentHeapIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String TOKEN = "hostile-heap-token-0123456789";
  private static final long TARGET_LIFETIME_MILLIS = 90_000;
  private static final long TARGET_MAX_BYTES = 256L * 1024 * 1024;

  /** Copies of each of the 14 hostile checks (7 target behaviours): 70 checks. */
  private static final int COPIES = 5;

  /** The timeout of checks that must end by it, and their interval. */
  private static final String TIMEOUT_TIMEOUT = "1s";

  private static final String TIMEOUT_EVERY = "6s";

  /** Results each check that ends by its timeout must have at the coordinator. */
  private static final int TIMEOUT_ROUNDS = 3;

  /**
   * The timeout of checks that must end by a limit first: long, so that on a loaded machine (a
   * C1-only JVM on two busy cores included) the limit, not the clock, decides.
   */
  private static final String LIMIT_TIMEOUT = "15s";

  private static final String LIMIT_EVERY = "16s";

  /** Results each check that ends by a limit must have at the coordinator. */
  private static final int LIMIT_ROUNDS = 2;

  /**
   * How much longer than its timeout a probe may take to report (scheduling lag on a loaded
   * machine); below the targets' lifetime, so that the agent, not the target, ends each probe.
   */
  private static final long SLACK_MILLIS = 10_000;

  private static final long MIB = 1024 * 1024;

  @TempDir Path dir;
  private Vertx vertx;
  private Vertx targetVertx;
  private int coordinatorPort;
  private Process agent;
  private Path agentLog;
  private int agentPort;
  private final List<Long> heapSamples = new ArrayList<>();

  /** The heap's max as the agent reports it (the sum of its pools' maxima), last sample. */
  private long reportedMax;

  private final Map<String, Integer> ports = new LinkedHashMap<>();

  /**
   * What a hostile check must end with: its kind, words its message must hold, the results it must
   * have, and the longest a probe of it may take.
   */
  private record Expected(String kind, String message, int rounds, long maxDurationMillis) {}

  private final Map<String, Expected> expected = new LinkedHashMap<>();

  private static <T> T join(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    targetVertx = Vertx.vertx();
    HostileTargets targets =
        HostileTargets.start(
            targetVertx, Duration.ofMillis(TARGET_LIFETIME_MILLIS), TARGET_MAX_BYTES);
    for (HostileTargets.Target t : targets.all()) {
      ports.put(t.name(), t.port());
    }
    Path config = Files.createDirectories(dir.resolve("fleet"));
    Files.writeString(config.resolve("fleet.yaml"), fleetYaml());
    ConfigDirectory configDir =
        ConfigDirectory.open(config, new FleetLoader(TimeSource.SYSTEM, Map.of()));
    Coordinator coordinator =
        new Coordinator(
            CoordinatorOptions.builder()
                .port(0)
                .agentTokens(Set.of(TOKEN))
                .config(configDir)
                .timeSource(TimeSource.SYSTEM)
                .meterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                .build());
    coordinatorPort = join(coordinator.start(vertx));
  }

  @AfterEach
  void stop() throws Exception {
    if (agent != null && agent.isAlive()) {
      agent.destroy();
      if (!agent.waitFor(20, TimeUnit.SECONDS)) {
        agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    join(vertx.close());
    join(targetVertx.close());
  }

  @Test
  void whenTheLaunchersAgentProbesHostileTargets_thenItStaysAliveWithItsHeapBelowItsLimit()
      throws Exception {
    Path home = unpackDistribution(Files.createDirectories(dir.resolve("dist")));
    Path launcher = home.resolve("bin/nines-agent");
    List<String> launcherFlags = launcherDefaultFlags(launcher);
    // ./nines agent bounds the heap and metaspace the same way (the distribution adds a smaller
    // initial heap, GC, compiler and stack flags).
    assertThat(launcherFlags)
        .containsAll(
            ninesScriptAgentFlags().stream()
                .filter(f -> f.startsWith("-Xmx") || f.startsWith("-XX:MaxMetaspaceSize"))
                .toList());
    assertThat(launcherFlags).contains("-Xmx128m", "-XX:+ExitOnOutOfMemoryError");
    long limit = maxHeapBytes(launcherFlags);

    startAgent(launcher);
    // The JVM runs with exactly the launcher's default flags (sh execs java: same pid).
    List<String> jvmArgs = List.of(agent.info().arguments().orElse(new String[0]));
    assertThat(jvmArgs).as("the agent JVM's arguments").containsSubsequence(launcherFlags);
    assertThat(jvmArgs).noneMatch(a -> a.startsWith("-Xmx") && !launcherFlags.contains(a));

    try {
      // The limit checks' second round is due at most 2 intervals after the start; then their
      // timeout and slack: the bound below, with the agent's start on top.
      await("every hostile check has its rounds of results at the coordinator")
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                assertThat(agent.isAlive()).as("agent alive").isTrue();
                sampleHeap(limit);
                for (Map.Entry<String, Expected> e : expected.entrySet()) {
                  int rounds = e.getValue().rounds();
                  assertThat(results(e.getKey(), rounds))
                      .as("results of %s", e.getKey())
                      .hasSize(rounds);
                }
              });
    } catch (ConditionTimeoutException | AssertionError e) {
      throw new AssertionError(
          e.getMessage() + "\nheap samples " + heapSamples + "\n--- agent log\n" + tail(agentLog),
          e);
    }
    sampleHeap(limit);

    // Every result of every check, judged; the mismatches are listed together.
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, Expected> e : expected.entrySet()) {
      Expected want = e.getValue();
      for (Object o : results(e.getKey(), want.rounds())) {
        JsonObject r = (JsonObject) o;
        JsonObject failure = r.getJsonObject("failure");
        // Retries are off: one attempt, bounded by the check's timeout with slack for a loaded
        // machine, never by the target's own lifetime.
        if (r.getBoolean("ok")
            || failure == null
            || !want.kind().equals(failure.getString("kind"))
            || !failure.getString("message").contains(want.message())
            || r.getLong("durationMillis") > want.maxDurationMillis()) {
          wrong.add(e.getKey() + " wanted " + want + " but got " + r.encode());
        }
      }
    }
    assertThat(wrong).as("results without their kind (heap samples %s)", heapSamples).isEmpty();

    assertThat(agent.isAlive()).as("the agent is still running").isTrue();
    assertThat(Files.readString(agentLog)).doesNotContain("OutOfMemoryError");
    long peak = heapSamples.stream().mapToLong(Long::longValue).max().orElseThrow();
    assertThat(heapSamples).as("heap samples").hasSizeGreaterThanOrEqualTo(3);
    System.out.printf(
        "HostileAgentHeapIT: %d hostile checks, %d or %d rounds; agent heap peak %.1f MiB, limit %d"
            + " MiB (reported max %.1f MiB); %d samples: %s MiB%n",
        expected.size(),
        LIMIT_ROUNDS,
        TIMEOUT_ROUNDS,
        peak / (double) MIB,
        limit / MIB,
        reportedMax / (double) MIB,
        heapSamples.size(),
        heapSamples.stream().map(b -> Long.toString(b / MIB)).toList());
  }

  /** Reads the agent's heap from its /metrics; asserts it is below its max and the limit. */
  private void sampleHeap(long limit) throws IOException {
    long used = 0;
    long max = 0;
    for (String line : get("http://127.0.0.1:" + agentPort + "/metrics").split("\n")) {
      if (line.startsWith("#") || !line.contains("area=\"heap\"")) {
        continue;
      }
      long value = (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      if (line.startsWith("jvm_memory_used_bytes{")) {
        used += value;
      } else if (line.startsWith("jvm_memory_max_bytes{")) {
        assertThat(value).as("a heap pool's max: %s", line).isPositive();
        max += value;
      }
    }
    assertThat(used).as("heap used").isPositive();
    assertThat(max).as("heap max").isPositive().isLessThanOrEqualTo(limit);
    assertThat(used).as("heap used (max %d)", max).isLessThan(max).isLessThan(limit);
    heapSamples.add(used);
    reportedMax = max;
  }

  // ---- the agent process ----

  private static Path unpackDistribution(Path into) throws Exception {
    return Distributions.unpack(Distributions.Kind.PLAIN, into);
  }

  /** The JVM flags the launcher gives by default: its {@code default_opts} line. */
  private static List<String> launcherDefaultFlags(Path launcher) throws IOException {
    Matcher m =
        Pattern.compile("(?m)^default_opts=\"([^\"]+)\"$").matcher(Files.readString(launcher));
    assertThat(m.find()).as("a default_opts line in %s", launcher).isTrue();
    return List.of(m.group(1).trim().split("\\s+"));
  }

  /** The JVM flags {@code ./nines agent} gives by default (its nines_default_java_opts). */
  private static List<String> ninesScriptAgentFlags() throws IOException {
    Matcher m =
        Pattern.compile("(?m)^\\s*agent\\) echo \"([^\"]+)\"")
            .matcher(Files.readString(ROOT.resolve("nines")));
    assertThat(m.find()).as("an agent line in nines_default_java_opts").isTrue();
    return List.of(m.group(1).trim().split("\\s+"));
  }

  /** The heap limit the JVM takes from {@code flags} (its last -Xmx), in bytes. */
  private static long maxHeapBytes(List<String> flags) {
    String xmx = flags.stream().filter(f -> f.startsWith("-Xmx")).reduce((a, b) -> b).orElseThrow();
    String size = xmx.substring(4).toLowerCase();
    long n = Long.parseLong(size.replaceAll("[kmg]$", ""));
    return switch (size.charAt(size.length() - 1)) {
      case 'k' -> n * 1024;
      case 'm' -> n * MIB;
      case 'g' -> n * 1024 * MIB;
      default -> n;
    };
  }

  private static final Pattern METRICS_AT =
      Pattern.compile("metrics at http://[^:]+:(\\d+)/metrics");

  private void startAgent(Path launcher) throws Exception {
    agentLog = dir.resolve("agent.log");
    ProcessBuilder pb =
        new ProcessBuilder(
                "sh",
                launcher.toString(),
                "--location",
                "eu",
                "--id",
                "eu-hostile",
                "--coordinators",
                "http://127.0.0.1:" + coordinatorPort,
                "--http-port",
                "0",
                "--spool-dir",
                dir.resolve("spool").toString())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(agentLog.toFile());
    Map<String, String> env = pb.environment();
    // The launcher's defaults only: nothing that adds to or replaces them.
    env.remove("JAVA_OPTS");
    env.remove("NINES_JAVA_OPTS");
    env.remove("NINES_AGENT_JAVA_OPTS");
    env.remove("JAVA_TOOL_OPTIONS");
    env.remove("JDK_JAVA_OPTIONS");
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("NINES_TOKEN", TOKEN);
    agent = pb.start();
    try {
      await("the agent serves /metrics")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                assertThat(agent.isAlive()).as("agent alive").isTrue();
                Matcher m = METRICS_AT.matcher(Files.readString(agentLog));
                if (!m.find()) {
                  return false;
                }
                agentPort = Integer.parseInt(m.group(1));
                return true;
              });
    } catch (ConditionTimeoutException | AssertionError e) {
      throw new AssertionError(e.getMessage() + "\n--- agent log\n" + tail(agentLog), e);
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  // ---- the coordinator's API ----

  /** The newest {@code limit} results of {@code check} at the coordinator. */
  private JsonArray results(String check, int limit) throws IOException {
    return new JsonObject(
            get(
                "http://127.0.0.1:"
                    + coordinatorPort
                    + "/api/v1/checks/"
                    + check
                    + "/results?limit="
                    + limit))
        .getJsonArray("items");
  }

  private static String get(String url) throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
    c.setConnectTimeout(5000);
    c.setReadTimeout(5000);
    c.setUseCaches(false);
    try {
      int status = c.getResponseCode();
      InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
      String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(status).as("GET %s: %s", url, body).isEqualTo(200);
      return body;
    } finally {
      c.disconnect();
    }
  }

  // ---- the fleet ----

  private String fleetYaml() {
    StringBuilder checks = new StringBuilder();
    String tooLarge = "the body is larger than the cap of 262144 bytes";
    String timedOut = " within " + TIMEOUT_TIMEOUT;
    for (int i = 1; i <= COPIES; i++) {
      String n = "-" + i;
      checks.append(http("endless-body" + n, "http", "endless", false, "BODY_TOO_LARGE", tooLarge));
      checks.append(
          http("endless-body-ka" + n, "http", "endless", true, "BODY_TOO_LARGE", tooLarge));
      checks.append(http("drip-feed" + n, "http", "drip", false, "TIMEOUT", timedOut));
      checks.append(http("drip-feed-ka" + n, "http", "drip", true, "TIMEOUT", timedOut));
      checks.append(http("never-answers" + n, "http", "silent", false, "TIMEOUT", timedOut));
      checks.append(http("stalled-tls" + n, "https", "silent", false, "TIMEOUT", timedOut));
      checks.append(http("stalled-tls-ka" + n, "https", "silent", true, "TIMEOUT", timedOut));
      // Netty's native transport, which the distribution ships, words it "recvAddress(..) failed
      // with error(-104): Connection reset by peer"; the JDK's transport "Connection reset".
      checks.append(http("reset" + n, "http", "reset", false, "CONNECT", "Connection reset"));
      checks.append(
          http(
              "huge-headers" + n,
              "http",
              "hugeHeaders",
              false,
              "PROTOCOL",
              "HTTP header is larger than 8192 bytes"));
      checks.append(
          http(
              "huge-headers-ka" + n,
              "http",
              "hugeHeaders",
              true,
              "PROTOCOL",
              "HTTP header is larger than"));
      checks.append(
          http("redirect-loop" + n, "http", "loop", false, "REDIRECT_LOOP", "redirect loop"));
      checks.append(
          check(
              "never-answers-tcp" + n,
              "    tcp:\n      host: 127.0.0.1\n      port: %d\n      send: \"HELLO\\r\\n\"\n"
                      .formatted(ports.get("silent"))
                  + "      expect: ['body contains \"OK\"']\n",
              "TIMEOUT",
              timedOut));
      checks.append(
          check(
              "endless-tcp" + n,
              "    tcp:\n      host: 127.0.0.1\n      port: %d\n      send: \"HELLO\\r\\n\"\n"
                      .formatted(ports.get("endless"))
                  + "      expect: ['body contains \"never sent\"']\n",
              "BODY_TOO_LARGE",
              "the peer sent more than 1048576 bytes"));
      checks.append(
          check(
              "stalled-tls-probe" + n,
              "    tls:\n      host: 127.0.0.1\n      port: %d\n".formatted(ports.get("silent")),
              "TIMEOUT",
              timedOut));
    }
    return "locations: [eu]\n"
        + "teams: { web: { email: [web@example.com] } }\n"
        + "services: { hostile: { tier: important, owners: [web] } }\n"
        + "checks:\n"
        + checks;
  }

  private String http(
      String id, String scheme, String target, boolean keepAlive, String kind, String message) {
    return check(
        id,
        "    options: { keep-alive: %s, max-body: 256KiB }\n    http:\n      get: \"%s://127.0.0.1:%d/\"\n"
            .formatted(keepAlive, scheme, ports.get(target)),
        kind,
        message);
  }

  /**
   * One check, no retries, and what it must end with. A check that must end by its timeout runs
   * every {@link #TIMEOUT_EVERY} with {@link #TIMEOUT_TIMEOUT}; one that must end by a limit every
   * {@link #LIMIT_EVERY} with {@link #LIMIT_TIMEOUT}, which the limit beats by far.
   */
  private String check(String id, String spec, String kind, String message) {
    boolean byTimeout = kind.equals("TIMEOUT");
    String timeout = byTimeout ? TIMEOUT_TIMEOUT : LIMIT_TIMEOUT;
    expected.put(
        id,
        new Expected(
            kind,
            message,
            byTimeout ? TIMEOUT_ROUNDS : LIMIT_ROUNDS,
            Duration.parse("PT" + timeout.toUpperCase()).toMillis() + SLACK_MILLIS));
    return "  - id: %s\n    service: hostile\n    every: %s\n    timeout: %s\n%s"
        .formatted(id, byTimeout ? TIMEOUT_EVERY : LIMIT_EVERY, timeout, spec);
  }
}
