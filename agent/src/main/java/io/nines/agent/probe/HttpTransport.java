package io.nines.agent.probe;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;

/**
 * Carries one HTTP/1.1 request and its response for the HTTP probe. The probe decides what the
 * response means (redirects, assertions, failure kinds); a transport only moves bytes and tells
 * which phase it reached.
 *
 * <p>Contract: {@link #exchange} is called on a Vert.x event-loop context and never blocks it;
 * every {@link Listener} call happens later on that same context (never from inside {@code
 * exchange}), and after {@link Exchange#cancel()} none happens at all. An exchange ends with
 * exactly one of {@link Listener#onHead} returning false, {@link Listener#onBody}, {@link
 * Listener#onTooLarge} or {@link Listener#onFailure}, and then holds no socket.
 */
interface HttpTransport {

  /** The phases a transport reports, in the order they are reached. */
  String DNS = "dns";

  String CONNECT = "connect";
  String TLS = "tls";
  String FIRST_BYTE = "firstByte";

  /**
   * One request.
   *
   * @param method upper case, e.g. {@code GET}
   * @param url absolute {@code http} or {@code https} URL
   * @param headers request headers; the transport adds {@code Host} and, when it closes the
   *     connection after the exchange, {@code Connection: close}
   * @param body the body, or null
   * @param maxBodyBytes the most body bytes read; past it the exchange ends with {@link
   *     Listener#onTooLarge}
   */
  record Request(String method, URI url, MultiMap headers, Buffer body, long maxBodyBytes) {}

  /** What a transport reports, on the caller's context. */
  interface Listener {

    /**
     * {@code phase} ({@link #DNS}, {@link #CONNECT}, {@link #TLS}, {@link #FIRST_BYTE}) is done.
     */
    void onPhase(String phase);

    /** The target's name resolved to these addresses; called before {@link #DNS} is reported. */
    void onResolved(List<InetSocketAddress> addresses);

    /**
     * The status line and headers arrived.
     *
     * @return true to read the body; false ends the exchange here and drops the connection
     */
    boolean onHead(int status, MultiMap headers);

    /** The whole body, at most {@code maxBodyBytes} long. */
    void onBody(Buffer body);

    /** The body was longer than the cap: its first {@code maxBodyBytes} bytes. */
    void onTooLarge(Buffer firstBytes);

    /**
     * The exchange failed.
     *
     * @param phase the phase that was under way: {@link #DNS}, {@link #CONNECT}, {@link #TLS}, or
     *     {@link #FIRST_BYTE} for anything after the connection was ready
     */
    void onFailure(String phase, Throwable error);
  }

  /** An exchange under way. */
  interface Exchange {
    /** Drops the connection; no listener call follows. Idempotent. */
    void cancel();
  }

  /** Starts an exchange. */
  Exchange exchange(Request request, Listener listener);
}
