package io.nines.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.common.ProbeResult;
import io.nines.common.ResultBatch;
import io.nines.common.testing.ManualTimeSource;
import io.nines.config.ConfigVersion;
import io.nines.config.DownWhen;
import io.nines.config.Fleet;
import io.nines.config.MaintenanceWindow;
import io.nines.config.Tier;
import io.nines.coordinator.AlertingOptions;
import io.nines.coordinator.Coordinator;
import io.nines.coordinator.CoordinatorOptions;
import io.nines.coordinator.alerting.Inbox;
import io.nines.coordinator.alerting.Sender;
import io.nines.store.testing.TestFleets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/** A real coordinator on port 0 with alerting, a manual clock and a fleet that tests may swap. */
final class ApiFixture {
  static final String AGENT = "agent-token-0123456789";
  static final Instant T0 = Instant.parse("2026-04-10T00:00:00Z");

  final ManualTimeSource time = new ManualTimeSource(T0);
  final AtomicReference<Fleet> fleet = new AtomicReference<>(fleet(7));
  final Inbox inbox = new Inbox(time, 1000);

  /** Who delivers notifications; null (the default) for {@link #inbox}. Set before start. */
  Sender sender;

  Coordinator coordinator;
  WebClient client;
  int port;
  long seq;

  /**
   * {@code services} services: checkout (two checks), catalog (weekly maintenance on Sundays at
   * 02:00 UTC for 2 h), then svc-3 and on, each with one check.
   */
  static Fleet fleet(int services) {
    TestFleets f =
        TestFleets.fleet()
            .service("checkout", Tier.CRITICAL)
            .service("catalog", Tier.IMPORTANT)
            .check(
                "checkout-journey",
                "checkout",
                Duration.ofSeconds(30),
                List.of("eu"),
                DownWhen.MAJORITY)
            .check(
                "checkout-api",
                "checkout",
                Duration.ofSeconds(30),
                List.of("eu"),
                DownWhen.MAJORITY)
            .check(
                "catalog-home", "catalog", Duration.ofSeconds(60), List.of("eu"), DownWhen.MAJORITY)
            .maintenance(
                "catalog-weekly",
                List.of("catalog"),
                new MaintenanceWindow.Weekly(
                    DayOfWeek.SUNDAY, LocalTime.of(2, 0), Duration.ofHours(2), ZoneOffset.UTC));
    for (int i = 3; i <= services; i++) {
      f.check(
          "svc-" + i + "-home",
          "svc-" + i,
          Duration.ofSeconds(60),
          List.of("eu"),
          DownWhen.MAJORITY);
    }
    return f.build();
  }

  /** {@code f} with another version hash, as a reload of changed files would give. */
  static Fleet withVersion(Fleet f, String hash, Instant loadedAt) {
    return new Fleet(
        new ConfigVersion(hash, loadedAt),
        f.locations(),
        f.teams(),
        f.services(),
        f.checks(),
        f.maintenance(),
        f.settings(),
        f.vars(),
        f.warnings());
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  ApiFixture start(
      Vertx vertx,
      UnaryOperator<CoordinatorOptions.Builder> options,
      Set<String> alertingAdminTokens)
      throws Exception {
    CoordinatorOptions.Builder b =
        CoordinatorOptions.builder()
            .port(0)
            .agentTokens(Set.of(AGENT))
            .fleet(fleet::get)
            .timeSource(time)
            .meterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    coordinator =
        new Coordinator(
            options.apply(b).build(),
            new AlertingOptions(sender == null ? inbox : sender, alertingAdminTokens, 3_600_000));
    port = await(coordinator.start(vertx));
    client = WebClient.create(vertx);
    return this;
  }

  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (coordinator != null) {
      await(coordinator.stop());
    }
  }

  HttpRequest<Buffer> request(HttpMethod method, String path, String token) {
    HttpRequest<Buffer> r = client.request(method, port, "127.0.0.1", path);
    if (token != null) {
      r.putHeader("Authorization", "Bearer " + token);
    }
    return r;
  }

  HttpResponse<Buffer> get(String path) throws Exception {
    return await(request(HttpMethod.GET, path, null).send());
  }

  HttpResponse<Buffer> get(String path, String token) throws Exception {
    return await(request(HttpMethod.GET, path, token).send());
  }

  HttpResponse<Buffer> post(String path, JsonObject body, String token) throws Exception {
    return await(request(HttpMethod.POST, path, token).sendJsonObject(body));
  }

  HttpResponse<Buffer> delete(String path, String token) throws Exception {
    return await(request(HttpMethod.DELETE, path, token).send());
  }

  /** Posts one result per check of {@code service} at the current time and returns its status. */
  void result(String check, boolean ok) throws Exception {
    ProbeResult r =
        ok
            ? TestFleets.ok("a1", ++seq, check, "eu", time.now())
            : TestFleets.fail("a1", ++seq, check, "eu", time.now());
    HttpResponse<Buffer> resp =
        post("/api/v1/results", new ResultBatch("a1", List.of(r)).toJson(), AGENT);
    assertThat(resp.statusCode()).as(resp.bodyAsString()).isEqualTo(200);
  }

  /** Asserts the API's one error shape and returns the message. */
  static String error(HttpResponse<Buffer> r, int status, String error) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("content-type")).startsWith("application/json");
    JsonObject body = r.bodyAsJsonObject();
    assertThat(body.fieldNames()).containsExactlyInAnyOrder("error", "message");
    assertThat(body.getString("error")).isEqualTo(error);
    return body.getString("message");
  }
}
