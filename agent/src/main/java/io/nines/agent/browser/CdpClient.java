package io.nines.agent.browser;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Chrome DevTools Protocol client over one WebSocket (Vert.x's client): JSON-RPC commands with
 * their answers, and events, in flat session mode (a command for a page carries its {@code
 * sessionId}).
 *
 * <p>Threads: create and use it on one Vert.x context; answers and events are handled on that
 * context (the socket's). Nothing blocks. When the socket closes, every command in flight fails
 * with {@link CdpException} saying so.
 */
final class CdpClient {
  /** Chromium sends a screenshot as one message; a full-HD PNG in base64 is a few MiB. */
  static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  private final WebSocketClient client;
  private final WebSocket socket;
  private final Map<Long, Promise<JsonObject>> pending = new HashMap<>();
  private final Map<String, List<Handler<JsonObject>>> listeners = new HashMap<>();
  private long nextId = 1;
  private boolean closed;

  private CdpClient(WebSocketClient client, WebSocket socket) {
    this.client = client;
    this.socket = socket;
  }

  /**
   * Connects to {@code ws://127.0.0.1:port/path}, a browser's DevTools endpoint.
   *
   * @return the client, on the caller's context; or a failure when the socket can't open
   */
  static Future<CdpClient> connect(Vertx vertx, int port, String path) {
    WebSocketClient client =
        vertx.createWebSocketClient(
            new WebSocketClientOptions()
                .setMaxFrameSize(MAX_MESSAGE_BYTES)
                .setMaxMessageSize(MAX_MESSAGE_BYTES)
                .setConnectTimeout(5000));
    return client
        .connect(
            new WebSocketConnectOptions()
                .setHost("127.0.0.1")
                .setPort(port)
                .setURI(path)
                .setTimeout(5000))
        .map(
            ws -> {
              CdpClient cdp = new CdpClient(client, ws);
              ws.textMessageHandler(cdp::onMessage);
              ws.closeHandler(v -> cdp.onClose());
              ws.exceptionHandler(e -> cdp.onClose());
              return cdp;
            })
        .onFailure(e -> client.close());
  }

  /** Sends a browser-level command. */
  Future<JsonObject> send(String method, JsonObject params) {
    return send(null, method, params);
  }

  /**
   * Sends a command, to the page attached as {@code sessionId} (null for the browser).
   *
   * @return the command's {@code result}; a failure with {@link CdpException} carrying the
   *     protocol's error message, or saying the connection closed
   */
  Future<JsonObject> send(String sessionId, String method, JsonObject params) {
    if (closed) {
      return Future.failedFuture(new CdpException(method + ": the browser connection is closed"));
    }
    long id = nextId++;
    JsonObject message = new JsonObject().put("id", id).put("method", method);
    message.put("params", params == null ? new JsonObject() : params);
    if (sessionId != null) {
      message.put("sessionId", sessionId);
    }
    Promise<JsonObject> promise = Promise.promise();
    pending.put(id, promise);
    socket
        .writeTextMessage(message.encode())
        .onFailure(
            e -> {
              Promise<JsonObject> p = pending.remove(id);
              if (p != null) {
                p.tryFail(new CdpException(method + ": " + e.getMessage()));
              }
            });
    return promise.future();
  }

  /** Calls {@code handler} with the {@code params} of every event named {@code method}. */
  void on(String method, Handler<JsonObject> handler) {
    listeners.computeIfAbsent(method, m -> new ArrayList<>()).add(handler);
  }

  /** Calls {@code handler} when the connection closes (the browser exited or crashed). */
  void onClosed(Handler<Void> handler) {
    on("$closed", p -> handler.handle(null));
  }

  boolean isClosed() {
    return closed;
  }

  /** Closes the socket; commands in flight fail. Idempotent. */
  Future<Void> close() {
    if (closed) {
      return Future.succeededFuture();
    }
    Future<Void> done = socket.close().recover(e -> Future.succeededFuture());
    onClose();
    return done.eventually(client::close);
  }

  private void onMessage(String text) {
    JsonObject message;
    try {
      message = new JsonObject(text);
    } catch (RuntimeException e) {
      return; // not JSON-RPC; Chromium sends nothing else
    }
    Long id = message.getLong("id");
    if (id != null) {
      Promise<JsonObject> p = pending.remove(id);
      if (p == null) {
        return;
      }
      JsonObject error = message.getJsonObject("error");
      if (error != null) {
        p.tryFail(new CdpException(error.getString("message", "error " + error.encode())));
      } else {
        JsonObject result = message.getJsonObject("result");
        p.tryComplete(result == null ? new JsonObject() : result);
      }
      return;
    }
    String method = message.getString("method");
    List<Handler<JsonObject>> handlers = method == null ? null : listeners.get(method);
    if (handlers != null) {
      JsonObject params = message.getJsonObject("params", new JsonObject());
      for (Handler<JsonObject> h : List.copyOf(handlers)) {
        h.handle(params);
      }
    }
  }

  private void onClose() {
    if (closed) {
      return;
    }
    closed = true;
    List<Promise<JsonObject>> inFlight = new ArrayList<>(pending.values());
    pending.clear();
    inFlight.forEach(p -> p.tryFail(new CdpException("the browser connection closed")));
    List<Handler<JsonObject>> handlers = listeners.get("$closed");
    if (handlers != null) {
      List.copyOf(handlers).forEach(h -> h.handle(new JsonObject()));
    }
  }

  /** A command that the browser refused or could not answer. */
  static final class CdpException extends RuntimeException {
    CdpException(String message) {
      super(message, null, false, false);
    }
  }
}
