package io.nines.agent.probe;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * HTTP over Vert.x's pooled client, for checks with {@code keep-alive: true}: connections are
 * reused across probes. Vert.x does not tell when a connection was resolved, connected or secured,
 * and a reused connection has none of those anyway, so this transport reports {@code firstByte}
 * only (never {@code dns}, {@code connect}, {@code tls}) and no resolved addresses.
 *
 * <p>Failures are reported with the phase {@code firstByte}; the probe classifies them by what was
 * thrown. Thread-safe; each exchange is confined to the context that started it.
 */
final class PooledTransport implements HttpTransport {
  private final Vertx vertx;
  private final HttpClientAgent client;

  PooledTransport(Vertx vertx, HttpClientAgent client) {
    this.vertx = vertx;
    this.client = client;
  }

  @Override
  public HttpTransport.Exchange exchange(Request request, Listener listener) {
    Run run = new Run(request, listener);
    Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> run.start());
    return run;
  }

  private final class Run implements HttpTransport.Exchange {
    private final Request request;
    private final Listener listener;
    private HttpClientRequest inFlight;
    private boolean finished;

    Run(Request request, Listener listener) {
      this.request = request;
      this.listener = listener;
    }

    @Override
    public void cancel() {
      if (!finished) {
        finished = true;
        if (inFlight != null) {
          inFlight.reset();
        }
      }
    }

    private void fail(Throwable error) {
      if (!finished) {
        finished = true;
        if (inFlight != null) {
          inFlight.reset();
        }
        listener.onFailure(FIRST_BYTE, error);
      }
    }

    void start() {
      if (finished) {
        return;
      }
      RequestOptions options =
          new RequestOptions()
              .setMethod(HttpMethod.valueOf(request.method()))
              .setAbsoluteURI(request.url().toString())
              .setHeaders(request.headers())
              .setFollowRedirects(false);
      client
          .request(options)
          .compose(
              req -> {
                if (finished) {
                  req.reset();
                  return Future.failedFuture("cancelled");
                }
                inFlight = req;
                return request.body() == null ? req.send() : req.send(request.body());
              })
          .onComplete(
              ar -> {
                if (finished) {
                  if (ar.succeeded()) {
                    ar.result().request().reset();
                  }
                  return;
                }
                if (ar.failed()) {
                  fail(ar.cause());
                } else {
                  onResponse(ar.result());
                }
              });
    }

    private void onResponse(HttpClientResponse response) {
      // Set before anything can reset the stream, which Vert.x would otherwise log as SEVERE.
      response.exceptionHandler(this::fail);
      listener.onPhase(FIRST_BYTE);
      if (finished) {
        return;
      }
      if (!listener.onHead(response.statusCode(), response.headers())) {
        finished = true;
        response.request().reset();
        return;
      }
      Buffer received = Buffer.buffer();
      long cap = request.maxBodyBytes();
      response.handler(
          chunk -> {
            if (finished) {
              return;
            }
            if ((long) received.length() + chunk.length() > cap) {
              received.appendBuffer(chunk, 0, (int) Math.max(0, cap - received.length()));
              finished = true;
              response.request().reset();
              listener.onTooLarge(received);
              return;
            }
            received.appendBuffer(chunk);
          });
      response.endHandler(
          v -> {
            if (!finished) {
              finished = true;
              listener.onBody(received);
            }
          });
    }
  }
}
