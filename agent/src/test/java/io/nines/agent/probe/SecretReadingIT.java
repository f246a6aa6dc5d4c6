package io.nines.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nines.agent.TestChecks;
import io.nines.common.FailureKind;
import io.nines.common.ProbeResult;
import io.nines.common.TimeSource;
import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.nines.config.HttpOptions;
import io.nines.config.Request;
import io.nines.config.SecretRef;
import io.nines.config.Template;
import io.nines.config.assertion.AssertionParser;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ${file:...}} secrets are read where reading may block: never on an event loop. The
 * resolver records, for every read, whether it ran on an event-loop thread.
 */
class SecretReadingIT {
  private static final String TOKEN = "t0k3n-from-file";

  @TempDir static Path dir;

  private static Vertx vertx;
  private static HttpClients clients;
  private static String httpBase;
  private static int echoPort;
  private static Path tokenFile;

  /** One entry per secret read: the reference and whether it was read on an event loop. */
  private final List<String> reads = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    clients = new HttpClients(vertx, 8);
    tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
    httpBase =
        "http://127.0.0.1:"
            + await(
                    vertx
                        .createHttpServer()
                        .requestHandler(
                            req -> req.response().end("token=" + req.getHeader("X-Token")))
                        .listen(0, "127.0.0.1"))
                .actualPort();
    echoPort =
        await(
                vertx
                    .createNetServer()
                    .connectHandler(socket -> socket.handler(socket::write))
                    .listen(0, "127.0.0.1"))
            .actualPort();
  }

  @AfterAll
  static void stop() throws Exception {
    clients.close();
    await(vertx.close());
  }

  @BeforeEach
  void clear() {
    reads.clear();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private ProbeResult run(Check check) throws Exception {
    ProbeContext context =
        new ProbeContext(
            vertx,
            TimeSource.SYSTEM,
            clients,
            Map.of(),
            ref -> {
              reads.add(ref + (Context.isOnEventLoopThread() ? " on an event loop" : " off-loop"));
              return ref.resolve(Map.of());
            });
    CheckRunner runner =
        new CheckRunner(
            context, CheckRunner.defaultProbes(), "test-1", "eu-west", new SimpleMeterRegistry());
    Promise<ProbeResult> p = Promise.promise();
    vertx.runOnContext(v -> runner.run(check).onComplete(p));
    return await(p.future());
  }

  private static Template fileSecret(Path file) {
    SecretRef ref = new SecretRef(SecretRef.Kind.FILE, file.toString());
    return new Template(ref.toString(), List.of(new Template.Secret(ref)));
  }

  private static Request step(String name, Path secretFile) {
    return new Request(
        name,
        "GET",
        Template.literal(httpBase + "/"),
        Map.of("X-Token", fileSecret(secretFile)),
        null,
        List.of(AssertionParser.parse("body == \"token=" + TOKEN + "\"")),
        List.of());
  }

  @Test
  void whenAJourneyUsesAFileSecret_thenEveryStepReadsItOffTheEventLoop() throws Exception {
    Check journey =
        TestChecks.check(
            "journey",
            Duration.ofSeconds(10),
            new CheckSpec.Journey(
                List.of(step("one", tokenFile), step("two", tokenFile)), HttpOptions.DEFAULTS));

    ProbeResult r = run(journey);

    assertThat(r.ok()).as("%s %s", r.failure(), r.diagnostics()).isTrue();
    assertThat(reads).hasSize(2).allMatch(read -> read.endsWith(" off-loop"));
  }

  @Test
  void whenATcpCheckSendsAFileSecret_thenItIsReadOffTheEventLoop() throws Exception {
    Check tcp =
        TestChecks.check(
            "tcp",
            Duration.ofSeconds(10),
            new CheckSpec.Tcp(
                "127.0.0.1",
                echoPort,
                fileSecret(tokenFile),
                List.of(AssertionParser.parse("body contains \"" + TOKEN + "\""))));

    ProbeResult r = run(tcp);

    assertThat(r.ok()).as("%s %s", r.failure(), r.diagnostics()).isTrue();
    assertThat(reads).containsExactly("${file:" + tokenFile + "} off-loop");
  }

  @Test
  void whenTheSecretFileIsMissing_thenTheCheckFailsNamingItAndStillReadsOffTheEventLoop()
      throws Exception {
    Path missing = dir.resolve("missing");
    Check http =
        TestChecks.check(
            "http",
            Duration.ofSeconds(10),
            new CheckSpec.Http(step("request", missing), HttpOptions.DEFAULTS));

    ProbeResult r = run(http);

    assertThat(r.failure().kind()).isEqualTo(FailureKind.INTERNAL);
    assertThat(r.failure().message()).contains("${file:" + missing + "} can't be read");
    assertThat(reads).containsExactly("${file:" + missing + "} off-loop");
  }

  @Test
  void whenOnlyEnvironmentSecretsAreUsed_thenTheyAreLookedUpInPlace() throws Exception {
    SecretRef ref = new SecretRef(SecretRef.Kind.ENV, "NINES_TEST_SURELY_UNSET");
    Request request =
        new Request(
            "request",
            "GET",
            Template.literal(httpBase + "/"),
            Map.of("X-Token", new Template(ref.toString(), List.of(new Template.Secret(ref)))),
            null,
            List.of(),
            List.of());

    ProbeResult r =
        run(
            TestChecks.check(
                "env", Duration.ofSeconds(10), new CheckSpec.Http(request, HttpOptions.DEFAULTS)));

    assertThat(r.failure().message()).contains("NINES_TEST_SURELY_UNSET} is not set");
    assertThat(reads).containsExactly(ref + " on an event loop");
  }
}
