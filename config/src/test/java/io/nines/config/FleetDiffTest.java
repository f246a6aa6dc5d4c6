package io.nines.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.common.testing.ManualTimeSource;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetDiffTest {
  @TempDir Path tmp;

  private static final String BEFORE =
      """
      locations: [eu-west, us-east]
      vars: {shop: "http://127.0.0.1:8070"}
      teams:
        web: {email: [web@shop.example]}
        ops: {pagerduty: {routing-key: "${env:PD_OPS}"}}
      services:
        shop: {tier: important, owners: [web]}
        old-service: {tier: non-critical, owners: [web]}
      checks:
        - id: shop-home
          service: shop
          every: 30s
          timeout: 5s
          http: {get: "${shop}/", expect: [status == 200]}
        - id: old-one
          service: old-service
          http: {get: "${shop}/old"}
      maintenance:
        - {id: weekly, services: [shop], every: "SUN 02:00", for: 2h}
      """;

  private static final String AFTER =
      """
      locations: [eu-west, us-east, ap-south]
      vars: {shop: "http://127.0.0.1:8071"}
      settings: {retention: {raw: 14d}}
      teams:
        web: {email: [web@shop.example]}
        ops: {pagerduty: {routing-key: "${env:PD_OPS_NEW}"}}
      services:
        shop: {tier: critical, owners: [web, ops]}
        reviews: {tier: non-critical, owners: [web]}
      checks:
        - id: shop-home
          service: shop
          every: 60s
          timeout: 2s
          http: {get: "${shop}/", expect: [status == 200, latency < 1s]}
        - id: reviews-list
          service: reviews
          http: {get: "${shop}/reviews"}
      maintenance:
        - {id: weekly, services: [shop], every: "SUN 03:00", for: 2h}
      """;

  private Fleet load(String name, String yaml) throws IOException, ConfigException {
    Path dir = Files.createDirectories(tmp.resolve(name));
    Files.writeString(dir.resolve("fleet.yaml"), yaml);
    return new FleetLoader(
            new ManualTimeSource(Instant.parse("2026-04-01T00:00:00Z")),
            Map.of(),
            Map.of("PD_OPS", "value-one", "PD_OPS_NEW", "value-two"))
        .load(dir);
  }

  @Test
  void whenTwoFleetsDiffer_thenEveryAddedRemovedAndChangedThingIsALine() throws Exception {
    FleetDiff diff = FleetDiff.between(load("a", BEFORE), load("b", AFTER));

    assertThat(diff.lines())
        .containsExactly(
            "+ location ap-south",
            "~ team ops: pagerduty.routing-key ${env:PD_OPS} -> ${env:PD_OPS_NEW}",
            "~ service shop: tier important -> critical, target 99.9 -> 99.99, owners [web] ->"
                + " [web, ops]",
            "+ service reviews",
            "- service old-service",
            "~ check shop-home: every 30s -> 1m, timeout 5s -> 2s, locations [eu-west, us-east]"
                + " -> [eu-west, us-east, ap-south], http.expect [status == 200] -> [status =="
                + " 200, latency < 1s]",
            "+ check reviews-list",
            "- check old-one",
            "~ maintenance weekly: schedule every SUN 02:00 for 2h (UTC) -> every SUN 03:00 for 2h"
                + " (UTC)",
            "~ var shop: value http://127.0.0.1:8070 -> http://127.0.0.1:8071",
            "~ settings: retention.raw 7d -> 14d");
    assertThat(diff.isEmpty()).isFalse();
  }

  @Test
  void whenTheDiffIsJson_thenItCountsAndListsFieldChangesWithNullsForAbsentValues()
      throws Exception {
    Fleet a = load("a", BEFORE);
    Fleet b = load("b", AFTER);
    JsonObject json = FleetDiff.between(a, b).toJson();

    assertThat(json.getString("from")).isEqualTo(a.version().hash());
    assertThat(json.getString("to")).isEqualTo(b.version().hash());
    assertThat(json.getInteger("added")).isEqualTo(3);
    assertThat(json.getInteger("removed")).isEqualTo(2);
    assertThat(json.getInteger("changed")).isEqualTo(6);
    JsonObject home = json.getJsonArray("changes").getJsonObject(5);
    assertThat(home.getString("op")).isEqualTo("changed");
    assertThat(home.getString("kind")).isEqualTo("check");
    assertThat(home.getString("id")).isEqualTo("shop-home");
    assertThat(home.getJsonArray("fields").getJsonObject(0))
        .isEqualTo(new JsonObject().put("field", "every").put("before", "30s").put("after", "1m"));
    assertThat(json.encode()).doesNotContain("value-one").doesNotContain("value-two");
  }

  @Test
  void whenAFieldAppears_thenItsOldValueIsNone() throws Exception {
    Fleet a = load("a", BEFORE);
    Fleet b =
        load(
            "b",
            BEFORE.replace(
                "shop: {tier: important, owners: [web]}",
                "shop: {tier: important, owners: [web], runbook: \"https://wiki.example/shop\"}"));

    FleetDiff diff = FleetDiff.between(a, b);

    assertThat(diff.lines())
        .containsExactly("~ service shop: runbook (none) -> https://wiki.example/shop");
    assertThat(diff.changes().get(0).fields().get(0).before()).isNull();
  }

  @Test
  void whenAJourneyStepChanges_thenTheFieldNamesTheStep() throws Exception {
    String journey =
        BEFORE.replace(
            "http: {get: \"${shop}/old\"}",
            "journey: [{name: login, post: \"${shop}/login\", json: {user: a}}]");
    Fleet a = load("a", journey);
    Fleet b = load("b", journey.replace("json: {user: a}", "json: {user: b}"));

    assertThat(FleetDiff.between(a, b).lines())
        .containsExactly(
            "~ check old-one: journey.login.json {\"user\":\"a\"} -> {\"user\":\"b\"}");
  }

  @Test
  void whenTheFleetsAreTheSame_thenTheDiffIsEmpty() throws Exception {
    FleetDiff diff = FleetDiff.between(load("a", BEFORE), load("b", BEFORE));

    assertThat(diff.isEmpty()).isTrue();
    assertThat(diff.lines()).isEmpty();
    assertThat(diff.toJson().getJsonArray("changes")).isEmpty();
  }
}
