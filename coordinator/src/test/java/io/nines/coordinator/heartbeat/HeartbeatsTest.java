package io.nines.coordinator.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.availability.State;
import io.nines.availability.Timeline;
import io.nines.availability.incident.Notification;
import io.nines.common.FailureKind;
import io.nines.common.ProbeResult;
import io.nines.common.TimeRange;
import io.nines.common.testing.ManualTimeSource;
import io.nines.config.Fleet;
import io.nines.config.FleetLoader;
import io.nines.coordinator.AlertingOptions;
import io.nines.coordinator.Coordinator;
import io.nines.coordinator.CoordinatorOptions;
import io.nines.coordinator.alerting.Inbox;
import io.nines.coordinator.fleet.AgentTokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Heartbeat checks end to end on a real coordinator with a manual clock: pings through the HTTP
 * API, the missed-deadline sweep, and the incidents and pages they cause.
 */
class HeartbeatsTest {
  static final Instant T0 = Instant.parse("2026-04-10T00:00:00Z");

  @TempDir Path dir;

  final ManualTimeSource time = new ManualTimeSource(T0);
  Vertx vertx;
  Coordinator coordinator;
  WebClient client;
  Inbox inbox;
  PrometheusMeterRegistry registry;
  int port;
  String backupToken;
  String reportToken;
  String agentToken;

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void start() throws Exception {
    Files.writeString(
        dir.resolve("fleet.yaml"),
        """
        locations: [eu]
        teams: { ops: { email: [ops@shop.example] } }
        services:
          backups: { tier: important, owners: [ops] }
          reports: { tier: important, owners: [ops] }
        checks:
          - id: nightly-backup
            service: backups
            heartbeat: { every: 1d, grace: 30m, max-runtime: 2h }
          - id: report
            service: reports
            heartbeat: { schedule: "0 2 * * *", timezone: Europe/Berlin, grace: 30m }
        """);
    Fleet fleet = new FleetLoader(time, Map.of()).load(dir);
    Path tokens = dir.resolve("tokens");
    AgentTokens.Created backup = AgentTokens.createHeartbeat("nightly-backup");
    AgentTokens.Created report = AgentTokens.createHeartbeat("report");
    AgentTokens.Created agent = AgentTokens.create("eu-1", "eu");
    AgentTokens.append(tokens, backup);
    AgentTokens.append(tokens, report);
    AgentTokens.append(tokens, agent);
    backupToken = backup.token();
    reportToken = report.token();
    agentToken = agent.token();
    vertx = Vertx.vertx();
    inbox = new Inbox(time, 1000);
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    coordinator =
        new Coordinator(
            CoordinatorOptions.builder()
                .port(0)
                .agentTokenFile(tokens)
                .fleet(() -> fleet)
                .timeSource(time)
                .meterRegistry(registry)
                .build(),
            new AlertingOptions(inbox, java.util.Set.of(), 3_600_000));
    port = await(coordinator.start(vertx));
    client = WebClient.create(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    await(coordinator.stop());
    await(vertx.close());
  }

  HttpResponse<Buffer> ping(String path, String token) throws Exception {
    return await(request(path, token).send());
  }

  HttpRequest<Buffer> request(String path, String token) {
    HttpRequest<Buffer> r = client.request(HttpMethod.POST, port, "127.0.0.1", path);
    if (token != null) {
      r.putHeader("Authorization", "Bearer " + token);
    }
    return r;
  }

  /** Moves the clock to {@code at}, then sweeps and runs alerting as the periodic tasks would. */
  void at(Instant at) throws Exception {
    time.advance(Duration.between(time.now(), at));
    await(coordinator.heartbeats().sweep());
    await(coordinator.alerting().runOnce());
  }

  List<ProbeResult> results(String check) throws Exception {
    return await(coordinator.store().recent(check, 100)).stream()
        .sorted(Comparator.comparing(ProbeResult::startedAt))
        .toList();
  }

  Timeline timeline(String check, Instant from, Instant to) throws Exception {
    return await(coordinator.store().locationTimelines(check, new TimeRange(from, to))).get("push");
  }

  List<Notification> pages(String service) {
    return inbox.messages().stream()
        .filter(n -> n.serviceId().equals(service) && n.kind() == Notification.Kind.PAGE)
        .toList();
  }

  List<Notification> resolves(String service) {
    return inbox.messages().stream()
        .filter(n -> n.serviceId().equals(service) && n.kind() == Notification.Kind.RESOLVE)
        .toList();
  }

  @Test
  void whenPingsComeOnTime_thenTheCheckStaysUpAndNobodyIsPaged() throws Exception {
    // Each run 10 minutes later than the last: well within the 30m grace.
    Instant first = T0.plus(Duration.ofMinutes(50));
    for (int day = 0; day < 4; day++) {
      Instant t = first.plus(Duration.ofDays(1).plus(Duration.ofMinutes(10)).multipliedBy(day));
      at(t);
      HttpResponse<Buffer> r = ping("/api/v1/heartbeats/nightly-backup", backupToken);
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      assertThat(r.bodyAsJsonObject().getBoolean("ok")).isTrue();
      at(t.plus(Duration.ofDays(1)).plus(Duration.ofMinutes(5)));
    }
    assertThat(results("nightly-backup")).allMatch(ProbeResult::ok).hasSize(4);
    Timeline t = timeline("nightly-backup", first, time.now());
    assertThat(t.duration(State.UP)).isEqualTo(t.length());
    assertThat(pages("backups")).isEmpty();
  }

  @Test
  void whenAWindowIsMissed_thenItIsDownFromTheDueTimePagesOnceAndRecoversOnTheNextPing()
      throws Exception {
    Instant ping = T0.plus(Duration.ofHours(1));
    at(ping);
    assertThat(ping("/api/v1/heartbeats/nightly-backup", backupToken).statusCode()).isEqualTo(200);
    Instant due = ping.plus(Duration.ofDays(1));

    at(due.plus(Duration.ofMinutes(29)));
    assertThat(results("nightly-backup")).allMatch(ProbeResult::ok);
    assertThat(pages("backups")).isEmpty();

    at(due.plus(Duration.ofMinutes(30)));
    List<ProbeResult> results = results("nightly-backup");
    assertThat(results).hasSize(2);
    ProbeResult miss = results.get(1);
    assertThat(miss.ok()).isFalse();
    assertThat(miss.startedAt()).isEqualTo(due);
    assertThat(miss.failure().kind()).isEqualTo(FailureKind.MISSED);
    assertThat(miss.failure().message()).contains("no ping within 30m of the run due at " + due);
    assertThat(miss.id()).isEqualTo("heartbeat-monitor/" + due.getEpochSecond());
    Timeline t = timeline("nightly-backup", ping, time.now());
    assertThat(t.stateAt(due.minusSeconds(1))).isEqualTo(State.UP);
    assertThat(t.stateAt(due)).isEqualTo(State.DOWN);
    assertThat(pages("backups"))
        .as("a heartbeat miss is confirmed by its grace: paged at once, not after 3 failures")
        .hasSize(1);

    // Still no ping: the next due time is recorded too, and nobody is paged again.
    at(due.plus(Duration.ofDays(1)).plus(Duration.ofMinutes(45)));
    at(time.now().plus(Duration.ofMinutes(5)));
    assertThat(results("nightly-backup")).hasSize(3).last().matches(r -> !r.ok());
    Timeline down = timeline("nightly-backup", due, time.now());
    assertThat(down.duration(State.DOWN)).isEqualTo(down.length());
    assertThat(pages("backups")).hasSize(1);

    // The job runs again: UP, and the incident resolves.
    assertThat(ping("/api/v1/heartbeats/nightly-backup", backupToken).statusCode()).isEqualTo(200);
    at(time.now().plus(Duration.ofMinutes(1)));
    assertThat(resolves("backups")).hasSize(1);
    assertThat(pages("backups")).hasSize(1);
  }

  @Test
  void whenNoPingEverComes_thenTheFirstRunIsDueAfterTheCheckLifeStart() throws Exception {
    // The schedule fires at 02:00 Berlin (00:00Z in April); the life started at T0 = 00:00Z,
    // so the first run is due the next day.
    Instant due = Instant.parse("2026-04-11T00:00:00Z");
    at(due.plus(Duration.ofMinutes(29)));
    assertThat(results("report")).isEmpty();
    at(due.plus(Duration.ofMinutes(30)));
    assertThat(results("report")).singleElement().matches(r -> r.startedAt().equals(due));
    assertThat(pages("reports")).hasSize(1);
  }

  @Test
  void whenTheJobReportsFailure_thenItIsDownAtOnceWithItsExitCodeAndLog() throws Exception {
    at(T0.plus(Duration.ofHours(2)));
    HttpResponse<Buffer> r =
        await(
            request("/api/v1/heartbeats/nightly-backup/fail", backupToken)
                .sendJsonObject(
                    new JsonObject().put("exitCode", 3).put("log", "pg_dump: connection refused")));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getBoolean("ok")).isFalse();
    ProbeResult result = results("nightly-backup").get(0);
    assertThat(result.failure().kind()).isEqualTo(FailureKind.JOB_FAILED);
    assertThat(result.failure().message()).contains("exit code 3");
    assertThat(result.diagnostics().getInteger("exitCode")).isEqualTo(3);
    assertThat(result.diagnostics().getString("log")).isEqualTo("pg_dump: connection refused");
    at(time.now().plus(Duration.ofSeconds(5)));
    assertThat(pages("backups")).hasSize(1);

    // As the service page's recent results show it.
    HttpResponse<Buffer> recent =
        await(
            client
                .request(HttpMethod.GET, port, "127.0.0.1", "/api/v1/checks/nightly-backup/results")
                .send());
    assertThat(recent.bodyAsString())
        .contains("pg_dump: connection refused")
        .contains("JOB_FAILED");
  }

  @Test
  void whenAStartedRunOutlastsItsMaxRuntime_thenItIsDownFromStartPlusMaxRuntime() throws Exception {
    Instant start = T0.plus(Duration.ofHours(1));
    at(start);
    HttpResponse<Buffer> r = ping("/api/v1/heartbeats/nightly-backup/start", backupToken);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(results("nightly-backup")).isEmpty();

    at(start.plus(Duration.ofHours(2)).minusSeconds(1));
    assertThat(results("nightly-backup")).isEmpty();
    at(start.plus(Duration.ofHours(2)));
    ProbeResult overrun = results("nightly-backup").get(0);
    assertThat(overrun.ok()).isFalse();
    assertThat(overrun.startedAt()).isEqualTo(start.plus(Duration.ofHours(2)));
    assertThat(overrun.failure().kind()).isEqualTo(FailureKind.TIMEOUT);
    at(time.now().plus(Duration.ofSeconds(5)));
    assertThat(pages("backups")).hasSize(1);

    // It finishes at last: UP, with the run's duration.
    at(start.plus(Duration.ofHours(3)));
    ping("/api/v1/heartbeats/nightly-backup", backupToken);
    ProbeResult done = results("nightly-backup").get(1);
    assertThat(done.ok()).isTrue();
    assertThat(done.durationMillis()).isEqualTo(Duration.ofHours(3).toMillis());
  }

  @Test
  void whenARunFinishesWithinItsMaxRuntime_thenItCarriesItsDurationAndNoMissIsRecorded()
      throws Exception {
    Instant ping = T0.plus(Duration.ofHours(1));
    at(ping);
    ping("/api/v1/heartbeats/nightly-backup", backupToken);
    Instant start = ping.plus(Duration.ofDays(1)).minus(Duration.ofMinutes(5));
    at(start);
    ping("/api/v1/heartbeats/nightly-backup/start", backupToken);
    // Past due + grace, but the run is under way and within its max-runtime.
    at(start.plus(Duration.ofMinutes(90)));
    assertThat(results("nightly-backup")).allMatch(ProbeResult::ok);
    ping("/api/v1/heartbeats/nightly-backup", backupToken);
    assertThat(results("nightly-backup"))
        .hasSize(2)
        .last()
        .matches(x -> x.durationMillis() == Duration.ofMinutes(90).toMillis());
    assertThat(pages("backups")).isEmpty();
  }

  @Test
  void whenTheTokenIsWrongAnotherHeartbeatsOrAnAgents_thenThePingIsRefusedAndCounted()
      throws Exception {
    at(T0.plus(Duration.ofHours(1)));
    String path = "/api/v1/heartbeats/nightly-backup";
    assertThat(status(ping(path, null), 401)).contains("needs its own token");
    assertThat(status(ping(path, "nines_" + "0".repeat(64)), 401)).contains("needs its own token");
    assertThat(status(ping(path, reportToken), 403)).contains("another heartbeat");
    assertThat(status(ping(path, agentToken), 401)).contains("not a heartbeat token");
    assertThat(status(ping("/api/v1/heartbeats/report/fail", backupToken), 403))
        .contains("another heartbeat");
    assertThat(results("nightly-backup")).isEmpty();
    assertThat(results("report")).isEmpty();
    // A heartbeat token is no agent's token.
    HttpResponse<Buffer> asAgent =
        await(
            request("/api/v1/results", backupToken)
                .sendJsonObject(new JsonObject().put("agent", "eu-1")));
    assertThat(asAgent.statusCode()).isEqualTo(401);

    String metrics = registry.scrape();
    assertThat(metrics).contains("nines_auth_failures_total{reason=\"other_heartbeat\"} 2.0");
    assertThat(metrics).contains("nines_auth_failures_total{reason=\"not_a_heartbeat_token\"} 1.0");
    assertThat(metrics).contains("nines_auth_failures_total{reason=\"missing_token\"} 1.0");

    // ?key= for cron lines that cannot set a header.
    HttpResponse<Buffer> keyed = ping(path + "?key=" + backupToken, null);
    assertThat(keyed.statusCode()).as(keyed.bodyAsString()).isEqualTo(200);
    assertThat(results("nightly-backup")).singleElement().matches(ProbeResult::ok);
  }

  @Test
  void whenTheLogIsLong_thenItIsCutTo10kBKeepingItsEnd_andAHugeBodyIs413() throws Exception {
    at(T0.plus(Duration.ofHours(1)));
    String log = "x".repeat(30_000) + "\nFATAL: disk full";
    HttpResponse<Buffer> r =
        await(
            request("/api/v1/heartbeats/nightly-backup/fail", backupToken)
                .putHeader("Content-Type", "text/plain")
                .sendBuffer(Buffer.buffer(log)));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    assertThat(r.bodyAsJsonObject().getBoolean("logCut")).isTrue();
    String kept = results("nightly-backup").get(0).diagnostics().getString("log");
    assertThat(kept.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(LogText.MAX_BYTES);
    assertThat(kept).startsWith("[... ").contains("bytes cut").endsWith("\nFATAL: disk full");

    HttpResponse<Buffer> huge =
        await(
            request("/api/v1/heartbeats/nightly-backup/fail", backupToken)
                .putHeader("Content-Type", "text/plain")
                .sendBuffer(Buffer.buffer("y".repeat(2 * 1024 * 1024))));
    assertThat(huge.statusCode()).isEqualTo(413);
    assertThat(huge.getHeader("content-type")).startsWith("application/json");
  }

  @Test
  void whenTheIdIsNoHeartbeat_thenItIs404() throws Exception {
    AgentTokens.Created ghost = AgentTokens.createHeartbeat("ghost");
    AgentTokens.append(dir.resolve("tokens"), ghost);
    // The token file is re-read when it changes.
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ping("/api/v1/heartbeats/ghost", ghost.token()).statusCode() == 404);
    assertThat(status(ping("/api/v1/heartbeats/ghost", ghost.token()), 404))
        .contains("no heartbeat check 'ghost'");
  }

  private static String status(HttpResponse<Buffer> r, int status) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("content-type")).startsWith("application/json");
    return r.bodyAsJsonObject().getString("message");
  }
}
