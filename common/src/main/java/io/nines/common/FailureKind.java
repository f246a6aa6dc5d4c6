package io.nines.common;

/** Why a probe failed. Every failure has exactly one kind; there is no bare "failed". */
public enum FailureKind {
  /** The name did not resolve (NXDOMAIN, no answer, resolver unreachable). */
  DNS,
  /** The TCP connection was refused, reset or unreachable. */
  CONNECT,
  /** The TLS handshake failed: an invalid, expired or mismatched certificate. */
  TLS,
  /** The probe did not finish within its timeout. */
  TIMEOUT,
  /** The response status was not what the check allows. */
  HTTP_STATUS,
  /** An assertion on the response did not hold. */
  ASSERTION,
  /** The response body was larger than the cap. */
  BODY_TOO_LARGE,
  /** Redirects went past the bounded count, or looped. */
  REDIRECT_LOOP,
  /** The peer spoke something other than the expected protocol. */
  PROTOCOL,
  /**
   * A gRPC call ended with a status other than OK (e.g. {@code UNIMPLEMENTED}: the server has no
   * health service); the message names the code.
   */
  GRPC_STATUS,
  /** A gRPC health check answered, but not SERVING (NOT_SERVING, SERVICE_UNKNOWN, UNKNOWN). */
  NOT_SERVING,
  /** A WebSocket opening handshake was refused: the server answered without {@code 101}. */
  HANDSHAKE,
  /** A WebSocket was closed before the message the check waits for; with code and reason. */
  CLOSED,
  /** A bug in Nines itself; it is logged as well. */
  INTERNAL,
  /** A browser step ran out of its time (a {@code wait-for} that never held, a slow click). */
  STEP_TIMEOUT,
  /** A browser step's selector matched no element (or none visible) within its time. */
  SELECTOR_NOT_FOUND,
  /** A browser page did not load: an error status (4xx, 5xx) or a network error. */
  NAVIGATION_FAILED,
  /** The page's scripts threw an uncaught exception while a browser step ran. */
  CONSOLE_ERROR
}
