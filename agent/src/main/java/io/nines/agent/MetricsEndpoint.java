package io.nines.agent;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Serves {@code /metrics} without rendering on an event loop. A scrape of many checks' meters takes
 * seconds on a loaded machine; rendered on the agent's event loop it delayed the heartbeats, the
 * shipper and the other endpoints for as long, so the page is rendered (and encoded to bytes) on
 * one dedicated worker thread, {@value #THREAD_NAME}.
 *
 * <p>One scrape at a time: a request that arrives while one is rendering waits for that one and is
 * answered with its page, so scrapers that time out and retry do not pile renders up. A request
 * whose page is not ready within the bound is answered {@code 503} with a message saying so; the
 * render in progress goes on and the next request after it ends starts a fresh one.
 *
 * <p>Thread: {@link #handle} runs on the HTTP server's context (an event loop), and so do the
 * completions of renders, so the state is confined to that context.
 */
final class MetricsEndpoint implements Handler<HttpServerRequest>, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(MetricsEndpoint.class.getName());

  /** The name of the worker that renders; its thread is named after it. */
  static final String THREAD_NAME = "nines-metrics";

  /** How long a request waits for its page: Prometheus' default {@code scrape_timeout}. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final Vertx vertx;
  private final Callable<String> render;
  private final long timeoutMillis;
  private final WorkerExecutor worker;
  // The render in progress, null when none; confined to the server's context.
  private Future<Buffer> rendering;

  /**
   * @param render renders the page, e.g. {@code registry::scrape}; called on the worker thread, one
   *     call at a time
   * @param timeout how long a request waits for its page before it is answered {@code 503}
   */
  MetricsEndpoint(Vertx vertx, Callable<String> render, Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(
          "metrics timeout: " + timeout + " (expected: > 0, e.g. " + DEFAULT_TIMEOUT + ")");
    }
    this.vertx = vertx;
    this.render = render;
    this.timeoutMillis = timeout.toMillis();
    // Longer than the bound: a render that outlives it is what the blocked-thread checker is for.
    this.worker =
        vertx.createSharedWorkerExecutor(THREAD_NAME, 1, 6 * timeoutMillis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void handle(HttpServerRequest request) {
    Future<Buffer> page = rendering;
    if (page == null) {
      page = worker.executeBlocking(() -> Buffer.buffer(render.call()), false);
      Future<Buffer> started = page;
      rendering = started;
      started.onComplete(
          r -> {
            if (rendering == started) {
              rendering = null;
            }
          });
    }
    HttpServerResponse response = request.response();
    long timer =
        vertx.setTimer(
            timeoutMillis,
            t -> {
              if (!response.ended() && !response.closed()) {
                response
                    .setStatusCode(503)
                    .putHeader("Content-Type", "text/plain; charset=utf-8")
                    .putHeader("Retry-After", "1")
                    .end(
                        "metrics: the scrape took longer than "
                            + timeoutMillis
                            + " ms and is still running; this request was not answered with a"
                            + " stale page. Scrape less often, or raise the scraper's interval\n");
              }
            });
    page.onComplete(
        r -> {
          vertx.cancelTimer(timer);
          if (response.ended() || response.closed()) {
            return;
          }
          if (r.succeeded()) {
            response.putHeader("Content-Type", CONTENT_TYPE).end(r.result());
          } else {
            LOG.log(Level.WARNING, "metrics: the scrape failed", r.cause());
            response
                .setStatusCode(500)
                .putHeader("Content-Type", "text/plain; charset=utf-8")
                .end("metrics: the scrape failed (" + r.cause() + "); see the agent's log\n");
          }
        });
  }

  /** Stops the worker; a render in progress ends on its own. */
  @Override
  public void close() {
    worker.close();
  }
}
