package io.nines.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nines.availability.incident.Notification;
import io.nines.common.TimeSource;
import io.nines.config.Fleet;
import io.nines.config.FleetLoader;
import io.nines.store.alerts.Delivery;
import io.nines.store.alerts.OutboxEntry;
import io.nines.store.jdbc.Database;
import io.nines.store.jdbc.DatabaseOptions;
import io.nines.store.results.JdbcResultStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A single-process coordinator with a database stops as a crash would (nothing is flushed on the
 * way out: every write is write-through) and a new one starts on the same database: the open
 * incident, the notifications not yet sent, the ad hoc maintenance window and the configuration
 * history are all still there, and the notifications get sent. One subclass per database.
 */
@ExtendWith(VertxExtension.class)
abstract class DurableRestartContract {
  static final String FLEET =
      """
      locations: [eu]
      teams:
        shop:
          email: [shop@shop.example]
      services:
        checkout: { tier: critical, owners: [shop], page-after: 0s }
        catalog: { tier: important, owners: [shop], page-after: 0s }
      checks:
        - { id: checkout-journey, service: checkout, every: %s, locations: [eu], http: { get: "http://127.0.0.1:1/k" } }
        - { id: checkout-api, service: checkout, every: 30s, locations: [eu], http: { get: "http://127.0.0.1:1/a" } }
        - { id: catalog-home, service: catalog, every: 60s, locations: [eu], http: { get: "http://127.0.0.1:1/c" } }
      """;

  @TempDir Path dir;
  final List<ApiFixture> fixtures = new ArrayList<>();
  final List<AutoCloseable> closing = new CopyOnWriteArrayList<>();

  /** Options of an empty database. */
  abstract DatabaseOptions freshDatabase();

  @AfterEach
  void stopAll() throws Exception {
    for (ApiFixture f : fixtures) {
      f.stop();
    }
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  Fleet fleet(String every) throws Exception {
    Path d = Files.createTempDirectory(dir, "fleet");
    Files.writeString(d.resolve("fleet.yaml"), FLEET.formatted(every));
    return new FleetLoader(TimeSource.SYSTEM, Map.of(), Map.of()).load(d);
  }

  @Test
  void whenASingleProcessCrashesAndRestarts_thenIncidentsOutboxMaintenanceAndHistoryRemain(
      Vertx vertx) throws Exception {
    DatabaseOptions options = freshDatabase();
    Fleet v1 = fleet("30s");
    Fleet v2 = fleet("1m");
    assertThat(v2.version().hash()).isNotEqualTo(v1.version().hash());

    // The first coordinator: every delivery fails, so the notifications stay queued.
    Database db1 = Database.open(options, new SimpleMeterRegistry(), TimeSource.SYSTEM);
    closing.add(db1);
    JdbcResultStore store1 = ApiFixture.await(JdbcResultStore.open(vertx, db1));
    ApiFixture first = new ApiFixture();
    fixtures.add(first);
    first.fleet.set(v1);
    List<Notification> attempted = new CopyOnWriteArrayList<>();
    first.sender =
        n -> {
          attempted.add(n);
          return Future.succeededFuture(
              new Delivery(first.time.now(), false, "503", "the mail relay is down", true));
        };
    first.start(vertx, b -> b.store(store1), Set.of());
    first.time.advance(Duration.ofMinutes(1));
    first.fleet.set(v2);
    JsonArray versionsBefore =
        first.get("/api/v1/config/versions").bodyAsJsonObject().getJsonArray("items");
    assertThat(versionsBefore).hasSize(2);
    assertThat(versionsBefore.getJsonObject(0).getJsonObject("diff").getLong("changed"))
        .isEqualTo(1);

    first.result("checkout-journey", true);
    first.result("checkout-api", true);
    first.time.advance(Duration.ofMinutes(5));
    first.result("checkout-journey", false);
    first.result("checkout-api", false);
    first.time.advance(Duration.ofSeconds(1));
    ApiFixture.await(first.coordinator.alerting().runOnce());
    JsonArray incidentsBefore =
        first.get("/api/v1/incidents").bodyAsJsonObject().getJsonArray("items");
    assertThat(incidentsBefore).hasSize(1);
    String incidentId = incidentsBefore.getJsonObject(0).getString("id");
    assertThat(attempted).as("the page was attempted and failed").isNotEmpty();
    List<OutboxEntry> queued =
        ApiFixture.await(first.coordinator.alerting().outbox().ofIncident(incidentId));
    assertThat(queued)
        .isNotEmpty()
        .allMatch(e -> e.status() == OutboxEntry.Status.RETRYING && e.nextAttemptAt() != null);

    Instant windowStart = first.time.now().plus(Duration.ofHours(1));
    JsonObject window =
        first
            .post(
                "/api/v1/maintenance",
                new JsonObject()
                    .put("services", new JsonArray().add("catalog"))
                    .put("from", windowStart.toString())
                    .put("to", windowStart.plus(Duration.ofHours(2)).toString())
                    .put("reason", "database upgrade"),
                null)
            .bodyAsJsonObject();
    JsonArray maintenanceBefore =
        first.get("/api/v1/maintenance?service=catalog").bodyAsJsonObject().getJsonArray("items");

    // The crash: the process goes away. Writes were synchronous, so stopping the server and the
    // pools flushes nothing that a kill -9 would have lost.
    Instant crashedAt = first.time.now();
    first.stop();
    fixtures.remove(first);
    store1.close();
    db1.close();

    Database db2 = Database.open(options, new SimpleMeterRegistry(), TimeSource.SYSTEM);
    closing.add(db2);
    JdbcResultStore store2 = ApiFixture.await(JdbcResultStore.open(vertx, db2));
    closing.add(0, store2);
    ApiFixture second = new ApiFixture();
    fixtures.add(second);
    second.time.advance(Duration.between(second.time.now(), crashedAt.plusSeconds(30)));
    second.fleet.set(v2);
    second.start(vertx, b -> b.store(store2), Set.of());

    assertThat(second.get("/api/v1/config/versions").bodyAsJsonObject().getJsonArray("items"))
        .as("the history from before the restart, and no new version for the same files")
        .isEqualTo(versionsBefore);
    assertThat(
            second
                .get("/api/v1/maintenance?service=catalog")
                .bodyAsJsonObject()
                .getJsonArray("items"))
        .isEqualTo(maintenanceBefore)
        .anyMatch(w -> ((JsonObject) w).getString("id").equals(window.getString("id")));
    JsonObject incident = second.get("/api/v1/incidents/" + incidentId).bodyAsJsonObject();
    assertThat(incident.getString("id")).isEqualTo(incidentId);
    assertThat(incident.getValue("resolvedAt")).as("still open").isNull();

    // Still down: the next run keeps the incident (no new one) and sends what was queued.
    second.result("checkout-journey", false);
    second.result("checkout-api", false);
    second.time.advance(Duration.ofMinutes(1));
    ApiFixture.await(second.coordinator.alerting().runOnce());
    assertThat(second.get("/api/v1/incidents").bodyAsJsonObject().getJsonArray("items")).hasSize(1);
    assertThat(second.inbox.messages())
        .extracting(Notification::key)
        .containsAll(queued.stream().map(e -> e.notification().key()).toList());
    assertThat(ApiFixture.await(second.coordinator.alerting().outbox().ofIncident(incidentId)))
        .filteredOn(
            e ->
                queued.stream()
                    .anyMatch(q -> q.notification().key().equals(e.notification().key())))
        .allMatch(e -> e.status() == OutboxEntry.Status.SENT)
        .allMatch(e -> e.deliveries().size() == 2, "one failed attempt before, one sent after");
  }
}
