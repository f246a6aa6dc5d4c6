package io.nines.channels;

import static io.nines.channels.Fixtures.await;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A real HTTP server on 127.0.0.1 and a free port that records every request and answers with
 * {@code handler}. The receivers of the channel tests are built on it.
 */
public final class LocalReceiver implements AutoCloseable {

  /** One request as received: the raw body, before any parsing. */
  public record Request(String method, String path, MultiMap headers, Buffer body) {}

  /** An answer. */
  public record Response(int status, String body) {}

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  public LocalReceiver(Vertx vertx, Function<Request, Response> handler) {
    this.server =
        vertx
            .createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
            .requestHandler(
                req ->
                    req.body()
                        .onSuccess(
                            body -> {
                              Request r =
                                  new Request(
                                      req.method().name(),
                                      req.path(),
                                      MultiMap.caseInsensitiveMultiMap().addAll(req.headers()),
                                      body);
                              requests.add(r);
                              Response answer = handler.apply(r);
                              req.response()
                                  .setStatusCode(answer.status())
                                  .putHeader("Content-Type", "application/json")
                                  .end(answer.body());
                            }));
    await(server.listen());
  }

  /** {@code http://127.0.0.1:<port>} followed by {@code path}. */
  public String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  public int port() {
    return server.actualPort();
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  @Override
  public void close() {
    await(server.close());
  }
}
