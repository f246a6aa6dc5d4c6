package io.nines.coordinator.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nines.availability.State;
import io.nines.availability.incident.IncidentEngine;
import io.nines.availability.incident.Notification;
import io.nines.availability.incident.ServiceAlerts;
import io.nines.channels.ChannelOptions;
import io.nines.channels.Channels;
import io.nines.common.TimeSource;
import io.nines.config.Fleet;
import io.nines.config.FleetLoader;
import io.nines.store.alerts.Delivery;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's decisions delivered through the real PagerDuty channel to a local receiver. */
class ChannelSenderIT {
  @TempDir Path dir;
  private Vertx vertx;
  private final List<JsonObject> events = new CopyOnWriteArrayList<>();
  private int port;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router
        .post("/v2/enqueue")
        .handler(BodyHandler.create())
        .handler(
            ctx -> {
              events.add(ctx.body().asJsonObject());
              ctx.response().setStatusCode(202).end("{\"status\":\"success\"}");
            });
    HttpServer server =
        await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    port = server.actualPort();
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void whenAPageAndAResolveAreSent_thenPagerDutyGetsATriggerAndAResolveWithOneDedupKey()
      throws Exception {
    Files.writeString(
        dir.resolve("fleet.yaml"),
        """
        locations: [eu-west]
        teams:
          payments:
            pagerduty: { routing-key: "${env:PD_KEY}", url: "http://127.0.0.1:%d/v2/enqueue" }
        services:
          payments: { tier: critical, owners: [payments], runbook: "https://runbooks.example/payments", page-after: 0s }
        checks:
          - { id: p, service: payments, http: { get: "http://127.0.0.1:1/" } }
        """
            .formatted(port));
    Map<String, String> env = Map.of("PD_KEY", "r0uting-key-0123456789abcdef");
    Fleet fleet = new FleetLoader(TimeSource.SYSTEM, Map.of(), env).load(dir);
    Channels channels =
        Channels.create(
            vertx,
            new SimpleMeterRegistry(),
            TimeSource.SYSTEM,
            ChannelOptions.defaults(),
            ref -> ref.resolve(env));
    ChannelSender sender =
        new ChannelSender(channels, () -> fleet, TimeSource.SYSTEM, "http://nines.example");
    IncidentEngine engine = new IncidentEngine(fleet);
    java.time.Instant t0 = java.time.Instant.parse("2026-04-07T10:00:00Z");
    IncidentEngine.Step down =
        engine.onState(
            ServiceAlerts.initial("payments"),
            State.DOWN,
            t0,
            new IncidentEngine.Context(
                Set.of("payments"), false, Map.of("failingStep", "request", "actual", "503")));
    IncidentEngine.Step up =
        engine.onState(
            down.next(), State.UP, t0.plusSeconds(300), IncidentEngine.Context.of(Set.of()));
    for (Notification n : down.notifications()) {
      Delivery d = await(sendOnContext(sender, n));
      assertThat(d.ok()).as(d.message()).isTrue();
    }
    for (Notification n : up.notifications()) {
      assertThat(await(sendOnContext(sender, n)).ok()).isTrue();
    }
    assertThat(events).hasSize(2);
    assertThat(events.get(0).getString("event_action")).isEqualTo("trigger");
    assertThat(events.get(1).getString("event_action")).isEqualTo("resolve");
    String incident = down.next().incident().id();
    assertThat(events).allSatisfy(e -> assertThat(e.getString("dedup_key")).isEqualTo(incident));
    JsonObject payload = events.get(0).getJsonObject("payload");
    assertThat(payload.getString("severity")).isEqualTo("critical");
    assertThat(payload.getString("summary")).contains("DOWN");
    assertThat(payload.getJsonObject("custom_details").encode()).contains("503");
  }

  private Future<Delivery> sendOnContext(Sender sender, Notification n) {
    io.vertx.core.Promise<Delivery> p = io.vertx.core.Promise.promise();
    vertx.runOnContext(v -> sender.send(n).onComplete(p));
    return p.future();
  }
}
