package io.nines.coordinator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.nines.common.ProbeResult;
import io.nines.common.ResultBatch;
import io.nines.common.testing.ManualTimeSource;
import io.nines.config.DownWhen;
import io.nines.config.Fleet;
import io.nines.config.Tier;
import io.nines.coordinator.Coordinator;
import io.nines.coordinator.CoordinatorOptions;
import io.nines.coordinator.testing.TestCluster;
import io.nines.store.results.Evaluation;
import io.nines.store.results.InMemoryResultStore;
import io.nines.store.testing.TestFleets;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three coordinator members in one JVM, each with its HTTP API, sharing one Hazelcast cluster.
 * Agents (this test) post to any member; the last test kills a member while results flow.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CoordinatorClusterIT {
  static final String TOKEN = "cluster-agent-token-0123";
  static final Instant T0 = Instant.parse("2026-04-10T00:00:00Z");
  static final List<String> LOCATIONS = List.of("eu", "us", "ap");
  static final List<String> AGENTS = List.of("agent-eu", "agent-us", "agent-ap");

  /** The checks the kill test posts to, by service. */
  static final Map<String, List<String>> SERVICES =
      Map.of(
          "checkout", List.of("checkout-journey", "checkout-api"),
          "catalog", List.of("catalog-home", "catalog-search"),
          "reviews", List.of("reviews-list", "reviews-post"));

  static final List<String> CHECKS =
      SERVICES.values().stream().flatMap(List::stream).sorted().toList();

  static final Fleet FLEET = fleet();

  static TestCluster cluster;
  static final List<Coordinator> coordinators = new ArrayList<>();
  static final List<Integer> ports = new ArrayList<>();
  static final ManualTimeSource time = new ManualTimeSource(T0.plus(Duration.ofHours(3)));
  static Vertx agents;
  static WebClient client;

  static Fleet fleet() {
    TestFleets f =
        TestFleets.fleet()
            .service("checkout", Tier.CRITICAL)
            .service("catalog", Tier.IMPORTANT)
            .service("reviews", Tier.NON_CRITICAL)
            .service("lab", Tier.NON_CRITICAL);
    for (Map.Entry<String, List<String>> s : SERVICES.entrySet()) {
      for (String check : s.getValue()) {
        f.check(check, s.getKey(), Duration.ofSeconds(30), LOCATIONS, new DownWhen(2));
      }
    }
    f.check("replayed", "lab", Duration.ofSeconds(30), LOCATIONS, DownWhen.MAJORITY);
    f.check("read-anywhere", "lab", Duration.ofSeconds(30), LOCATIONS, DownWhen.MAJORITY);
    return f.build();
  }

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.start(3);
    for (ClusterMember m : cluster.members()) {
      Coordinator c =
          new Coordinator(
              CoordinatorOptions.builder()
                  .cluster(m)
                  .port(0)
                  .agentTokens(Set.of(TOKEN))
                  .fleet(FLEET)
                  .timeSource(time)
                  .meterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                  .build());
      ports.add(c.start(m.vertx()).await(10, TimeUnit.SECONDS));
      coordinators.add(c);
    }
    agents = Vertx.vertx();
    client = WebClient.create(agents);
  }

  @AfterAll
  static void stop() throws Exception {
    for (Coordinator c : coordinators) {
      c.stop().await(10, TimeUnit.SECONDS);
    }
    if (cluster != null) {
      cluster.close();
    }
    if (agents != null) {
      agents.close().await(10, TimeUnit.SECONDS);
    }
  }

  // ---- what agents do ----

  /** One agent's post: its results of one tick (30 s), one per check. */
  record Job(String agent, int tick, List<ProbeResult> results) {
    JsonObject body() {
      return new ResultBatch(agent, results).toJson();
    }
  }

  /** Whether {@code check} fails at {@code location} on {@code tick}: a fixed pattern. */
  static boolean failing(String check, String location, int tick) {
    return switch (check) {
      // DOWN (2 of 3 fail) for ticks 20-39 before the kill and 70-79 around it.
      case "checkout-journey" ->
          !location.equals("ap") && ((tick >= 20 && tick < 40) || (tick >= 70 && tick < 80));
      // DEGRADED only: one location fails.
      case "catalog-home" -> location.equals("ap") && tick % 7 == 0;
      // Short outages.
      case "reviews-post" -> tick % 25 < 3;
      default -> false;
    };
  }

  static Job job(String agent, int tick) {
    String location = agent.substring("agent-".length());
    List<ProbeResult> results = new ArrayList<>();
    for (int i = 0; i < CHECKS.size(); i++) {
      String check = CHECKS.get(i);
      long seq = (long) tick * CHECKS.size() + i + 1;
      Instant at = T0.plusSeconds(30L * tick);
      results.add(
          failing(check, location, tick)
              ? TestFleets.fail(agent, seq, check, location, at)
              : TestFleets.ok(agent, seq, check, location, at));
    }
    return new Job(agent, tick, results);
  }

  static List<Job> jobs(int fromTick, int toTick) {
    List<Job> out = new ArrayList<>();
    for (int t = fromTick; t < toTick; t++) {
      for (String a : AGENTS) {
        out.add(job(a, t));
      }
    }
    return out;
  }

  static Future<HttpResponse<Buffer>> post(int member, JsonObject body) {
    return client
        .post(ports.get(member), "127.0.0.1", "/api/v1/results")
        .putHeader("Authorization", "Bearer " + TOKEN)
        .timeout(30_000)
        .sendJsonObject(body);
  }

  /**
   * Posts {@code body} to {@code member}, and to the next members in turn until one answers 200, as
   * an agent behind a load balancer does. Gives up after 50 attempts.
   */
  static Future<JsonObject> postUntilAccepted(int member, JsonObject body, int attempt) {
    return post(member, body)
        .compose(
            r ->
                r.statusCode() == 200
                    ? Future.succeededFuture(r.bodyAsJsonObject())
                    : Future.failedFuture("status " + r.statusCode() + ": " + r.bodyAsString()))
        .recover(
            e -> {
              if (attempt >= 50) {
                return Future.failedFuture(e);
              }
              int next = (member + 1) % ports.size();
              if (attempt < 3) {
                return postUntilAccepted(next, body, attempt + 1);
              }
              Promise<JsonObject> later = Promise.promise();
              agents.setTimer(
                  100, id -> postUntilAccepted(next, body, attempt + 1).onComplete(later));
              return later.future();
            });
  }

  /**
   * Sends {@code jobs}, {@code concurrency} at a time, round robin over the members; records each
   * acknowledged job in {@code acked}.
   */
  static Future<Void> sendAll(List<Job> jobs, int concurrency, Set<Job> acked) {
    Promise<Void> done = Promise.promise();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    Runnable[] pump = new Runnable[1];
    pump[0] =
        () -> {
          int i = next.getAndIncrement();
          if (i >= jobs.size()) {
            return;
          }
          Job j = jobs.get(i);
          postUntilAccepted(i % ports.size(), j.body(), 0)
              .onFailure(done::tryFail)
              .onSuccess(
                  outcome -> {
                    int accepted = outcome.getInteger("accepted");
                    int duplicates = outcome.getInteger("duplicates");
                    if (accepted + duplicates != j.results().size()
                        || !outcome.getJsonArray("rejected").isEmpty()) {
                      done.tryFail("unexpected outcome for " + j + ": " + outcome);
                      return;
                    }
                    acked.add(j);
                    if (finished.incrementAndGet() == jobs.size()) {
                      done.tryComplete();
                    } else {
                      pump[0].run();
                    }
                  });
        };
    agents.runOnContext(
        v -> {
          for (int c = 0; c < concurrency; c++) {
            pump[0].run();
          }
        });
    return done.future();
  }

  static JsonObject get(int member, String path) throws Exception {
    HttpResponse<Buffer> r =
        client.get(ports.get(member), "127.0.0.1", path).send().await(30, TimeUnit.SECONDS);
    assertThat(r.statusCode())
        .as("GET %s on member %s: %s", path, member, r.bodyAsString())
        .isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  /** Every result of {@code check} that {@code member} serves, newest first, page by page. */
  static JsonArray allResults(int member, String check) throws Exception {
    JsonArray all = new JsonArray();
    String path = "/api/v1/checks/" + check + "/results?limit=500";
    JsonObject page = get(member, path);
    all.addAll(page.getJsonArray("items"));
    while (page.getString("next") != null) {
      page = get(member, path + "&cursor=" + page.getString("next"));
      all.addAll(page.getJsonArray("items"));
    }
    return all;
  }

  static JsonObject availability(int member, String service, Instant from, Instant to)
      throws Exception {
    return get(member, "/api/v1/services/" + service + "/availability?from=" + from + "&to=" + to);
  }

  static String ownerOf(ClusterMember m, String checkId) {
    return m.hazelcast()
        .getPartitionService()
        .getPartition(checkId)
        .getOwner()
        .getUuid()
        .toString();
  }

  // ---- the tests ----

  @Test
  @Order(0)
  void whenClusterModeIsMisconfigured_thenTheMessageSaysWhatWouldBeRight() {
    ClusterMember m = cluster.member(0);
    CoordinatorOptions.Builder both =
        CoordinatorOptions.builder()
            .cluster(m)
            .store(new InMemoryResultStore())
            .agentTokens(Set.of(TOKEN))
            .fleet(FLEET)
            .meterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    Coordinator onAnotherVertx =
        new Coordinator(
            CoordinatorOptions.builder()
                .cluster(m)
                .agentTokens(Set.of(TOKEN))
                .fleet(FLEET)
                .meterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                .build());

    assertThatThrownBy(both::build)
        .hasMessageContaining("expected: the cluster member's own store in cluster mode");
    assertThatThrownBy(() -> onAnotherVertx.start(agents))
        .hasMessageContaining("expected: start(member.vertx()) in cluster mode");
  }

  @Test
  @Order(1)
  void whenAScreenshotIsPostedToOneMember_thenEveryMemberServesIt() throws Exception {
    byte[] image = io.nines.coordinator.screenshots.TestPngs.png(40, 30, 5);
    ProbeResult plain = TestFleets.fail("agent-eu", 100, "read-anywhere", "eu", T0.plusSeconds(5));
    ProbeResult withShot =
        new ProbeResult(
            plain.agentId(),
            plain.sequence(),
            plain.checkId(),
            plain.location(),
            plain.startedAt(),
            plain.durationMillis(),
            false,
            plain.failure(),
            1,
            plain.phasesMillis(),
            new JsonObject()
                .put(
                    "screenshot",
                    new JsonObject()
                        .put("base64", java.util.Base64.getEncoder().encodeToString(image))));

    HttpResponse<Buffer> posted =
        post(0, new ResultBatch("agent-eu", List.of(withShot)).toJson())
            .await(30, TimeUnit.SECONDS);

    assertThat(posted.statusCode()).as(posted.bodyAsString()).isEqualTo(200);
    String id = io.nines.coordinator.screenshots.Screenshots.contentId(image);
    for (int member : List.of(0, 1, 2)) {
      HttpResponse<Buffer> served =
          client
              .get(ports.get(member), "127.0.0.1", "/api/v1/screenshots/" + id)
              .send()
              .await(30, TimeUnit.SECONDS);
      assertThat(served.statusCode()).as("member %s", member).isEqualTo(200);
      assertThat(served.body().getBytes()).isEqualTo(image);
    }
  }

  @Test
  @Order(1)
  void whenResultsArePostedToOneMember_thenAnyOtherMemberServesThemAtOnce() throws Exception {
    List<ProbeResult> results =
        List.of(
            TestFleets.ok("agent-eu", 1, "read-anywhere", "eu", T0),
            TestFleets.fail("agent-eu", 2, "read-anywhere", "eu", T0.plusSeconds(30)));

    HttpResponse<Buffer> posted =
        post(0, new ResultBatch("agent-eu", results).toJson()).await(30, TimeUnit.SECONDS);

    assertThat(posted.statusCode()).isEqualTo(200);
    assertThat(posted.bodyAsJsonObject().getInteger("accepted")).isEqualTo(2);
    for (int member : List.of(1, 2)) {
      JsonArray items = get(member, "/api/v1/checks/read-anywhere/results").getJsonArray("items");
      assertThat(items.stream().map(o -> ((JsonObject) o).getString("id")))
          .as("read on member %s", member)
          .containsExactly("agent-eu/2", "agent-eu/1");
    }
    ClusterMember reader = cluster.member(2);
    Evaluation e =
        reader.store().evaluation("read-anywhere").await(10, TimeUnit.SECONDS).orElseThrow();
    assertThat(e.count()).isEqualTo(1);
    assertThat(e.member()).isEqualTo(ownerOf(reader, "read-anywhere"));
    assertThat(get(2, "/health/ready").getJsonObject("cluster").getInteger("members")).isEqualTo(3);
  }

  @Test
  @Order(2)
  void whenAnAdHocWindowIsCreatedOrDeletedThroughOneMember_thenEveryMemberSeesIt()
      throws Exception {
    // Far ahead, so that it changes no availability the other tests compute.
    Instant from = time.now().plus(Duration.ofDays(200));
    HttpResponse<Buffer> created =
        client
            .post(ports.get(0), "127.0.0.1", "/api/v1/maintenance")
            .sendJsonObject(
                new JsonObject()
                    .put("services", new JsonArray().add("lab"))
                    .put("from", from.toString())
                    .put("to", from.plus(Duration.ofHours(1)).toString()))
            .await(30, TimeUnit.SECONDS);
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    String id = created.bodyAsJsonObject().getString("id");
    for (int member : List.of(1, 2)) {
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> adHocIds(member).contains(id));
    }
    HttpResponse<Buffer> deleted =
        client
            .delete(ports.get(2), "127.0.0.1", "/api/v1/maintenance/" + id)
            .send()
            .await(30, TimeUnit.SECONDS);
    assertThat(deleted.statusCode()).as(deleted.bodyAsString()).isEqualTo(200);
    for (int member : List.of(0, 1)) {
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !adHocIds(member).contains(id));
    }
  }

  static Set<String> adHocIds(int member) throws Exception {
    Set<String> ids = new HashSet<>();
    get(member, "/api/v1/maintenance?service=lab")
        .getJsonArray("items")
        .forEach(w -> ids.add(((JsonObject) w).getString("id")));
    return ids;
  }

  @Test
  @Order(2)
  void whenBatchesAreReplayedThroughOtherMembers_thenNothingChanges() throws Exception {
    List<JsonObject> batches = new ArrayList<>();
    for (int tick = 0; tick < 20; tick++) {
      String agent = AGENTS.get(tick % 3);
      String location = LOCATIONS.get(tick % 3);
      ProbeResult r =
          tick % 4 == 0
              ? TestFleets.fail(agent, tick + 1, "replayed", location, T0.plusSeconds(30L * tick))
              : TestFleets.ok(agent, tick + 1, "replayed", location, T0.plusSeconds(30L * tick));
      batches.add(new ResultBatch(agent, List.of(r)).toJson());
    }
    long evaluationsBefore = evaluationsOnAllMembers();
    for (JsonObject b : batches) {
      assertThat(post(0, b).await(30, TimeUnit.SECONDS).bodyAsJsonObject().getInteger("accepted"))
          .isEqualTo(1);
    }
    JsonArray results = allResults(0, "replayed");
    JsonObject checks = get(0, "/api/v1/checks");
    Evaluation evaluation =
        cluster.member(0).store().evaluation("replayed").await(10, TimeUnit.SECONDS).orElseThrow();
    long size = cluster.member(0).store().size().await(10, TimeUnit.SECONDS);
    long evaluationsAfterFirst = evaluationsOnAllMembers();

    List<Future<HttpResponse<Buffer>>> replays = new ArrayList<>();
    for (int i = 0; i < batches.size(); i++) {
      replays.add(post(1 + i % 2, batches.get(i)));
      replays.add(post(2 - i % 2, batches.get(i)));
    }
    for (Future<HttpResponse<Buffer>> f : replays) {
      JsonObject outcome = f.await(30, TimeUnit.SECONDS).bodyAsJsonObject();
      assertThat(outcome)
          .isEqualTo(
              new JsonObject()
                  .put("accepted", 0)
                  .put("duplicates", 1)
                  .put("rejected", new JsonArray()));
    }

    assertThat(evaluation.count()).isEqualTo(20);
    assertThat(evaluationsAfterFirst - evaluationsBefore)
        .as("one evaluation per batch, on the owner only (backups replay, never evaluate)")
        .isEqualTo(20);
    assertThat(evaluationsOnAllMembers())
        .as("replays evaluate nothing")
        .isEqualTo(evaluationsAfterFirst);
    assertThat(allResults(2, "replayed")).isEqualTo(results);
    assertThat(get(1, "/api/v1/checks")).isEqualTo(checks);
    assertThat(cluster.member(2).store().evaluation("replayed").await(10, TimeUnit.SECONDS))
        .contains(evaluation);
    assertThat(cluster.member(1).store().size().await(10, TimeUnit.SECONDS)).isEqualTo(size);
  }

  static long evaluationsOnAllMembers() {
    long n = 0;
    for (ClusterMember m : cluster.members()) {
      n += m.evaluationsOnThisMember();
    }
    return n;
  }

  @Test
  @Order(3)
  void whenAMemberIsKilledWhileResultsFlow_thenNothingIsLostAndAvailabilityIsUnchanged()
      throws Exception {
    Set<Job> acked = ConcurrentHashMap.newKeySet();
    // Before the kill: 30 minutes of results (60 ticks, 180 posts).
    sendAll(jobs(0, 60), 6, acked).await(60, TimeUnit.SECONDS);
    Instant earlyEnd = T0.plus(Duration.ofMinutes(30));
    Map<String, JsonObject> before = new HashMap<>();
    for (String service : SERVICES.keySet()) {
      before.put(service, availability(0, service, T0, earlyEnd));
    }
    assertThat(before.get("checkout").getDouble("downSeconds")).isEqualTo(600.0);

    // The next 30 minutes flow while member 2 dies, as a crash: no goodbye, no hand-over.
    sendAll(jobs(60, 75), 6, acked).await(60, TimeUnit.SECONDS);
    Future<Void> flowing = sendAll(jobs(75, 120), 6, acked);
    ClusterMember dead = cluster.member(2);
    String deadId = dead.memberId();
    TestCluster.kill(dead);
    int ackedAtKill = acked.size();
    flowing.await(60, TimeUnit.SECONDS);

    assertThat(ackedAtKill).as("results were still flowing when the member died").isLessThan(360);
    assertThat(acked).hasSize(360);
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> cluster.member(0).memberCount() == 2);

    // Zero lost, no duplicates: every acknowledged result is served once, by either survivor.
    Map<String, Set<String>> expected = new HashMap<>();
    for (Job j : acked) {
      for (ProbeResult r : j.results()) {
        expected.computeIfAbsent(r.checkId(), c -> new HashSet<>()).add(r.id());
      }
    }
    for (int member : List.of(0, 1)) {
      for (String check : CHECKS) {
        List<String> ids =
            allResults(member, check).stream().map(o -> ((JsonObject) o).getString("id")).toList();
        assertThat(ids).as("%s on member %s", check, member).doesNotHaveDuplicates();
        assertThat(new HashSet<>(ids))
            .as("%s on member %s", check, member)
            .isEqualTo(expected.get(check));
      }
    }

    // The same figures as before the kill, on both survivors.
    for (int member : List.of(0, 1)) {
      for (String service : SERVICES.keySet()) {
        JsonObject after = availability(member, service, T0, earlyEnd);
        // The month's budget runs to now, so it has seen the later results too; compare the rest.
        for (JsonObject o : List.of(after, before.get(service))) {
          o.remove("budget");
          o.remove("budgetLeftSeconds");
        }
        assertThat(after).as("%s on member %s", service, member).isEqualTo(before.get(service));
      }
    }

    // Exactly one evaluation per check per applied batch (3 agents x 120 ticks), kept by the
    // member that now owns the check.
    for (String check : CHECKS) {
      Evaluation e =
          cluster.member(1).store().evaluation(check).await(10, TimeUnit.SECONDS).orElseThrow();
      assertThat(e.count()).as("evaluations of %s", check).isEqualTo(360);
      assertThat(e.member()).isEqualTo(ownerOf(cluster.member(0), check)).isNotEqualTo(deadId);
    }

    assertSameAsASingleProcess(acked);
  }

  /**
   * The survivors answer exactly what a single-process coordinator fed the same results answers,
   * over the whole 60 minutes.
   */
  void assertSameAsASingleProcess(Set<Job> acked) throws Exception {
    Coordinator single =
        new Coordinator(
            CoordinatorOptions.builder()
                .port(0)
                .agentTokens(Set.of(TOKEN))
                .fleet(FLEET)
                .timeSource(time)
                .meterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
                .build());
    int port = single.start(agents).await(10, TimeUnit.SECONDS);
    try {
      for (Job j : acked) {
        HttpResponse<Buffer> r =
            client
                .post(port, "127.0.0.1", "/api/v1/results")
                .putHeader("Authorization", "Bearer " + TOKEN)
                .sendJsonObject(j.body())
                .await(10, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
      }
      Instant end = T0.plus(Duration.ofMinutes(60));
      for (String service : SERVICES.keySet()) {
        JsonObject reference =
            client
                .get(
                    port,
                    "127.0.0.1",
                    "/api/v1/services/" + service + "/availability?from=" + T0 + "&to=" + end)
                .send()
                .await(10, TimeUnit.SECONDS)
                .bodyAsJsonObject();
        assertThat(availability(1, service, T0, end)).as(service).isEqualTo(reference);
      }
    } finally {
      single.stop().await(10, TimeUnit.SECONDS);
    }
  }
}
