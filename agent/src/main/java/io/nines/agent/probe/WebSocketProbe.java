package io.nines.agent.probe;

import io.nines.common.FailureKind;
import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.nines.config.Redaction;
import io.nines.config.SecretRef;
import io.nines.config.SecretRenderer;
import io.nines.config.Template;
import io.nines.config.assertion.Observation;
import io.nines.config.assertion.Verdict;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs {@code websocket} checks: open a WebSocket to {@code url} (with {@code headers}), send
 * {@code send} as a text message when given, and judge the first message received (text, or binary
 * read as UTF-8) with {@code expect}; with no assertion, any first message passes.
 *
 * <ul>
 *   <li>A handshake answered without {@code 101} is {@code HANDSHAKE}, with the status.
 *   <li>A close before the first message is {@code CLOSED}, with the close code and reason.
 *   <li>No message within the timeout is {@code TIMEOUT}; a failing assertion {@code ASSERTION}.
 *   <li>A refused connection is {@code CONNECT}, a name that does not resolve {@code DNS}, a
 *       rejected certificate {@code TLS}.
 * </ul>
 *
 * <p>Phases: {@code connect} (the WebSocket is open: TCP connect, TLS for {@code wss://} and the
 * upgrade), {@code firstMessage} and {@code total}, in milliseconds since the attempt started.
 * Secrets in the URL, headers and message are read before connecting and never appear in results.
 * The socket is closed (1000) when the attempt completes.
 */
public final class WebSocketProbe implements Probe {
  /** The largest message read; a bigger one fails the connection. */
  static final int MAX_MESSAGE_BYTES = 1 << 20;

  /** How much of a message or a refused handshake's body the diagnostics keep. */
  static final int DIAGNOSTIC_CHARS = 4096;

  private static final String REDACTED = "[redacted]";

  @Override
  public Future<ProbeOutcome> run(Check check, ProbeContext context) {
    return Dispatch.bySpec(
        this, check, CheckSpec.WebSocket.class, spec -> new Run(check, context, spec).start());
  }

  private static final class Run extends Attempt {
    private final CheckSpec.WebSocket spec;
    private final Redaction redaction = new Redaction(REDACTED);
    private WebSocketClient client;
    private ClientWebSocket socket;
    private String url;
    private boolean open;
    private int sentBytes;
    private String firstMessage;
    private Integer handshakeStatus;
    private String handshakeBody;
    private Short closeCode;
    private String closeReason;

    Run(Check check, ProbeContext ctx, CheckSpec.WebSocket spec) {
      super(check, ctx);
      this.spec = spec;
    }

    @Override
    protected void begin() {
      List<Template> templates = new ArrayList<>();
      templates.add(spec.url());
      templates.addAll(spec.headers().values());
      if (spec.send() != null) {
        templates.add(spec.send());
      }
      // Reading a ${file:...} secret blocks, so it happens on a worker thread first.
      ctx.readSecrets(templates)
          .onComplete(
              read ->
                  guarded(
                      () -> {
                        if (done()) {
                          return;
                        }
                        if (read.failed()) {
                          fail(FailureKind.INTERNAL, read.cause().getMessage(), diagnostics());
                          return;
                        }
                        connect(read.result());
                      }));
    }

    private void connect(SecretRenderer.Values secrets) {
      String payload;
      Map<String, String> headers = new LinkedHashMap<>();
      URI uri;
      try {
        url = secrets.render(spec.url(), ctx.vars()::get, redaction);
        for (Map.Entry<String, Template> h : spec.headers().entrySet()) {
          headers.put(h.getKey(), secrets.render(h.getValue(), ctx.vars()::get, redaction));
        }
        payload =
            spec.send() == null ? null : secrets.render(spec.send(), ctx.vars()::get, redaction);
        uri = new URI(url);
      } catch (SecretRef.UnresolvedSecret | IllegalStateException e) {
        fail(FailureKind.INTERNAL, e.getMessage(), diagnostics());
        return;
      } catch (URISyntaxException e) {
        fail(
            FailureKind.INTERNAL,
            "the URL " + redact(url) + " is not valid: " + e.getReason(),
            diagnostics());
        return;
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("ws") && !scheme.equals("wss") || uri.getHost() == null) {
        fail(
            FailureKind.INTERNAL,
            "the URL " + redact(url) + " is not a ws:// or wss:// URL with a host",
            diagnostics());
        return;
      }
      boolean tls = scheme.equals("wss");
      int timeoutMillis =
          (int) Math.min(Integer.MAX_VALUE, Math.max(1, check.timeout().toMillis()));
      WebSocketClientOptions options =
          new WebSocketClientOptions()
              .setConnectTimeout(timeoutMillis)
              .setMaxMessageSize(MAX_MESSAGE_BYTES);
      if (tls) {
        options.setSsl(true);
        if (spec.insecure()) {
          options.setTrustAll(true).setVerifyHost(false);
        } else {
          options
              .setVerifyHost(true)
              .setTrustOptions(new ProbeTrustOptions(spec.caFile(), "websocket.ca-file"));
        }
      }
      client = ctx.vertx().createWebSocketClient(options);
      String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
      WebSocketConnectOptions connect =
          new WebSocketConnectOptions()
              .setHost(uri.getHost())
              .setPort(uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80)
              .setSsl(tls)
              .setURI(uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery())
              .setTimeout(timeoutMillis);
      headers.forEach(connect::addHeader);
      socket = client.webSocket();
      // Handlers before connecting, so a message sent at once on open is not missed.
      socket.textMessageHandler(text -> guarded(() -> onMessage(text)));
      socket.binaryMessageHandler(
          bytes -> guarded(() -> onMessage(bytes.toString(StandardCharsets.UTF_8))));
      socket.closeHandler(v -> guarded(this::onClosed));
      socket.exceptionHandler(
          error ->
              guarded(
                  () -> {
                    if (!done() && open) {
                      fail(
                          Failures.classify(error),
                          "the WebSocket to " + redact(url) + " failed: " + describe(error),
                          diagnostics());
                    }
                  }));
      socket.connect(connect).onComplete(ar -> guarded(() -> onOpen(ar, payload)));
    }

    private void onOpen(AsyncResult<WebSocket> ar, String payload) {
      if (done()) {
        return;
      }
      if (ar.failed()) {
        onConnectFailed(ar.cause());
        return;
      }
      open = true;
      mark("connect");
      if (payload != null) {
        Buffer bytes = Buffer.buffer(payload, StandardCharsets.UTF_8.name());
        sentBytes = bytes.length();
        socket.writeTextMessage(payload);
      }
    }

    private void onConnectFailed(Throwable error) {
      for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
        if (t instanceof UpgradeRejectedException rejected) {
          handshakeStatus = rejected.getStatus();
          Buffer body = rejected.getBody();
          if (body != null && body.length() > 0) {
            handshakeBody = redact(shorten(body.toString(StandardCharsets.UTF_8)));
          }
          fail(
              FailureKind.HANDSHAKE,
              "expected 101 Switching Protocols from "
                  + redact(url)
                  + ", got "
                  + rejected.getStatus()
                  + (handshakeBody == null ? "" : ": " + shorten(handshakeBody, 200)),
              diagnostics());
          return;
        }
      }
      FailureKind kind = Failures.classify(error);
      if (kind == FailureKind.PROTOCOL) {
        kind = FailureKind.CONNECT;
      }
      fail(kind, "could not open " + redact(url) + ": " + describe(error), diagnostics());
    }

    private void onMessage(String text) {
      if (done() || firstMessage != null) {
        return;
      }
      mark("firstMessage");
      firstMessage = text;
      Verdict failed = firstFailing(spec.expect(), new MessageObservation(elapsed(), text));
      if (failed != null) {
        fail(FailureKind.ASSERTION, redact(failed.message()), diagnostics());
      } else {
        succeed();
      }
    }

    private void onClosed() {
      if (done()) {
        return;
      }
      closeCode = socket.closeStatusCode();
      closeReason = socket.closeReason();
      fail(
          FailureKind.CLOSED,
          redact(url)
              + " closed the WebSocket "
              + (open ? "after " + elapsed().toMillis() + "ms" : "while opening")
              + " before any message"
              + (closeCode == null ? " (no close code)" : " with " + closeCode)
              + (closeReason == null || closeReason.isEmpty() ? "" : " \"" + closeReason + "\""),
          diagnostics());
    }

    @Override
    protected void onTimeout() {
      if (!open) {
        fail(
            FailureKind.TIMEOUT,
            "could not open " + redact(url) + " within " + format(check.timeout()),
            diagnostics());
      } else {
        fail(
            FailureKind.TIMEOUT,
            "the WebSocket to "
                + redact(url)
                + " opened"
                + (sentBytes > 0 ? " and sent " + sentBytes + " bytes" : "")
                + ", but no message came within "
                + format(check.timeout()),
            diagnostics());
      }
    }

    @Override
    protected void release() {
      if (socket != null && open && !socket.isClosed()) {
        socket.close((short) 1000, "probe done");
      }
      if (client != null) {
        client.close();
        client = null;
      }
    }

    private JsonObject diagnostics() {
      JsonObject d = new JsonObject();
      if (url != null) {
        d.put("url", redact(url));
      }
      d.put("open", open);
      if (handshakeStatus != null) {
        d.put("handshakeStatus", handshakeStatus);
      }
      if (handshakeBody != null) {
        d.put("handshakeBody", handshakeBody);
      }
      d.put("sentBytes", sentBytes);
      if (firstMessage != null) {
        d.put("firstMessage", redact(shorten(firstMessage)));
      }
      if (closeCode != null) {
        d.put("closeCode", (int) closeCode);
      }
      if (closeReason != null && !closeReason.isEmpty()) {
        d.put("closeReason", redact(closeReason));
      }
      return d;
    }

    private String describe(Throwable error) {
      return redact(Failures.describe(error));
    }

    /** Replaces every secret value used in this attempt by a marker. */
    private String redact(String text) {
      return text == null ? null : redaction.apply(text);
    }

    private static String shorten(String text) {
      return shorten(text, DIAGNOSTIC_CHARS);
    }

    private static String shorten(String text, int max) {
      return text.length() <= max ? text : text.substring(0, max) + "...";
    }
  }

  /** What assertions read from the first message: {@code body} and {@code latency}. */
  private record MessageObservation(Duration latency, String body) implements Observation {}
}
