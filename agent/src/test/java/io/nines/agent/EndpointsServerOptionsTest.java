package io.nines.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The server of {@code /metrics} and {@code /health} speaks HTTP/1.1 only. */
class EndpointsServerOptionsTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    join(vertx.close());
  }

  private static <T> T join(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void whenAClientAsksToUpgradeToH2c_thenTheServerAnswersInHttp11() throws Exception {
    int port =
        join(vertx
                .createHttpServer(Agent.endpointsServerOptions())
                .requestHandler(req -> req.response().end("ok"))
                .listen(0, "127.0.0.1"))
            .actualPort();
    // Held in a variable until the end: Vert.x closes a client that nothing references any more,
    // with its connections, at the next collection (that closed this socket under the test
    // whenever a collection fell between the connect and the answer).
    NetClient client = vertx.createNetClient();
    NetSocket socket = join(client.connect(port, "127.0.0.1"));
    Buffer received = Buffer.buffer();
    java.util.concurrent.CompletableFuture<String> answer =
        new java.util.concurrent.CompletableFuture<>();
    socket.handler(
        b -> {
          received.appendBuffer(b);
          if (received.toString().contains("\r\n\r\n")) {
            answer.complete(received.toString());
          }
        });
    // Joined, so that a connection closed under the test says so instead of timing out below.
    join(
        socket.write(
            "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n"));

    // With Vert.x's defaults: "HTTP/1.1 101 Switching Protocols", and HTTP/2 from then on.
    assertThat(answer.get(10, TimeUnit.SECONDS)).startsWith("HTTP/1.1 200 OK");
    join(client.close());
  }
}
