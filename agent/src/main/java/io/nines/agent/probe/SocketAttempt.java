package io.nines.agent.probe;

import io.nines.common.FailureKind;
import io.nines.config.Check;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetSocket;

/**
 * An attempt that starts with a new TCP connection to {@code host:port} (the {@code tcp} and {@code
 * tls} checks): the connect is bounded like the attempt, a failed one is {@code CONNECT} (refused,
 * unreachable, reset) or what {@link Failures#classify} makes of it, and the {@code connect} phase
 * is marked when it succeeds.
 *
 * <p>Not thread-safe: as every {@link Attempt}, confined to the context that started it.
 */
abstract class SocketAttempt extends Attempt {
  private final NetClientHolder clients;
  private final String host;
  private final int port;

  /** The peer's address once connected, else null. */
  private String remoteAddress;

  SocketAttempt(Check check, ProbeContext ctx, NetClientHolder clients, String host, int port) {
    super(check, ctx);
    this.clients = clients;
    this.host = host;
    this.port = port;
  }

  /** What the diagnostics of a failure hold, secrets redacted; read when the attempt fails. */
  protected abstract JsonObject diagnostics();

  /** Opens a new connection to {@code host:port}, bounded by the check's timeout. */
  protected final Future<NetSocket> connect() {
    return clients
        .get(ctx.vertx())
        .connect(
            new ConnectOptions()
                .setHost(host)
                .setPort(port)
                // Bounded like the attempt, so a connect the timer gave up on does not linger.
                .setTimeout(
                    (int) Math.min(Integer.MAX_VALUE, Math.max(1, check.timeout().toMillis()))));
  }

  /**
   * Takes the result of {@link #connect()}: the socket, with the {@code connect} phase marked; or
   * null when there is nothing more to do (the connect failed, and the attempt with it; or the
   * attempt completed meanwhile, and the socket is closed).
   */
  protected final NetSocket connected(AsyncResult<NetSocket> ar) {
    if (ar.failed()) {
      if (!done()) {
        Throwable error = ar.cause();
        fail(
            connectKind(error),
            "could not connect to " + target() + ": " + Failures.describe(error),
            diagnostics());
      }
      return null;
    }
    NetSocket s = ar.result();
    if (done()) {
      s.close();
      return null;
    }
    remoteAddress = String.valueOf(s.remoteAddress());
    mark("connect");
    return s;
  }

  /** Fails the attempt as {@code TIMEOUT}: the timeout fired before the connection was made. */
  protected final void failNotConnected() {
    fail(
        FailureKind.TIMEOUT,
        "could not connect to " + target() + " within " + format(check.timeout()),
        diagnostics());
  }

  /** The peer's address, once connected; null before. */
  protected final String remoteAddress() {
    return remoteAddress;
  }

  /** {@code host:port}. */
  protected final String target() {
    return host + ":" + port;
  }

  /** A failed connect's kind: refused, unreachable and reset connections are CONNECT. */
  private static FailureKind connectKind(Throwable error) {
    FailureKind kind = Failures.classify(error);
    return kind == FailureKind.PROTOCOL ? FailureKind.CONNECT : kind;
  }
}
