package io.nines.coordinator.api;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.nines.coordinator.readmodel.Views;
import io.vertx.core.Handler;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.StreamResetException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Answers for what the HTTP layer refuses before any route sees the request, in the API's one error
 * shape rather than Vert.x's empty bodies: a request line too long (414), headers too large (431),
 * a request that does not parse (400), and an HTTP version other than 1.0, 1.1 or 2 (400; Vert.x
 * would answer 501 with no body, and a client's mistake is not the server's failure). Also keeps
 * clients that go away mid-request out of the error log. Stateless; runs on event loops.
 */
public final class HttpErrors {
  private static final Logger LOG = Logger.getLogger(HttpErrors.class.getName());

  private HttpErrors() {}

  /**
   * Installs the handlers on {@code server} and makes {@code requests} its request handler.
   *
   * <p>Vert.x answers a request of an unknown HTTP version with an empty 501 before the request
   * handler, unless WebSocket handling is installed; so a handshake handler is installed that
   * refuses every WebSocket (the API has none), and the request handler answers the unknown version
   * itself.
   */
  public static HttpServer install(HttpServer server, Handler<HttpServerRequest> requests) {
    return server
        .invalidRequestHandler(HttpErrors::invalid)
        .webSocketHandshakeHandler(handshake -> handshake.reject(404))
        .exceptionHandler(HttpErrors::connectionFailed)
        .requestHandler(
            request -> {
              if (request.version() == null) {
                reply(
                    request,
                    400,
                    "bad_request",
                    "the request's HTTP version is not supported: send HTTP/1.1 (or HTTP/1.0,"
                        + " HTTP/2)");
                return;
              }
              requests.handle(request);
            });
  }

  /** A request the HTTP decoder could not read. */
  static void invalid(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    if (cause instanceof TooLongHttpLineException) {
      reply(
          request,
          414,
          "uri_too_long",
          "the request line is longer than the limit of 4096 bytes: shorten the path or the query");
    } else if (cause instanceof TooLongHttpHeaderException) {
      reply(
          request,
          431,
          "headers_too_large",
          "the request's headers are larger than the limit of 8192 bytes");
    } else {
      reply(request, 400, "bad_request", "the request is not valid HTTP");
    }
  }

  private static void reply(HttpServerRequest request, int status, String error, String message) {
    HttpServerResponse response = request.response();
    if (response.ended()) {
      return;
    }
    response
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, Replies.JSON)
        .putHeader(HttpHeaders.CONNECTION, "close")
        .end(Views.error(error, message).encode())
        .onComplete(v -> request.connection().close());
  }

  /** A connection failed outside any request: a client that went away is routine, not an error. */
  static void connectionFailed(Throwable failure) {
    if (isDisconnect(failure)) {
      LOG.fine("a client connection ended early: " + failure);
    } else {
      LOG.log(Level.WARNING, "an HTTP connection failed: " + failure);
    }
  }

  /** Whether {@code failure} says only that the client closed or reset its connection. */
  public static boolean isDisconnect(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof HttpClosedException
          || t instanceof StreamResetException
          || t instanceof ClosedChannelException) {
        return true;
      }
      if (t instanceof IOException io) {
        String m = String.valueOf(io.getMessage());
        if (m.contains("Connection reset") || m.contains("Broken pipe")) {
          return true;
        }
      }
      if (t instanceof VertxException v
          && String.valueOf(v.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("closed")) {
        return true;
      }
    }
    return false;
  }
}
