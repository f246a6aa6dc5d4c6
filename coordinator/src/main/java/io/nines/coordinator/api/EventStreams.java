package io.nines.coordinator.api;

import io.nines.config.Check;
import io.nines.config.Fleet;
import io.nines.store.results.Evaluation;
import io.nines.store.results.ResultStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Server-sent event streams of service snapshots ({@code GET /api/v1/events}).
 *
 * <p>One timer serves every stream, and runs only while at least one is open. Each tick (every
 * {@link #TICK_MILLIS}) reads each check's last evaluation, which is cheap; when a state changed,
 * or every {@link #SNAPSHOT_EVERY_TICKS} ticks anyway, one snapshot is computed and written to
 * every stream. So a check going DOWN reaches browsers within about a second, and the snapshot's
 * availability figures stay fresh within a few. At most {@code maxStreams} streams are open at
 * once; a closed connection leaves the set at once.
 *
 * <p>Thread-safety: streams may open and close on any event loop; the timer and the snapshot run on
 * the context that opened the first stream.
 */
final class EventStreams {
  private static final Logger LOG = Logger.getLogger(EventStreams.class.getName());

  static final long TICK_MILLIS = 1000;
  static final int SNAPSHOT_EVERY_TICKS = 5;

  private final Vertx vertx;
  private final Supplier<Fleet> fleet;
  private final ResultStore store;
  private final Supplier<Future<JsonObject>> snapshot;
  private final int maxStreams;
  private final Set<HttpServerResponse> streams = ConcurrentHashMap.newKeySet();
  private long timerId = -1;
  private long ticks;
  private String lastFingerprint = "";
  private boolean computing;
  private boolean again;

  /**
   * @param snapshot computes the {@code services} event's JSON; called at most once at a time
   */
  EventStreams(
      Vertx vertx,
      Supplier<Fleet> fleet,
      ResultStore store,
      Supplier<Future<JsonObject>> snapshot,
      int maxStreams) {
    this.vertx = vertx;
    this.fleet = fleet;
    this.store = store;
    this.snapshot = snapshot;
    this.maxStreams = maxStreams;
  }

  /** How many streams are open now. */
  int open() {
    return streams.size();
  }

  /**
   * Takes over {@code response} as an event stream and sends it a first snapshot at once.
   *
   * @return false, having written nothing, when {@code maxStreams} streams are already open
   */
  synchronized boolean add(HttpServerResponse response) {
    if (streams.size() >= maxStreams) {
      return false;
    }
    response
        .setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    // Browsers reconnect by themselves; this says after how long.
    response.write("retry: 3000\n\n");
    streams.add(response);
    response.closeHandler(v -> remove(response));
    response.exceptionHandler(e -> remove(response));
    if (timerId < 0) {
      timerId = vertx.setPeriodic(TICK_MILLIS, id -> tick());
    }
    push();
    return true;
  }

  private synchronized void remove(HttpServerResponse response) {
    streams.remove(response);
    if (streams.isEmpty() && timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
  }

  /** Ends every stream and stops the timer. */
  synchronized void closeAll() {
    for (HttpServerResponse r : List.copyOf(streams)) {
      if (!r.ended() && !r.closed()) {
        r.end();
      }
    }
    streams.clear();
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
  }

  private void tick() {
    ticks++;
    if (ticks % SNAPSHOT_EVERY_TICKS == 0) {
      push();
      return;
    }
    fingerprint()
        .onSuccess(
            f -> {
              if (!f.equals(lastFingerprint)) {
                lastFingerprint = f;
                push();
              }
            });
  }

  /** The fleet's version and every check's evaluated state, as one string to compare. */
  private Future<String> fingerprint() {
    Fleet f = fleet.get();
    if (f == null) {
      return Future.succeededFuture("");
    }
    List<Check> checks = f.checks();
    List<Future<Optional<Evaluation>>> reads = new ArrayList<>(checks.size());
    for (Check c : checks) {
      reads.add(store.evaluation(c.id()));
    }
    return Future.all(reads)
        .map(
            all -> {
              StringBuilder b = new StringBuilder(f.version() == null ? "" : f.version().hash());
              for (int i = 0; i < checks.size(); i++) {
                b.append('|').append(checks.get(i).id()).append('=');
                reads.get(i).result().ifPresent(e -> b.append(e.state()));
              }
              return b.toString();
            });
  }

  /** Computes one snapshot and writes it to every stream; coalesces calls made meanwhile. */
  private void push() {
    synchronized (this) {
      if (computing) {
        again = true;
        return;
      }
      computing = true;
    }
    Future<JsonObject> next;
    try {
      next = snapshot.get();
    } catch (RuntimeException e) {
      next = Future.failedFuture(e);
    }
    next.onComplete(
        ar -> {
          if (ar.succeeded()) {
            String event = "event: services\ndata: " + ar.result().encode() + "\n\n";
            for (HttpServerResponse r : List.copyOf(streams)) {
              if (r.ended() || r.closed()) {
                remove(r);
              } else {
                r.write(event).onFailure(e -> remove(r));
              }
            }
          } else {
            LOG.log(Level.WARNING, "event stream: no snapshot this time", ar.cause());
          }
          boolean repeat;
          synchronized (this) {
            computing = false;
            repeat = again;
            again = false;
          }
          if (repeat) {
            push();
          }
        });
  }
}
