package io.nines.demo;

import io.nines.common.TimeSource;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.server.GrpcServer;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * What the shop serves besides HTTP pages, on the same port: the standard gRPC health service (over
 * cleartext HTTP/2, which the port speaks alongside HTTP/1.1) and the live orders feed, a WebSocket
 * at {@link #ORDERS_FEED}.
 *
 * <p>Both follow the fault switches: gRPC health reports {@code NOT_SERVING} for a service with an
 * outage (and for a share of calls under {@code errors}, and answers late under {@code slow}); the
 * feed refuses its handshake with 503 under an outage of {@code orders}, closes at once (1011)
 * under {@code errors} for a share of sockets, and sends late under {@code slow}.
 */
final class ShopProtocols {
  /** The path of the live orders feed. */
  static final String ORDERS_FEED = "/api/orders/live";

  /** The shop service the feed belongs to. */
  static final String ORDERS = "orders";

  private final Vertx vertx;
  private final TimeSource time;
  private final Random random;
  private final Function<String, Fault> faultOf;
  private final GrpcServer grpc;
  private final AtomicLong orderNumber = new AtomicLong(1000);

  /**
   * @param faultOf the fault on a shop service now, or null
   */
  ShopProtocols(Vertx vertx, TimeSource time, Random random, Function<String, Fault> faultOf) {
    this.vertx = vertx;
    this.time = time;
    this.random = random;
    this.faultOf = faultOf;
    this.grpc = new GrpcHealth(this::health).mount(GrpcServer.server(vertx));
  }

  /** Installs the gRPC service and the feed on {@code server}, with {@code pages} for the rest. */
  HttpServer install(HttpServer server, Handler<HttpServerRequest> pages) {
    return server
        .requestHandler(
            request -> {
              String type = request.getHeader("content-type");
              if (type != null && type.startsWith("application/grpc")) {
                grpc.handle(request);
              } else {
                pages.handle(request);
              }
            })
        .webSocketHandshakeHandler(this::handshake)
        .webSocketHandler(this::feed);
  }

  /** The health of a service: the whole shop ({@code ""}) is serving while it runs. */
  private Future<GrpcHealth.Status> health(String service) {
    if (service.isEmpty()) {
      return Future.succeededFuture(GrpcHealth.Status.SERVING);
    }
    if (!ShopServer.SERVICES.contains(service)) {
      return Future.succeededFuture(null);
    }
    Fault fault = faultOf.apply(service);
    if (fault == null) {
      return Future.succeededFuture(GrpcHealth.Status.SERVING);
    }
    return switch (fault.mode()) {
      case OUTAGE -> Future.succeededFuture(GrpcHealth.Status.NOT_SERVING);
      case ERRORS ->
          Future.succeededFuture(
              random.nextDouble() < fault.errorShare()
                  ? GrpcHealth.Status.NOT_SERVING
                  : GrpcHealth.Status.SERVING);
      case SLOW -> {
        Promise<GrpcHealth.Status> later = Promise.promise();
        vertx.setTimer(
            Math.max(1, fault.delayMillis()), t -> later.complete(GrpcHealth.Status.SERVING));
        yield later.future();
      }
      // A broken storefront script breaks no endpoint: health stays SERVING.
      case BROKEN_UI -> Future.succeededFuture(GrpcHealth.Status.SERVING);
    };
  }

  private void handshake(ServerWebSocketHandshake handshake) {
    if (!ORDERS_FEED.equals(handshake.path())) {
      handshake.reject(404);
      return;
    }
    Fault fault = faultOf.apply(ORDERS);
    if (fault != null && fault.mode() == Fault.Mode.OUTAGE) {
      handshake.reject(503);
      return;
    }
    handshake.accept();
  }

  /** Sends the latest order at once, then one every few seconds until the client leaves. */
  private void feed(ServerWebSocket ws) {
    Fault fault = faultOf.apply(ORDERS);
    if (fault != null
        && fault.mode() == Fault.Mode.ERRORS
        && random.nextDouble() < fault.errorShare()) {
      ws.close((short) 1011, "orders feed failed (demo fault)");
      return;
    }
    long delayMillis =
        fault != null && fault.mode() == Fault.Mode.SLOW ? Math.max(1, fault.delayMillis()) : 0;
    Runnable send =
        () -> {
          if (!ws.isClosed()) {
            ws.writeTextMessage(order().encode());
          }
        };
    if (delayMillis == 0) {
      send.run();
    } else {
      vertx.setTimer(delayMillis, t -> send.run());
    }
    long periodic = vertx.setPeriodic(Math.max(delayMillis, 1) + 5_000, t -> send.run());
    ws.closeHandler(v -> vertx.cancelTimer(periodic));
  }

  private JsonObject order() {
    return new JsonObject()
        .put("type", "order")
        .put("order", "ord-" + orderNumber.incrementAndGet())
        .put("at", time.now().toString());
  }
}
