package io.nines.coordinator.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.nines.common.ProbeResult;
import io.nines.common.ResultBatch;
import io.nines.config.DownWhen;
import io.nines.config.Tier;
import io.nines.store.testing.TestFleets;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A check's life, end to end on a manual clock: the coordinator applies its configuration at {@link
 * ApiFixture#T0} (a Friday, 2026-04-10), so the catalog's weekly Sunday maintenance on 5 April and
 * every week before lies outside every check's life.
 */
@ExtendWith(VertxExtension.class)
class CheckLifeApiTest {
  final ApiFixture api = new ApiFixture();

  @AfterEach
  void stop() throws Exception {
    api.stop();
  }

  private JsonObject service(String id) throws Exception {
    HttpResponse<Buffer> r = api.get("/api/v1/services?limit=100");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    for (Object o : r.bodyAsJsonObject().getJsonArray("items")) {
      JsonObject s = (JsonObject) o;
      if (s.getString("id").equals(id)) {
        return s;
      }
    }
    throw new AssertionError("no service " + id + " in " + r.bodyAsString());
  }

  @Test
  void whenTheConfigIsFirstAppliedNowWithAWeeklyWindowInThePast_thenNoDowntimeFullBudgetAndNoNotice(
      Vertx vertx) throws Exception {
    api.start(vertx, b -> b, Set.of());
    for (int i = 0; i < 3; i++) {
      for (String check : List.of("catalog-home", "checkout-journey", "checkout-api")) {
        api.result(check, true);
      }
      api.time.advance(Duration.ofSeconds(20));
    }

    JsonObject catalog = service("catalog");
    for (String w : List.of("24h", "7d", "30d", "90d")) {
      assertThat(catalog.getJsonObject("availability").getDouble(w)).as(w).isEqualTo(1.0);
      assertThat(catalog.getJsonObject("observedSeconds").getDouble(w)).as(w).isEqualTo(60.0);
    }
    assertThat(catalog.getJsonObject("coverage").getDouble("7d"))
        .isCloseTo(60.0 / (7 * 86_400), within(1e-12));
    assertThat(catalog.getString("observedFrom")).isEqualTo(ApiFixture.T0.toString());
    assertThat(catalog.getString("unknownPolicy")).isEqualTo("up");
    JsonObject budget = catalog.getJsonObject("budget");
    assertThat(budget.getDouble("spentSeconds")).isZero();
    // 99.9% of the 21 days from 10 April to the month's end: 1814.4 s, all of it left.
    assertThat(budget.getDouble("allowedSeconds")).isEqualTo(1814.4);
    assertThat(budget.getDouble("leftSeconds")).isEqualTo(1814.4);
    assertThat(budget.getString("from")).isEqualTo(ApiFixture.T0.toString());

    JsonObject report =
        api.get("/api/v1/services/catalog/availability?from=2026-04-01T00:00:00Z")
            .bodyAsJsonObject();
    assertThat(report.getDouble("downSeconds")).isZero();
    assertThat(report.getDouble("maintenanceSeconds")).isZero();
    assertThat(report.getDouble("availability")).isEqualTo(1.0);
    assertThat(report.getDouble("observedSeconds")).isEqualTo(60.0);
    assertThat(report.getJsonArray("maintenance")).isEmpty();

    ApiFixture.await(api.coordinator.alerting().runOnce());
    assertThat(api.inbox.messages()).isEmpty();
  }

  @Test
  void whenAServiceWasObservedFor3DaysOfA30DayWindow_thenCoverageIsATenthAndTheFigureIsItsOwn(
      Vertx vertx) throws Exception {
    api.fleet.set(
        TestFleets.fleet()
            .service("web", Tier.IMPORTANT)
            .check("web-home", "web", Duration.ofHours(1), List.of("eu"), DownWhen.MAJORITY)
            .build());
    api.start(vertx, b -> b, Set.of());
    Instant born = api.time.now();
    api.time.advance(Duration.ofDays(3));
    List<ProbeResult> results = new ArrayList<>();
    for (int h = 0; h < 72; h++) {
      Instant at = born.plus(Duration.ofHours(h));
      results.add(
          h == 30
              ? TestFleets.fail("a1", h + 1, "web-home", "eu", at)
              : TestFleets.ok("a1", h + 1, "web-home", "eu", at));
    }
    HttpResponse<Buffer> posted =
        api.post("/api/v1/results", new ResultBatch("a1", results).toJson(), ApiFixture.AGENT);
    assertThat(posted.statusCode()).as(posted.bodyAsString()).isEqualTo(200);

    Instant now = api.time.now();
    JsonObject r =
        api.get(
                "/api/v1/services/web/availability?from="
                    + now.minus(Duration.ofDays(30))
                    + "&to="
                    + now)
            .bodyAsJsonObject();

    assertThat(r.getDouble("coverage")).isCloseTo(0.1, within(1e-12));
    assertThat(r.getDouble("observedSeconds")).isEqualTo(3 * 86_400.0);
    assertThat(r.getDouble("totalSeconds")).isEqualTo(30 * 86_400.0);
    assertThat(r.getDouble("downSeconds")).isEqualTo(3600.0);
    assertThat(r.getDouble("availability")).isCloseTo(1 - 1.0 / 72, within(1e-12));
    assertThat(r.getBoolean("noData")).isFalse();
  }

  @Test
  void whenAMonthBeforeAServiceExistedIsReported_thenItSaysNoDataNotMet(Vertx vertx)
      throws Exception {
    api.start(vertx, b -> b, Set.of());
    api.result("catalog-home", true);
    api.time.advance(Duration.ofMinutes(1));

    JsonObject report = api.get("/api/v1/reports/monthly?month=2026-03").bodyAsJsonObject();

    assertThat(report.getJsonArray("services")).isNotEmpty();
    for (Object o : report.getJsonArray("services")) {
      JsonObject s = (JsonObject) o;
      assertThat(s.getBoolean("noData")).as(s.encode()).isTrue();
      assertThat(s.getValue("availability")).as(s.encode()).isNull();
      assertThat(s.getValue("percent")).isNull();
      assertThat(s.getValue("nines")).isNull();
      assertThat(s.getValue("met")).isNull();
      assertThat(s.getDouble("coverage")).isZero();
    }
    String csv = api.get("/api/v1/reports/monthly?month=2026-03&format=csv").bodyAsString();
    assertThat(csv.lines().skip(1)).allSatisfy(line -> assertThat(line).contains(",no data,"));
  }

  @Test
  void whenAServiceHasNoData_thenTheStatusPageAndDashboardSaySoNever100Percent(Vertx vertx)
      throws Exception {
    api.start(vertx, b -> b, Set.of());
    api.result("catalog-home", true);
    api.time.advance(Duration.ofMinutes(1));

    JsonObject status = api.get("/api/v1/status").bodyAsJsonObject();
    JsonObject checkout = null;
    JsonObject catalog = null;
    for (Object o : status.getJsonArray("services")) {
      JsonObject s = (JsonObject) o;
      if (s.getString("name").equals("checkout")) {
        checkout = s;
      } else if (s.getString("name").equals("catalog")) {
        catalog = s;
      }
    }
    assertThat(checkout).isNotNull();
    assertThat(checkout.getValue("availability")).as(checkout.encode()).isNull();
    assertThat(checkout.getBoolean("noData")).isTrue();
    assertThat(catalog.getDouble("availability")).isEqualTo(1.0);
    assertThat(catalog.getDouble("observedSeconds")).isEqualTo(60.0);
    assertThat(catalog.getDouble("coverage")).isLessThan(0.001);

    JsonObject checkoutRow = service("checkout");
    assertThat(checkoutRow.getJsonObject("availability").getValue("30d")).isNull();
    assertThat(checkoutRow.getJsonObject("nines").getValue("30d")).isNull();
  }
}
