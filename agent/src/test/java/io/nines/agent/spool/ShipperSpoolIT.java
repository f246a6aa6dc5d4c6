package io.nines.agent.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nines.agent.ship.CoordinatorClient;
import io.nines.agent.ship.Shipper;
import io.nines.agent.ship.ShipperOptions;
import io.nines.common.ProbeResult;
import io.nines.common.ResultBatch;
import io.nines.common.TimeSource;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A shipper and its spool against a real HTTP server on port 0 that plays a coordinator which goes
 * away (503, then not listening at all) and comes back, and against a crash in the middle of a
 * replay. The receiver dedupes by {@code (agent, sequence)} as the coordinator does.
 */
class ShipperSpoolIT {
  private static final String AGENT = "eu-west-1";

  @TempDir Path dir;
  private Vertx vertx;
  private Receiver receiver;
  private final List<Shipper> shippers = new ArrayList<>();

  /** The coordinator's ingest, reduced to what delivery needs. */
  private final class Receiver {
    final List<Long> firstArrivals = Collections.synchronizedList(new ArrayList<>());
    final Set<Long> seen = Collections.synchronizedSet(new HashSet<>());
    final AtomicInteger duplicates = new AtomicInteger();
    final AtomicInteger batches = new AtomicInteger();
    final AtomicLong droppedReported = new AtomicLong();
    volatile boolean unavailable;
    volatile long delayMillis;
    int port;
    HttpServer server;

    Future<HttpServer> listen(int port) {
      return vertx
          .createHttpServer()
          .requestHandler(
              req ->
                  req.body()
                      .onSuccess(
                          body -> {
                            if (unavailable) {
                              req.response().setStatusCode(503).end("{\"error\":\"not_ready\"}");
                              return;
                            }
                            ResultBatch batch = ResultBatch.fromJson(body.toJsonObject());
                            int accepted = 0;
                            for (ProbeResult r : batch.results()) {
                              if (seen.add(r.sequence())) {
                                firstArrivals.add(r.sequence());
                                accepted++;
                              } else {
                                duplicates.incrementAndGet();
                              }
                            }
                            batches.incrementAndGet();
                            droppedReported.addAndGet(batch.dropped());
                            String answer =
                                new JsonObject()
                                    .put("accepted", accepted)
                                    .put("duplicates", batch.results().size() - accepted)
                                    .put("rejected", 0)
                                    .encode();
                            if (delayMillis > 0) {
                              vertx.setTimer(delayMillis, t -> req.response().end(answer));
                            } else {
                              req.response().end(answer);
                            }
                          }))
          .listen(port, "127.0.0.1")
          .onSuccess(
              s -> {
                server = s;
                this.port = s.actualPort();
              });
    }
  }

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    receiver = new Receiver();
    get(receiver.listen(0));
  }

  @AfterEach
  void stop() throws Exception {
    for (Shipper s : shippers) {
      s.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static ProbeResult result(long seq) {
    return new ProbeResult(
        AGENT,
        seq,
        "shop-home",
        "eu-west",
        Instant.parse("2026-04-01T00:00:00Z").plusSeconds(seq),
        12,
        true,
        null,
        1,
        Map.of("total", 12.0),
        null);
  }

  private ResultSpool openSpool(MeterRegistry registry) throws Exception {
    return get(ResultSpool.open(vertx, SpoolOptions.defaults(dir), TimeSource.SYSTEM, registry));
  }

  private Shipper shipper(ResultSpool spool, MeterRegistry registry) {
    CoordinatorClient client =
        new CoordinatorClient(
            vertx, List.of("http://127.0.0.1:" + receiver.port), "agent-token", 2_000);
    Shipper shipper =
        new Shipper(
            vertx,
            AGENT,
            client,
            spool,
            ShipperOptions.defaults(50, 10_000, 20).withBackoff(10, 200).withBreaker(3, 300),
            registry);
    shippers.add(shipper);
    return shipper;
  }

  private static void offer(Shipper shipper, long from, long toInclusive) {
    for (long seq = from; seq <= toInclusive; seq++) {
      shipper.offer(result(seq));
    }
  }

  private static List<Long> oneTo(long n) {
    return LongStream.rangeClosed(1, n).boxed().toList();
  }

  private static double gauge(MeterRegistry registry, String name) {
    return registry.get(name).gauge().value();
  }

  @Test
  void whenMoreResultsAreAppendedThanTheSpoolRemembers_thenEveryOneReadsBackEqualInOrder()
      throws Exception {
    ResultSpool spool = openSpool(new SimpleMeterRegistry());
    int n = ResultSpool.MAX_REMEMBERED + 100;
    List<ProbeResult> appended = new ArrayList<>();
    for (long seq = 1; seq <= n; seq++) {
      appended.add(result(seq));
    }
    get(spool.append(appended.subList(0, 100)));
    get(spool.append(appended.subList(100, n)));

    List<ProbeResult> read = new ArrayList<>();
    while (read.size() < n) {
      ResultSpool.Batch batch = get(spool.read(1000));
      assertThat(batch.results()).isNotEmpty();
      read.addAll(batch.results());
      get(spool.ack(batch));
    }

    // The oldest 100 were evicted from memory and decoded from their records; the rest not.
    assertThat(read).isEqualTo(appended);
    get(spool.close());
  }

  @Test
  void whenABatchIsReadAgainBeforeItsAck_thenItHoldsTheAppendedResultsNotDecodedCopies()
      throws Exception {
    ResultSpool spool = openSpool(new SimpleMeterRegistry());
    List<ProbeResult> appended = new ArrayList<>();
    for (long seq = 1; seq <= 10; seq++) {
      appended.add(result(seq));
    }
    get(spool.append(appended.subList(0, 4)));
    get(spool.append(appended.subList(4, 10)));

    ResultSpool.Batch first = get(spool.read(6));
    // A post failed, say: the same records are read again, and still found in memory.
    ResultSpool.Batch again = get(spool.read(6));
    for (int i = 0; i < 6; i++) {
      assertThat(first.results().get(i)).isSameAs(appended.get(i));
      assertThat(again.results().get(i)).isSameAs(appended.get(i));
    }
    get(spool.ack(again));
    ResultSpool.Batch rest = get(spool.read(100));
    assertThat(rest.results()).hasSize(4);
    for (int i = 0; i < 4; i++) {
      assertThat(rest.results().get(i)).isSameAs(appended.get(6 + i));
    }
    get(spool.close());

    // Another process (a restart) decodes the records it did not write: equal, not the same.
    ResultSpool reopened = openSpool(new SimpleMeterRegistry());
    ResultSpool.Batch decoded = get(reopened.read(100));
    assertThat(decoded.results()).isEqualTo(appended.subList(6, 10));
    assertThat(decoded.results().get(0)).isNotSameAs(appended.get(6));
    get(reopened.close());
  }

  @Test
  void whenTheCoordinatorIsAwayForAWhile_thenEveryResultArrivesOnceInOrder() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    Shipper shipper = shipper(openSpool(registry), registry);

    offer(shipper, 1, 100);
    await().atMost(Duration.ofSeconds(10)).until(() -> receiver.seen.size() == 100);

    // Up but refusing: 503 until the breaker opens.
    receiver.unavailable = true;
    offer(shipper, 101, 250);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> gauge(registry, "nines.shipper.circuit") == 1.0);

    // Gone: nothing listens on its port.
    int port = receiver.port;
    get(receiver.server.close());
    offer(shipper, 251, 400);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> gauge(registry, "nines.spool.pending") == 300.0);
    double failuresWhileAway = registry.get("nines.shipper.failures").counter().count();
    assertThat(failuresWhileAway).isGreaterThanOrEqualTo(3);

    // Back, on the same address.
    receiver.unavailable = false;
    get(receiver.listen(port));
    offer(shipper, 401, 600);
    await().atMost(Duration.ofSeconds(20)).until(() -> receiver.seen.size() == 600);

    assertThat(receiver.firstArrivals).isEqualTo(oneTo(600));
    assertThat(receiver.duplicates.get()).isZero();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> gauge(registry, "nines.spool.pending") == 0.0);
    assertThat(gauge(registry, "nines.shipper.circuit")).isEqualTo(0.0);
    assertThat(registry.get("nines.shipper.shipped").counter().count()).isEqualTo(600.0);
    assertThat(registry.get("nines.spool.dropped").counter().count()).isZero();
  }

  @Test
  void whenTheAgentDiesMidReplay_thenARestartDeliversEveryResultAtLeastOnce() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    ResultSpool spool = openSpool(registry);
    Shipper shipper = shipper(spool, registry);
    receiver.unavailable = true;
    offer(shipper, 1, 500);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> gauge(registry, "nines.spool.pending") == 500.0);

    // The coordinator comes back, slowly; the agent dies after a few batches of the replay.
    receiver.delayMillis = 50;
    receiver.unavailable = false;
    shipper.flush();
    await().atMost(Duration.ofSeconds(10)).until(() -> receiver.batches.get() >= 3);
    get(spool.abandon());
    get(shipper.stop());
    shippers.remove(shipper);
    int deliveredBeforeCrash = receiver.seen.size();
    assertThat(deliveredBeforeCrash).isBetween(150, 499);

    MeterRegistry registry2 = new SimpleMeterRegistry();
    Shipper restarted = shipper(openSpool(registry2), registry2);
    restarted.flush();
    await().atMost(Duration.ofSeconds(20)).until(() -> receiver.seen.size() == 500);

    // Exactly once after dedupe by (agent, sequence), in order, no gap.
    assertThat(receiver.firstArrivals).isEqualTo(oneTo(500));
    // The batch in flight at the crash may come twice; nothing more.
    assertThat(receiver.duplicates.get()).isLessThanOrEqualTo(50);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> gauge(registry2, "nines.spool.pending") == 0.0);
  }

  @Test
  void whenTheSpoolOverflowsWhileAway_thenTheDropIsReportedWithTheNextBatch() throws Exception {
    MeterRegistry registry = new SimpleMeterRegistry();
    ResultSpool spool =
        get(
            ResultSpool.open(
                vertx,
                new SpoolOptions(dir, 64 * 1024, 16 * 1024, 0),
                TimeSource.SYSTEM,
                registry));
    Shipper shipper = shipper(spool, registry);
    receiver.unavailable = true;
    offer(shipper, 1, 2_000);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                gauge(registry, "nines.spool.pending")
                        + registry.get("nines.spool.dropped").counter().count()
                    == 2_000.0);
    long droppedFromDisk = (long) registry.get("nines.spool.dropped").counter().count();
    assertThat(droppedFromDisk).isGreaterThan(1_000);

    receiver.unavailable = false;
    shipper.flush();
    // The coordinator learns exactly how many results it will never see. (A batch in flight when
    // its segment was dropped may still arrive: then it is not reported as dropped.)
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> receiver.seen.size() + receiver.droppedReported.get() == 2_000);
    assertThat(receiver.droppedReported.get())
        .isLessThanOrEqualTo(droppedFromDisk)
        .isGreaterThanOrEqualTo(droppedFromDisk - 50);
    // What arrived is contiguous up to the newest, except a batch in flight while dropped.
    List<Long> arrived = receiver.firstArrivals;
    assertThat(arrived).isSorted().endsWith(2_000L);
    assertThat(arrived)
        .containsAll(LongStream.rangeClosed(droppedFromDisk + 1, 2_000).boxed().toList());
  }
}
