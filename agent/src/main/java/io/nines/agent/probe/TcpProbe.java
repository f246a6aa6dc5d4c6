package io.nines.agent.probe;

import io.nines.common.FailureKind;
import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.nines.config.Redaction;
import io.nines.config.SecretRef;
import io.nines.config.SecretRenderer;
import io.nines.config.assertion.Assertion;
import io.nines.config.assertion.Observation;
import io.nines.config.assertion.Subject;
import io.nines.config.assertion.Verdict;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Runs {@code tcp} checks: connect to {@code host:port} on a new connection, optionally send {@code
 * send}, and check what comes back.
 *
 * <ul>
 *   <li>With no {@code send} and no assertion on the body, the assertions (if any) are evaluated
 *       once connected: a bare tcp check passes when the connection is accepted.
 *   <li>Otherwise the received bytes are accumulated and the assertions re-evaluated (with {@code
 *       body} the text received so far, as UTF-8, and {@code latency} the time so far) after each
 *       chunk; the check passes as soon as they all hold. With {@code send} and no assertion, the
 *       first byte back passes it.
 *   <li>If the peer closes the connection or the timeout fires while they don't hold: {@code
 *       ASSERTION} with the first failing verdict when something came back; {@code TIMEOUT} when
 *       nothing came back before the timeout; {@code PROTOCOL} when the peer closed without sending
 *       anything.
 *   <li>More than {@link #MAX_RECEIVED_BYTES} received is {@code BODY_TOO_LARGE}.
 * </ul>
 *
 * <p>Phases: {@code connect}, {@code firstByte} and {@code total}, in milliseconds since the
 * attempt started (the connect phase includes resolving the host). The socket is closed when the
 * attempt completes.
 */
public final class TcpProbe implements Probe {

  /** The most bytes read from the peer before the check fails {@code BODY_TOO_LARGE}. */
  public static final int MAX_RECEIVED_BYTES = 1 << 20;

  /** How much of what was received the diagnostics keep. */
  static final int DIAGNOSTIC_BYTES = 4096;

  private static final String REDACTED = "[redacted]";

  private final NetClientHolder clients = new NetClientHolder();

  @Override
  public Future<ProbeOutcome> run(Check check, ProbeContext context) {
    return Dispatch.bySpec(
        this, check, CheckSpec.Tcp.class, spec -> new Run(check, context, spec).start());
  }

  /** Whether any assertion reads what the peer sent. */
  private static boolean readsBody(List<Assertion> expect) {
    return expect.stream()
        .anyMatch(
            a -> a.subject() instanceof Subject.Body || a.subject() instanceof Subject.BodyJson);
  }

  private final class Run extends SocketAttempt {
    private final CheckSpec.Tcp spec;
    private final boolean waitForData;
    private final Redaction redaction = new Redaction(REDACTED);

    /** The secrets {@code send} uses, read before the attempt connects. */
    private SecretRenderer.Values secrets = SecretRenderer.Values.NONE;

    private final Buffer received = Buffer.buffer();
    private NetSocket socket;
    private int sentBytes;
    private boolean closedByPeer;

    Run(Check check, ProbeContext ctx, CheckSpec.Tcp spec) {
      super(check, ctx, clients, spec.host(), spec.port());
      this.spec = spec;
      this.waitForData = spec.send() != null || readsBody(spec.expect());
    }

    @Override
    protected void begin() {
      // Secrets first: reading a ${file:...} one blocks, so it happens on a worker thread.
      ctx.readSecrets(spec.send() == null ? List.of() : List.of(spec.send()))
          .onComplete(
              read ->
                  guarded(
                      () -> {
                        if (done()) {
                          return;
                        }
                        if (read.failed()) {
                          fail(
                              FailureKind.INTERNAL,
                              "send: " + read.cause().getMessage(),
                              diagnostics());
                          return;
                        }
                        secrets = read.result();
                        renderAndConnect();
                      }));
    }

    private void renderAndConnect() {
      String payload = null;
      if (spec.send() != null) {
        try {
          payload = render();
        } catch (SecretRef.UnresolvedSecret | IllegalStateException e) {
          fail(FailureKind.INTERNAL, "send: " + e.getMessage(), diagnostics());
          return;
        }
      }
      String toSend = payload;
      connect().onComplete(ar -> guarded(() -> onConnect(ar, toSend)));
    }

    private void onConnect(AsyncResult<NetSocket> ar, String payload) {
      NetSocket s = connected(ar);
      if (s == null) {
        return;
      }
      socket = s;
      s.handler(chunk -> guarded(() -> onData(chunk)));
      s.closeHandler(v -> guarded(this::onClosed));
      s.exceptionHandler(
          error ->
              guarded(
                  () -> {
                    if (!done()) {
                      fail(
                          Failures.classify(error),
                          "the connection to " + target() + " failed: " + Failures.describe(error),
                          diagnostics());
                    }
                  }));
      if (payload != null) {
        Buffer bytes = Buffer.buffer(payload, StandardCharsets.UTF_8.name());
        sentBytes = bytes.length();
        s.write(bytes);
      }
      if (!waitForData) {
        evaluate(true);
      }
    }

    private void onData(Buffer chunk) {
      if (done()) {
        return;
      }
      if (received.length() == 0) {
        mark("firstByte");
      }
      if ((long) received.length() + chunk.length() > MAX_RECEIVED_BYTES) {
        received.appendBuffer(chunk, 0, MAX_RECEIVED_BYTES - received.length());
        fail(
            FailureKind.BODY_TOO_LARGE,
            "the peer sent more than "
                + MAX_RECEIVED_BYTES
                + " bytes and the assertions still did not hold",
            diagnostics());
        return;
      }
      received.appendBuffer(chunk);
      evaluate(false);
    }

    private void onClosed() {
      socket = null;
      if (done()) {
        return;
      }
      closedByPeer = true;
      if (received.length() == 0) {
        fail(
            FailureKind.PROTOCOL,
            target()
                + " closed the connection after "
                + elapsed().toMillis()
                + "ms without sending anything",
            diagnostics());
      } else {
        evaluate(true);
      }
    }

    @Override
    protected void onTimeout() {
      if (socket == null) {
        failNotConnected();
      } else if (received.length() == 0) {
        fail(
            FailureKind.TIMEOUT,
            "connected to "
                + target()
                + (sentBytes > 0 ? " and sent " + sentBytes + " bytes" : "")
                + ", but nothing came back within "
                + format(check.timeout()),
            diagnostics());
      } else {
        evaluate(true);
      }
    }

    /**
     * Evaluates the assertions on what came so far: succeeds when they all hold; otherwise fails
     * when {@code last}, or waits for more.
     */
    private void evaluate(boolean last) {
      Observation observation =
          new TcpObservation(elapsed(), received.toString(StandardCharsets.UTF_8));
      Verdict failed = firstFailing(spec.expect(), observation);
      if (failed != null) {
        if (last) {
          fail(FailureKind.ASSERTION, redact(failed.message()), diagnostics());
        }
        return;
      }
      succeed();
    }

    @Override
    protected void release() {
      if (socket != null) {
        socket.close();
        socket = null;
      }
    }

    @Override
    protected JsonObject diagnostics() {
      String remoteAddress = remoteAddress();
      JsonObject d =
          new JsonObject()
              .put("host", spec.host())
              .put("port", spec.port())
              .put("connected", remoteAddress != null);
      if (remoteAddress != null) {
        d.put("remoteAddress", remoteAddress);
      }
      d.put("sentBytes", sentBytes);
      d.put("receivedBytes", received.length());
      if (received.length() > 0) {
        int n = Math.min(received.length(), DIAGNOSTIC_BYTES);
        d.put("received", redact(received.getString(0, n, StandardCharsets.UTF_8.name())));
      }
      d.put("closedByPeer", closedByPeer);
      return d;
    }

    private String render() {
      return secrets.render(spec.send(), ctx.vars()::get, redaction);
    }

    /** Replaces every secret value sent in this attempt by a marker (an echo would show it). */
    private String redact(String text) {
      return redaction.apply(text);
    }
  }

  /** What assertions read from a tcp exchange: {@code body} and {@code latency}. */
  private record TcpObservation(Duration latency, String body) implements Observation {}
}
