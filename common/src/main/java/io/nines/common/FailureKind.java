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
  /** A bug in Nines itself; it is logged as well. */
  INTERNAL,
  /** A heartbeat check's job reported that it failed ({@code /fail}). */
  JOB_FAILED,
  /** A heartbeat check's job did not report within its window (due time + grace). */
  MISSED
}
