package io.nines.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.internal.VertxInternal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The fresh-connection transport on each Vert.x transport (native where the platform has it, and
 * NIO): IPv4 and IPv6 targets answer alike, and every socket it makes has TCP_NODELAY on.
 */
class FreshConnectionTransportTest {

  @Test
  void onTheNativeTransport_anIpv4TargetAnswersThroughASocketOfItsOwnFamily() throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    try {
      Assumptions.assumeTrue(vertx.isNativeTransportEnabled(), "no native transport here");
      exchangesAnswer(vertx);
      FreshConnectionTransport.Sockets sockets =
          new FreshConnectionTransport.Sockets(
              ((VertxInternal) vertx).transport().channelFactory(false));
      assertThat(sockets.byFamily()).isTrue();
    } finally {
      ProbeHarness.await(vertx.close());
    }
  }

  @Test
  void onNio_ipv4AndIpv6TargetsAnswer() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      exchangesAnswer(vertx);
      FreshConnectionTransport.Sockets sockets =
          new FreshConnectionTransport.Sockets(
              ((VertxInternal) vertx).transport().channelFactory(false));
      assertThat(sockets.byFamily()).isFalse();
    } finally {
      ProbeHarness.await(vertx.close());
    }
  }

  /** Exchanges with a server on 127.0.0.1 and, where the host has it, on ::1. */
  private static void exchangesAnswer(Vertx vertx) throws Exception {
    FreshConnectionTransport.Sockets sockets =
        new FreshConnectionTransport.Sockets(
            ((VertxInternal) vertx).transport().channelFactory(false));
    for (InetSocketAddress a :
        List.of(
            new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 80),
            new InetSocketAddress(InetAddress.getByName("::1"), 80))) {
      Channel ch = sockets.newChannel(a);
      try {
        assertThat(ch.config().getOption(ChannelOption.TCP_NODELAY)).as("%s", a).isTrue();
      } finally {
        ch.unsafe().closeForcibly();
      }
    }
    assertThat(exchange(vertx, "127.0.0.1", "http://127.0.0.1:%d/hello"))
        .isEqualTo("200 hello from 127.0.0.1");
    if (hasIpv6Loopback()) {
      assertThat(exchange(vertx, "::1", "http://[::1]:%d/hello"))
          .isEqualTo("200 hello from 0:0:0:0:0:0:0:1");
    }
  }

  /** The length of the body the test server sends to a client of {@code host}. */
  private static int answerLength(String host) {
    return ("hello from " + (host.equals("::1") ? "0:0:0:0:0:0:0:1" : host)).length();
  }

  private static boolean hasIpv6Loopback() throws Exception {
    NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getByName("::1"));
    return lo != null;
  }

  /** One exchange with a server listening on {@code host}: "status body", or the failure. */
  private static String exchange(Vertx vertx, String host, String urlFormat) throws Exception {
    HttpServer server =
        ProbeHarness.await(
            vertx
                .createHttpServer()
                .requestHandler(
                    req -> {
                      req.response().headers().add("Set-Cookie", "a=1");
                      req.response().headers().add("X-Trace", "t1");
                      req.response().headers().add("Set-Cookie", "b=2");
                      req.response()
                          .end("hello from " + req.connection().localAddress().hostAddress());
                    })
                .listen(0, host));
    try {
      URI url = URI.create(String.format(urlFormat, server.actualPort()));
      HttpClients clients = new HttpClients(vertx, 4);
      try {
        HttpTransport transport = clients.transport(false, false, null);
        Promise<String> done = Promise.promise();
        List<String> phases = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        int[] status = new int[1];
        vertx.runOnContext(
            v ->
                transport.exchange(
                    new HttpTransport.Request(
                        "GET", url, MultiMap.caseInsensitiveMultiMap(), null, 1 << 20),
                    new HttpTransport.Listener() {
                      @Override
                      public void onPhase(String phase) {
                        phases.add(phase);
                      }

                      @Override
                      public void onResolved(List<InetSocketAddress> addresses) {}

                      @Override
                      public boolean onHead(int s, MultiMap headers) {
                        status[0] = s;
                        seen.add(headers.get("x-trace"));
                        seen.add(headers.get("SET-COOKIE"));
                        seen.add(String.join(",", headers.getAll("set-cookie")));
                        seen.add(String.valueOf(headers.contains("X-TRACE")));
                        List<String> names = new ArrayList<>();
                        headers.forEach(e -> names.add(e.getKey() + "=" + e.getValue()));
                        seen.add(String.join(";", names));
                        return true;
                      }

                      @Override
                      public void onBody(Buffer body) {
                        done.tryComplete(status[0] + " " + body);
                      }

                      @Override
                      public void onTooLarge(Buffer firstBytes) {
                        done.tryFail("too large");
                      }

                      @Override
                      public void onFailure(String phase, Throwable error) {
                        done.tryFail(new AssertionError(phase + ": " + error, error));
                      }
                    }));
        String answer =
            done.future().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(phases)
            .containsExactly(HttpTransport.DNS, HttpTransport.CONNECT, HttpTransport.FIRST_BYTE);
        // The headers as sent: names in any case, repeated values in order, every entry in order.
        assertThat(seen)
            .containsExactly(
                "t1",
                "a=1",
                "a=1,b=2",
                "true",
                "Set-Cookie=a=1;X-Trace=t1;Set-Cookie=b=2;connection=close;content-length="
                    + (answerLength(host)));
        return answer;
      } finally {
        clients.close();
      }
    } finally {
      ProbeHarness.await(server.close());
    }
  }
}
