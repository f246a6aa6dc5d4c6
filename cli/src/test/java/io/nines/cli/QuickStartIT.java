package io.nines.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nines.common.TimeSource;
import io.nines.config.ConfigDirectory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart end to end, in one JVM: the demo shop, a coordinator and three agents, with the
 * ShopSmart example fleet. Intervals are shortened so the test takes seconds, not minutes.
 */
class QuickStartIT {
  @TempDir Path dir;
  private QuickStart stack;
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    if (stack != null) {
      stack.stop();
    }
  }

  /**
   * The example, with every interval at 2 s and every timeout at 1500 ms, and without its browser
   * journey: these agents have no Chromium, so it would leave checkout UNKNOWN.
   */
  private Path fastExample() throws Exception {
    Path example = Path.of("..", "config", "examples", "shopsmart");
    try (Stream<Path> files = Files.list(example)) {
      for (Path f : files.toList()) {
        String yaml =
            Files.readString(f)
                .replaceAll("(?m)^(\\s+)every: \\d+[sm]\\b", "$1every: 2s")
                .replaceAll("timeout: \\d+(ms|s)\\b", "timeout: 1500ms")
                .replaceAll("(?s)\\n  - id: storefront-browser\\n.*?(?=\\n\\n|\\z)", "");
        Files.writeString(dir.resolve(f.getFileName()), yaml);
      }
    }
    return dir;
  }

  private JsonObject get(String path) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(stack.coordinatorUrl() + path))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  private Map<String, String> states() throws Exception {
    JsonArray items = get("/api/v1/services").getJsonArray("items");
    Map<String, String> states = new java.util.TreeMap<>();
    for (int i = 0; i < items.size(); i++) {
      states.put(items.getJsonObject(i).getString("id"), items.getJsonObject(i).getString("state"));
    }
    return states;
  }

  @Test
  void whenACheckIsEditedWhileUp_thenTheAgentsRunTheNewCheckAgainstTheRealShop() throws Exception {
    Path config = fastExample();
    stack =
        new QuickStart(
            new QuickStart.Options(config, "127.0.0.1", 0, 0), TimeSource.SYSTEM, Map.of());
    List<ConfigDirectory.Reload> reloads = new java.util.concurrent.CopyOnWriteArrayList<>();
    stack.onReload(reloads::add);
    stack.start();
    String before = stack.fleet().version().hash();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(catalogResults()).anyMatch(r -> r.getBoolean("ok")));
    // The demo's nightly job pings its heartbeat: a run with its duration.
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () ->
                assertThat(
                        get("/api/v1/checks/nightly-export/results?limit=5")
                            .getJsonArray("items")
                            .stream()
                            .map(JsonObject.class::cast)
                            .toList())
                    .anyMatch(r -> r.getBoolean("ok") && r.getLong("durationMillis") >= 1000));

    // The README's tour: edit a check in the directory `nines up` runs.
    Path checks = config.resolve("checks.yaml");
    String yaml = Files.readString(checks);
    assertThat(yaml).contains("'body.$.items[0].sku == \"A1\"'");
    Files.writeString(
        checks, yaml.replace("'body.$.items[0].sku == \"A1\"'", "'body.$.items[0].sku == \"Z9\"'"));

    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () ->
                assertThat(reloads)
                    .extracting(ConfigDirectory.Reload::outcome)
                    .contains(ConfigDirectory.Outcome.APPLIED));
    assertThat(stack.fleet().version().hash()).isNotEqualTo(before);
    // Every agent fetches it and probes the shop on its real (random) port: the new assertion
    // fails on the body, not on a refused connection.
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () ->
                assertThat(stack.agents())
                    .allSatisfy(
                        a ->
                            assertThat(a.fleet().version().hash())
                                .isEqualTo(stack.fleet().version().hash())));
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () ->
                assertThat(catalogResults())
                    .anyMatch(
                        r ->
                            !r.getBoolean("ok")
                                && r.getJsonObject("failure").getString("message").contains("Z9")));
  }

  private List<JsonObject> catalogResults() throws Exception {
    return get("/api/v1/checks/catalog-list/results?limit=20").getJsonArray("items").stream()
        .map(JsonObject.class::cast)
        .toList();
  }

  @Test
  void whenTheQuickstartRuns_thenServicesShowRealAvailabilityAndAnOutageShows() throws Exception {
    stack =
        new QuickStart(
            new QuickStart.Options(fastExample(), "127.0.0.1", 0, 0), TimeSource.SYSTEM, Map.of());
    stack.start();
    assertThat(stack.agents()).hasSize(3);
    assertThat(get("/health/ready").getString("status")).isEqualTo("UP");

    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              Map<String, String> states = new java.util.HashMap<>(states());
              // storefront's only check is the browser journey, which these agents (no Chromium
              // here, and taken out of the fast copy) do not run: no data, never a figure.
              assertThat(states.remove("storefront")).isEqualTo("UNKNOWN");
              assertThat(states.values()).isNotEmpty().allMatch("UP"::equals);
            });
    JsonObject checkout =
        get("/api/v1/services").getJsonArray("items").stream()
            .map(JsonObject.class::cast)
            .filter(s -> s.getString("id").equals("checkout"))
            .findFirst()
            .orElseThrow();
    assertThat(checkout.getString("tier")).isEqualTo("critical");
    assertThat(checkout.getJsonObject("availability").getDouble("24h")).isBetween(0.0, 1.0);

    // The payment provider goes down: checkout fails from every location.
    HttpResponse<String> fault =
        http.send(
            HttpRequest.newBuilder(URI.create(stack.shopUrl() + "/demo/faults/payments"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"mode\":\"outage\"}"))
                .header("Content-Type", "application/json")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(fault.statusCode()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(states()).containsEntry("checkout", "DOWN"));
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () ->
                assertThat(get("/api/v1/services/checkout/availability").getDouble("downSeconds"))
                    .isPositive());
    JsonObject report = get("/api/v1/services/checkout/availability");
    assertThat(report.getDouble("availability")).isLessThan(1.0);
    assertThat(report.getJsonArray("outages")).isNotEmpty();
    JsonArray results =
        get("/api/v1/checks/checkout-journey/results?limit=5").getJsonArray("items");
    List<JsonObject> failed =
        results.stream().map(JsonObject.class::cast).filter(r -> !r.getBoolean("ok")).toList();
    assertThat(failed).isNotEmpty();
    assertThat(failed.get(0).getJsonObject("failure").getString("step")).isEqualTo("checkout");

    // An incident opens for payments; its owners are paged in the demo inbox, and the teams
    // whose services depend on payments are told.
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () ->
                assertThat(
                        get("/api/v1/incidents?state=open").getJsonArray("items").stream()
                            .map(JsonObject.class::cast)
                            .map(i -> i.getString("service")))
                    .contains("payments"));
    JsonObject incident =
        get("/api/v1/incidents?state=open").getJsonArray("items").stream()
            .map(JsonObject.class::cast)
            .filter(i -> i.getString("service").equals("payments"))
            .findFirst()
            .orElseThrow();
    String id = incident.getString("id");
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () ->
                assertThat(inbox())
                    .anySatisfy(
                        m -> {
                          assertThat(m.getString("team")).isEqualTo("payments");
                          assertThat(m.getString("kind")).isEqualTo("PAGE");
                          assertThat(m.getString("incident")).isEqualTo(id);
                        }));
    String month = java.time.YearMonth.now(java.time.ZoneOffset.UTC).toString();
    Cli monthly = Cli.run("report", "--month", month, "--coordinator", stack.coordinatorUrl());
    assertThat(monthly.exitCode()).as(monthly.err()).isZero();
    assertThat(monthly.out()).contains("Availability report for " + month).contains("payments");
    Cli badMonth = Cli.run("report", "--month", "April", "--coordinator", stack.coordinatorUrl());
    assertThat(badMonth.exitCode()).isEqualTo(2);
    assertThat(badMonth.err()).contains("YYYY-MM");
    Cli list = Cli.run("incident", "list", "--coordinator", stack.coordinatorUrl());
    assertThat(list.exitCode()).as(list.err()).isZero();
    assertThat(list.out()).contains(id).contains("open");
    Cli wrong = Cli.run("incident", "ack", "nope@1", "--coordinator", stack.coordinatorUrl());
    assertThat(wrong.exitCode()).isEqualTo(1);
    assertThat(wrong.err()).contains("no incident 'nope@1'");
    HttpResponse<String> ack =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(stack.coordinatorUrl() + "/api/v1/incidents/" + id + "/ack"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"by\":\"alice\"}"))
                .header("Content-Type", "application/json")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
    Cli again = Cli.run("incident", "ack", id, "--coordinator", stack.coordinatorUrl());
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.err()).contains("already acknowledged");
    JsonObject acked = get("/api/v1/incidents/" + id);
    assertThat(acked.getString("state")).isEqualTo("acknowledged");
    assertThat(acked.getString("acknowledgedBy")).isEqualTo("alice");
    assertThat(acked.getJsonArray("notifications")).isNotEmpty();

    // Recovery: the fault is cleared, the incident resolves and a recovery notice goes out.
    http.send(
        HttpRequest.newBuilder(URI.create(stack.shopUrl() + "/demo/faults/payments"))
            .DELETE()
            .build(),
        HttpResponse.BodyHandlers.ofString());
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () ->
                assertThat(get("/api/v1/incidents/" + id).getString("state"))
                    .isEqualTo("resolved"));
    assertThat(inbox()).anySatisfy(m -> assertThat(m.getString("kind")).isEqualTo("RESOLVE"));
  }

  private List<JsonObject> inbox() throws Exception {
    return get("/api/v1/demo/inbox").getJsonArray("items").stream()
        .map(JsonObject.class::cast)
        .toList();
  }
}
