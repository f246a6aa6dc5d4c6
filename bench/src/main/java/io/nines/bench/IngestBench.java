package io.nines.bench;

import io.nines.common.TimeSource;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ingest benchmark's load: many simulated agents post result batches to one coordinator over
 * loopback, each agent one batch at a time (as the real shipper does), until a total count or a
 * time limit. Each batch's results are stamped {@code startedAt = now} when the batch is built, so
 * the lag measured (build → acknowledgement) is the coordinator's part of probe → stored: the post,
 * the ingest, the durable write and any queueing behind other agents' batches.
 *
 * <p>Prints one JSON line: results acknowledged ({@code accepted}), duplicates and rejections (both
 * must be 0), failed posts, seconds, results/s and the lag's p50, p99 and max in ms.
 *
 * <p>Usage: {@code IngestBench --url http://127.0.0.1:8080 --token T --agents 50 --batch 500
 * --total 600000 --seconds 40 --checks 100 --location eu [--warmup-seconds 10]}. The fleet of the
 * coordinator must declare location {@code eu} (or the one given) and checks {@code b1..bN}.
 */
public final class IngestBench {
  private final HttpClient client;
  private final RequestOptions request;
  private final String token;
  private final int batch;
  private final int checks;
  private final String location;

  private IngestBench(
      Vertx vertx, URI url, String token, int agents, int batch, int checks, String location) {
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
            new PoolOptions().setHttp1MaxSize(agents));
    this.request =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setHost(url.getHost())
            .setPort(url.getPort())
            .setURI("/api/v1/results");
    this.token = token;
    this.batch = batch;
    this.checks = checks;
    this.location = location;
  }

  /** The counts of one phase. */
  private static final class Tally {
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final AtomicLong claimed = new AtomicLong();
    final List<Long> lagsMicros = new ArrayList<>();
  }

  /** One batch as the agent's JSON, every result stamped {@code startedAt}. */
  private Buffer body(String agent, long firstSeq, Instant startedAt) {
    String at = startedAt.toString();
    StringBuilder json = new StringBuilder(batch * 170 + 64);
    json.append("{\"agent\":\"").append(agent).append("\",\"results\":[");
    for (int i = 0; i < batch; i++) {
      long seq = firstSeq + i;
      if (i > 0) {
        json.append(',');
      }
      json.append("{\"agent\":\"")
          .append(agent)
          .append("\",\"seq\":")
          .append(seq)
          .append(",\"check\":\"b")
          .append(1 + seq % checks)
          .append("\",\"location\":\"")
          .append(location)
          .append("\",\"startedAt\":\"")
          .append(at)
          .append("\",\"durationMillis\":")
          .append(3 + seq % 17)
          .append(",\"ok\":true,\"attempts\":1,\"phases\":{\"connect\":0.4,\"firstByte\":2.1}}");
    }
    return Buffer.buffer(json.append("]}").toString());
  }

  /** One agent: posts its next batch when the last is acknowledged, until the tally is spent. */
  private Future<Void> agent(String id, Tally tally, long total, long deadlineNanos) {
    Promise<Void> done = Promise.promise();
    long[] seq = {1};
    Runnable[] next = new Runnable[1];
    next[0] =
        () -> {
          if (System.nanoTime() > deadlineNanos || tally.claimed.addAndGet(batch) > total) {
            done.complete();
            return;
          }
          long built = System.nanoTime();
          Buffer body = body(id, seq[0], TimeSource.SYSTEM.now());
          client
              .request(new RequestOptions(request).putHeader("Authorization", "Bearer " + token))
              .compose(
                  r ->
                      r.putHeader("Content-Type", "application/json")
                          .send(body)
                          .compose(resp -> resp.body().map(b -> Map.entry(resp.statusCode(), b))))
              .onComplete(
                  ar -> {
                    long lagMicros = (System.nanoTime() - built) / 1000;
                    if (ar.succeeded() && ar.result().getKey() == 200) {
                      JsonObject outcome = new JsonObject(ar.result().getValue());
                      tally.accepted.addAndGet(outcome.getLong("accepted"));
                      tally.duplicates.addAndGet(outcome.getLong("duplicates"));
                      tally.rejected.addAndGet(outcome.getJsonArray("rejected").size());
                      synchronized (tally.lagsMicros) {
                        tally.lagsMicros.add(lagMicros);
                      }
                      seq[0] += batch;
                    } else {
                      tally.failures.incrementAndGet();
                      tally.claimed.addAndGet(-batch);
                      if (tally.failures.get() <= 3) {
                        System.err.println(
                            "post failed: "
                                + (ar.succeeded()
                                    ? ar.result().getKey() + " " + ar.result().getValue()
                                    : ar.cause()));
                      }
                    }
                    next[0].run();
                  });
        };
    next[0].run();
    return done.future();
  }

  private Tally phase(String prefix, int agents, long total, long seconds) throws Exception {
    Tally tally = new Tally();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    List<Future<Void>> all = new ArrayList<>();
    for (int a = 1; a <= agents; a++) {
      all.add(agent(prefix + "-" + a, tally, total, deadline));
    }
    Future.all(all).toCompletionStage().toCompletableFuture().get(seconds + 60, TimeUnit.SECONDS);
    return tally;
  }

  private static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException(
            "argument " + i + " was '" + args[i] + "' but it must be an option such as --agents");
      }
      opt.put(args[i].substring(2), args[i + 1]);
    }
    URI url = URI.create(opt.getOrDefault("url", "http://127.0.0.1:8080"));
    String token = opt.getOrDefault("token", System.getenv("NINES_AGENT_TOKEN"));
    int agents = Integer.parseInt(opt.getOrDefault("agents", "50"));
    int batch = Integer.parseInt(opt.getOrDefault("batch", "500"));
    long total = Long.parseLong(opt.getOrDefault("total", "600000"));
    long seconds = Long.parseLong(opt.getOrDefault("seconds", "40"));
    long warmup = Long.parseLong(opt.getOrDefault("warmup-seconds", "10"));
    int checks = Integer.parseInt(opt.getOrDefault("checks", "100"));
    String location = opt.getOrDefault("location", "eu");
    String run = opt.getOrDefault("run", Long.toString(TimeSource.SYSTEM.wallMillis() % 100_000));

    Vertx vertx = Vertx.vertx();
    try {
      IngestBench bench = new IngestBench(vertx, url, token, agents, batch, checks, location);
      if (warmup > 0) {
        Tally w = bench.phase("warm" + run, agents, Long.MAX_VALUE, warmup);
        System.err.printf("warm-up: %d results in %d s%n", w.accepted.get(), warmup);
      }
      long start = System.nanoTime();
      Tally t = bench.phase("agent" + run, agents, total, seconds);
      double elapsed = (System.nanoTime() - start) / 1e9;
      long[] lags = t.lagsMicros.stream().mapToLong(Long::longValue).toArray();
      Arrays.sort(lags);
      JsonObject out =
          new JsonObject()
              .put("agents", agents)
              .put("batch", batch)
              .put("accepted", t.accepted.get())
              .put("duplicates", t.duplicates.get())
              .put("rejected", t.rejected.get())
              .put("failedPosts", t.failures.get())
              .put("seconds", Math.round(elapsed * 100) / 100.0)
              .put("resultsPerSecond", Math.round(t.accepted.get() / elapsed))
              .put("lagP50Ms", percentile(lags, 0.50) / 1000.0)
              .put("lagP99Ms", percentile(lags, 0.99) / 1000.0)
              .put("lagMaxMs", lags.length == 0 ? 0 : lags[lags.length - 1] / 1000.0);
      System.out.println(out.encode());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
