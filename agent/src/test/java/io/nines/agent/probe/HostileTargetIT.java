package io.nines.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nines.agent.TestChecks;
import io.nines.agent.testing.HostileTargets;
import io.nines.agent.testing.HostileTargets.Target;
import io.nines.common.FailureKind;
import io.nines.common.ProbeResult;
import io.nines.common.TimeSource;
import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.nines.config.HttpOptions;
import io.nines.config.Template;
import io.nines.config.assertion.AssertionParser;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Probes against targets that misbehave on purpose: an endless body, a drip feed, a server that
 * never answers, a TLS handshake that stalls, a reset mid-response, endless headers and a redirect
 * loop. Each probe must end by its timeout or its limit with its failure kind, keep no more than
 * its bounded buffers, and leave no connection open. All targets listen on 127.0.0.1, port 0; every
 * target gives up by itself after {@link #TARGET_LIFETIME_MILLIS} or {@link #TARGET_MAX_BYTES}. The
 * targets are the agent test-jar's {@link HostileTargets}, which the cli's HostileAgentHeapIT runs
 * against the distribution too.
 */
class HostileTargetIT {
  private static final long TARGET_LIFETIME_MILLIS = 60_000;
  private static final long TARGET_MAX_BYTES = 256L * 1024 * 1024;

  /**
   * The timeout of checks that must end by it (drip feed, silence, stalled handshake): short, for a
   * fast test.
   */
  private static final Duration SHORT = Duration.ofSeconds(1);

  /**
   * The timeout of checks that must end by a limit first (body cap, header limit, redirect bound, a
   * reset): long, so that on a loaded machine the limit, not the clock, decides.
   */
  private static final Duration LONG = Duration.ofSeconds(15);

  private static final long MAX_BODY = 64 * 1024;

  /** The agent's Vert.x, which runs the probes. */
  private static Vertx vertx;

  /** The targets', apart, so that their work does not slow the probes' event loops. */
  private static Vertx targetVertx;

  private static HttpClients clients;
  private static HostileTargets targets;
  private static Target endless;
  private static Target drip;
  private static Target silent;
  private static Target reset;
  private static Target hugeHeaders;
  private static Target loop;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    targetVertx = Vertx.vertx();
    clients = new HttpClients(vertx, 64);
    targets =
        HostileTargets.start(
            targetVertx, Duration.ofMillis(TARGET_LIFETIME_MILLIS), TARGET_MAX_BYTES);
    endless = targets.endless();
    drip = targets.drip();
    silent = targets.silent();
    reset = targets.reset();
    hugeHeaders = targets.hugeHeaders();
    loop = targets.loop();
  }

  @AfterAll
  static void stop() throws Exception {
    clients.close();
    await(vertx.close());
    await(targetVertx.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static Future<ProbeResult> start(Check check) {
    ProbeContext context =
        new ProbeContext(vertx, TimeSource.SYSTEM, clients, Map.of(), ref -> "unused");
    CheckRunner runner =
        new CheckRunner(
            context, CheckRunner.defaultProbes(), "test-1", "eu-west", new SimpleMeterRegistry());
    Promise<ProbeResult> p = Promise.promise();
    vertx.runOnContext(v -> runner.run(check).onComplete(p));
    return p.future();
  }

  private static Check http(String id, String url, boolean keepAlive, Duration timeout) {
    HttpOptions options = new HttpOptions(true, 3, false, null, keepAlive, MAX_BODY);
    return TestChecks.withTimeout(
        TestChecks.check(
            id,
            Duration.ofSeconds(10),
            new CheckSpec.Http(TestChecks.get("request", url), options)),
        timeout);
  }

  private static Check tcp(String id, int port, String expect, Duration timeout) {
    return TestChecks.withTimeout(
        TestChecks.check(
            id,
            Duration.ofSeconds(10),
            new CheckSpec.Tcp(
                "127.0.0.1",
                port,
                Template.literal("HELLO\r\n"),
                List.of(AssertionParser.parse(expect)))),
        timeout);
  }

  private static Check tls(String id, int port) {
    return TestChecks.withTimeout(
        TestChecks.check(
            id,
            Duration.ofSeconds(10),
            new CheckSpec.Tls("127.0.0.1", port, null, null, List.of())),
        SHORT);
  }

  private static String url(Target target, String scheme) {
    return scheme + "://127.0.0.1:" + target.port() + "/";
  }

  /** What a hostile check must end with: its kind, and words its message must hold. */
  private record Expected(FailureKind kind, String message) {}

  private static String at(Target t) {
    return "127.0.0.1:" + t.port();
  }

  /** Every hostile check, with what it must end with. */
  private static Map<Check, Expected> hostileChecks(int round) {
    Map<Check, Expected> checks = new LinkedHashMap<>();
    String r = "-" + round;
    Expected tooLarge =
        new Expected(FailureKind.BODY_TOO_LARGE, "the body is larger than the cap of 65536 bytes");
    checks.put(http("endless-body" + r, url(endless, "http"), false, LONG), tooLarge);
    checks.put(http("endless-body-keep-alive" + r, url(endless, "http"), true, LONG), tooLarge);
    // How far a request got before its timeout (connected, headers read) depends on the load of
    // the machine; the message says which, and always ends with the timeout.
    Expected timedOut = new Expected(FailureKind.TIMEOUT, " within 1s");
    checks.put(http("drip-feed" + r, url(drip, "http"), false, SHORT), timedOut);
    checks.put(http("drip-feed-keep-alive" + r, url(drip, "http"), true, SHORT), timedOut);
    checks.put(http("never-answers" + r, url(silent, "http"), false, SHORT), timedOut);
    checks.put(
        tcp("never-answers-tcp" + r, silent.port(), "body contains \"OK\"", SHORT), timedOut);
    checks.put(http("stalled-tls" + r, url(silent, "https"), false, SHORT), timedOut);
    checks.put(http("stalled-tls-keep-alive" + r, url(silent, "https"), true, SHORT), timedOut);
    checks.put(tls("stalled-tls-probe" + r, silent.port()), timedOut);
    checks.put(
        http("reset" + r, url(reset, "http"), false, LONG),
        new Expected(
            FailureKind.CONNECT,
            "reading the response from " + at(reset) + " failed: Connection reset"));
    checks.put(
        http("huge-headers" + r, url(hugeHeaders, "http"), false, LONG),
        new Expected(
            FailureKind.PROTOCOL,
            "reading the response from "
                + at(hugeHeaders)
                + " failed: HTTP header is larger than 8192 bytes"));
    checks.put(
        http("huge-headers-keep-alive" + r, url(hugeHeaders, "http"), true, LONG),
        new Expected(
            FailureKind.PROTOCOL,
            "the request to " + at(hugeHeaders) + " failed: HTTP header is larger than"));
    checks.put(
        http("redirect-loop" + r, url(loop, "http"), false, LONG),
        new Expected(FailureKind.REDIRECT_LOOP, "redirect loop: still redirected (302 to"));
    checks.put(
        tcp("endless-tcp" + r, endless.port(), "body contains \"never sent\"", LONG),
        new Expected(FailureKind.BODY_TOO_LARGE, "the peer sent more than 1048576 bytes"));
    return checks;
  }

  @Test
  void whenEveryHostileTargetIsProbedAtOnce_thenEachProbeEndsWithItsKindWithinItsBounds()
      throws Exception {
    int rounds = 3;
    Map<Check, Expected> expected = new LinkedHashMap<>();
    List<Future<ProbeResult>> running = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      for (Map.Entry<Check, Expected> e : hostileChecks(round).entrySet()) {
        expected.put(e.getKey(), e.getValue());
        running.add(start(e.getKey()));
      }
    }
    await(Future.join(running));

    List<Check> checks = new ArrayList<>(expected.keySet());
    for (int i = 0; i < checks.size(); i++) {
      Check check = checks.get(i);
      ProbeResult r = running.get(i).result();
      assertThat(r.ok()).as("%s", check.id()).isFalse();
      assertThat(r.failure().kind())
          .as("%s: %s", check.id(), r.failure().message())
          .isEqualTo(expected.get(check).kind());
      assertThat(r.failure().message())
          .as("%s", check.id())
          .contains(expected.get(check).message());
      assertThat(r.failure().message())
          .as("%s names no Java class", check.id())
          .doesNotContainPattern("[a-z]+\\.[a-z]+\\.[A-Za-z.]*(Exception|Error)");
      // Retries are off, so one attempt; the attempt is bounded by the timeout, with slack for a
      // loaded machine, never by the target's own lifetime.
      assertThat(r.durationMillis())
          .as("%s ends long before the target gives up", check.id())
          .isLessThan(TARGET_LIFETIME_MILLIS / 2);
      String id = check.id();
      if (id.startsWith("endless-body")) {
        assertThat(r.diagnostics().getLong("bodyBytes"))
            .as("%s keeps the capped body only", id)
            .isEqualTo(MAX_BODY);
      }
      if (id.startsWith("endless-tcp")) {
        assertThat(r.diagnostics().getLong("receivedBytes")).isEqualTo(TcpProbe.MAX_RECEIVED_BYTES);
      }
      if (id.startsWith("redirect-loop")) {
        assertThat(r.diagnostics().getJsonArray("hops")).hasSize(4);
      }
    }

    // Every probe let go of its connection: the targets see them all closed. A keep-alive check
    // that gave up on a stalled handshake leaves the pool's attempt to Vert.x's own TLS handshake
    // timeout (10 s), hence the bound.
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              for (Target t : targets.all()) {
                assertThat(t.open()).as("connections still open to %s", t.name()).isZero();
              }
            });
    // A probe that stops at its cap stops reading, so a target can push only what the socket
    // buffers hold past it, not what it could send before the timeout.
    assertThat(endless.mostWritten())
        .as("bytes one endless target got out")
        .isLessThan(64L * 1024 * 1024);
    assertThat(hugeHeaders.mostWritten())
        .as("bytes one endless-header target got out")
        .isLessThan(64L * 1024 * 1024);
  }
}
