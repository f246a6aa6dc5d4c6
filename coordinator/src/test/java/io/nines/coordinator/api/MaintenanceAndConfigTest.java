package io.nines.coordinator.api;

import static io.nines.coordinator.api.ApiFixture.error;
import static org.assertj.core.api.Assertions.assertThat;

import io.nines.config.Check;
import io.nines.config.Fleet;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Ad hoc maintenance windows and configuration versions, against a real coordinator. */
@ExtendWith(VertxExtension.class)
class MaintenanceAndConfigTest {
  final ApiFixture api = new ApiFixture();

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    api.start(vertx, b -> b, Set.of());
  }

  @AfterEach
  void stop() throws Exception {
    api.stop();
  }

  JsonObject window(Instant from, Instant to, String... services) {
    JsonObject json =
        new JsonObject().put("services", new JsonArray(List.of(services))).put("reason", "db");
    if (from != null) {
      json.put("from", from.toString());
    }
    return json.put("to", to.toString());
  }

  String create(JsonObject window) throws Exception {
    HttpResponse<Buffer> r = api.post("/api/v1/maintenance", window, null);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
    String id = r.bodyAsJsonObject().getString("id");
    assertThat(r.getHeader("Location")).isEqualTo("/api/v1/maintenance/" + id);
    return id;
  }

  @Test
  void whenAWindowIsWrong_then400NamesWhatIsWrong() throws Exception {
    Instant now = api.time.now();
    Instant later = now.plus(Duration.ofHours(1));
    assertThat(
            error(
                api.post("/api/v1/maintenance", window(null, later, "checkout", "nope"), null),
                400,
                "bad_request"))
        .isEqualTo(
            "services[1] was 'nope' but it must be a service of the fleet (GET /api/v1/services"
                + " lists them)");
    assertThat(
            error(
                api.post("/api/v1/maintenance", window(later, later, "checkout"), null),
                400,
                "bad_request"))
        .isEqualTo("from was '" + later + "' but it must be before to '" + later + "'");
    Instant past = now.minus(Duration.ofHours(2));
    assertThat(
            error(
                api.post("/api/v1/maintenance", window(past, later, "checkout"), null),
                400,
                "bad_request"))
        .startsWith("from was '" + past + "' but it must not be in the past");
    assertThat(
            error(
                api.post(
                    "/api/v1/maintenance",
                    window(null, now.minus(Duration.ofMinutes(5)), "checkout"),
                    null),
                400,
                "bad_request"))
        .startsWith("from was '" + now + "' but it must be before to");
    assertThat(
            error(
                api.post(
                    "/api/v1/maintenance",
                    window(null, later, "checkout").put("service", "x"),
                    null),
                400,
                "bad_request"))
        .startsWith("service is not a field of a maintenance window");
    assertThat(
            error(api.post("/api/v1/maintenance", window(null, later), null), 400, "bad_request"))
        .startsWith("services was [] but it must name at least one service");
    assertThat(
            error(
                api.post(
                    "/api/v1/maintenance",
                    window(null, now.plus(Duration.ofDays(40)), "checkout"),
                    null),
                400,
                "bad_request"))
        .contains("at most 31 days");
  }

  @Test
  void whenAnAdHocWindowIsListed_thenItComesAfterTheConfiguredOnesWithItsOccurrences()
      throws Exception {
    Instant from = api.time.now().plus(Duration.ofHours(1));
    Instant to = from.plus(Duration.ofHours(2));
    String id = create(window(from, to, "checkout"));
    assertThat(id).startsWith("adhoc-");

    JsonArray items = api.get("/api/v1/maintenance").bodyAsJsonObject().getJsonArray("items");
    assertThat(items).hasSize(2);
    JsonObject weekly = items.getJsonObject(0);
    assertThat(weekly.getString("source")).isEqualTo("config");
    assertThat(weekly.getJsonObject("schedule").getString("type")).isEqualTo("weekly");
    // T0 is Friday 2026-04-10: the next Sundays at 02:00 UTC.
    assertThat(weekly.getJsonArray("next").getJsonObject(0))
        .isEqualTo(
            new JsonObject()
                .put("start", "2026-04-12T02:00:00Z")
                .put("end", "2026-04-12T04:00:00Z"));
    assertThat(weekly.getJsonArray("next")).hasSize(3);
    JsonObject adhoc = items.getJsonObject(1);
    assertThat(adhoc.getString("id")).isEqualTo(id);
    assertThat(adhoc.getString("source")).isEqualTo("adhoc");
    assertThat(adhoc.getJsonArray("services")).containsExactly("checkout");
    assertThat(adhoc.getBoolean("inProgress")).isFalse();
    assertThat(adhoc.getJsonArray("next").getJsonObject(0).getString("start"))
        .isEqualTo(from.toString());

    assertThat(
            api.get("/api/v1/maintenance?service=catalog").bodyAsJsonObject().getJsonArray("items"))
        .hasSize(1);
    error(api.get("/api/v1/maintenance?service=nope"), 400, "bad_request");
  }

  @Test
  void whenAnAdHocWindowRuns_thenAvailabilityCountsItAsMaintenanceAndNoIncidentOpens()
      throws Exception {
    Instant start = api.time.now().plus(Duration.ofMinutes(10));
    create(window(start, start.plus(Duration.ofMinutes(30)), "checkout"));
    // Down from 5 minutes before the window to 20 minutes into it.
    api.time.advance(Duration.ofMinutes(5));
    for (int i = 0; i < 25 * 2; i++) {
      api.result("checkout-journey", false);
      api.result("checkout-api", false);
      api.time.advance(Duration.ofSeconds(30));
      if (api.time.now().isAfter(start.plus(Duration.ofMinutes(1)))) {
        ApiFixture.await(api.coordinator.alerting().runOnce());
      }
    }
    JsonObject services = api.get("/api/v1/services").bodyAsJsonObject();
    assertThat(services.getJsonArray("items").getJsonObject(0).getBoolean("inMaintenance"))
        .isTrue();
    JsonObject report =
        api.get(
                "/api/v1/services/checkout/availability?from="
                    + start.minus(Duration.ofMinutes(5))
                    + "&to="
                    + start.plus(Duration.ofMinutes(20)))
            .bodyAsJsonObject();
    assertThat(report.getDouble("maintenanceSeconds")).isEqualTo(1200.0);
    assertThat(report.getDouble("downSeconds")).isEqualTo(1500.0);
    assertThat(report.getJsonArray("maintenance").getJsonObject(0).getString("start"))
        .isEqualTo(start.toString());
    // Alerting ran only inside the window, on a DOWN service: it opened nothing.
    assertThat(api.get("/api/v1/incidents").bodyAsJsonObject().getJsonArray("items")).isEmpty();
  }

  @Test
  void whenAWindowIsDeleted_thenAFutureOneGoesAnOngoingOneEndsAndAnEndedOneStays()
      throws Exception {
    Instant now = api.time.now();
    String future =
        create(window(now.plus(Duration.ofHours(5)), now.plus(Duration.ofHours(6)), "catalog"));
    String ongoing = create(window(null, now.plus(Duration.ofHours(1)), "checkout"));
    String ended = create(window(null, now.plus(Duration.ofMinutes(10)), "checkout"));
    api.time.advance(Duration.ofMinutes(20));

    assertThat(api.delete("/api/v1/maintenance/" + future, null).bodyAsJsonObject())
        .isEqualTo(new JsonObject().put("id", future).put("result", "removed"));
    JsonObject cut = api.delete("/api/v1/maintenance/" + ongoing, null).bodyAsJsonObject();
    assertThat(cut.getString("result")).isEqualTo("ended");
    assertThat(cut.getString("endedAt")).isEqualTo(api.time.now().toString());
    assertThat(error(api.delete("/api/v1/maintenance/" + ended, null), 409, "conflict"))
        .contains("has ended");
    assertThat(error(api.delete("/api/v1/maintenance/catalog-weekly", null), 409, "conflict"))
        .contains("configured in the fleet");
    error(api.delete("/api/v1/maintenance/adhoc-99", null), 404, "not_found");
    error(api.delete("/api/v1/maintenance/" + future, null), 404, "not_found");

    // The part of the cut window that ran is still maintenance.
    JsonObject report =
        api.get("/api/v1/services/checkout/availability?from=" + now).bodyAsJsonObject();
    assertThat(report.getDouble("maintenanceSeconds")).isEqualTo(1200.0);
  }

  static Fleet slowerCheckout(Fleet f) {
    List<Check> checks = new ArrayList<>();
    for (Check c : f.checks()) {
      checks.add(
          c.id().equals("checkout-api")
              ? new Check(
                  c.id(),
                  c.service(),
                  Duration.ofSeconds(60),
                  c.timeout(),
                  c.locations(),
                  c.downWhen(),
                  c.retries(),
                  c.spec())
              : c);
    }
    return new Fleet(
        f.version(),
        f.locations(),
        f.teams(),
        f.services(),
        checks,
        f.maintenance(),
        f.settings(),
        f.vars(),
        f.warnings());
  }

  @Test
  void whenTheFleetIsReloaded_thenANewVersionWithItsDiffIsAChangeEventOfTheServicesItTouches()
      throws Exception {
    Fleet first = api.fleet.get();
    api.time.advance(Duration.ofHours(1));
    Instant applied = api.time.now();
    api.fleet.set(ApiFixture.withVersion(slowerCheckout(first), "fedcba9876543210fedcba", applied));
    JsonArray versions =
        api.get("/api/v1/config/versions").bodyAsJsonObject().getJsonArray("items");
    // The same files reloaded later: not a new version.
    api.time.advance(Duration.ofMinutes(1));
    api.fleet.set(
        ApiFixture.withVersion(slowerCheckout(first), "fedcba9876543210fedcba", api.time.now()));
    assertThat(api.get("/api/v1/config/versions").bodyAsJsonObject().getJsonArray("items"))
        .isEqualTo(versions);

    assertThat(versions).hasSize(2);
    JsonObject newest = versions.getJsonObject(0);
    assertThat(newest.getString("hash")).isEqualTo("fedcba9876543210fedcba");
    assertThat(newest.getString("appliedAt")).isEqualTo(applied.toString());
    assertThat(newest.getString("previous")).isEqualTo(first.version().hash());
    JsonObject change = newest.getJsonObject("diff").getJsonArray("changes").getJsonObject(0);
    assertThat(change.getString("kind")).isEqualTo("check");
    assertThat(change.getString("id")).isEqualTo("checkout-api");
    assertThat(versions.getJsonObject(1).getValue("diff")).isNull();

    assertThat(api.get("/api/v1/config/versions/fedcba987654").bodyAsJsonObject())
        .isEqualTo(newest);
    error(api.get("/api/v1/config/versions/000000000000"), 404, "not_found");

    JsonObject changes = api.get("/api/v1/services/checkout/changes").bodyAsJsonObject();
    assertThat(changes.getJsonArray("items")).hasSize(1);
    JsonObject event = changes.getJsonArray("items").getJsonObject(0);
    assertThat(event.getString("hash")).isEqualTo("fedcba9876543210fedcba");
    assertThat(event.getJsonArray("changes").getJsonObject(0).getString("line"))
        .startsWith("~ check checkout-api: every ");
    assertThat(api.get("/api/v1/services/catalog/changes").bodyAsJsonObject().getJsonArray("items"))
        .isEmpty();
    // Outside the window asked for: nothing.
    assertThat(
            api.get("/api/v1/services/checkout/changes?to=" + applied)
                .bodyAsJsonObject()
                .getJsonArray("items"))
        .isEmpty();
    error(api.get("/api/v1/services/nope/changes"), 404, "not_found");
  }
}
