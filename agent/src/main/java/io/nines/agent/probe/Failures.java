package io.nines.agent.probe;

import io.nines.common.Failure;
import io.nines.common.FailureKind;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/** Turns what the network threw into a classified {@link Failure}. */
final class Failures {
  private Failures() {}

  /** The kind of a transport exception; walks the cause chain. */
  static FailureKind classify(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String name = t.getClass().getName();
      if (t instanceof UnknownHostException || name.endsWith("DnsNameResolverException")) {
        return FailureKind.DNS;
      }
      if (name.endsWith("ConnectTimeoutException")
          || t instanceof TimeoutException
          || name.endsWith("TimeoutException")) {
        return FailureKind.TIMEOUT;
      }
      if (t instanceof ConnectException
          || t instanceof NoRouteToHostException
          || (t instanceof java.io.IOException
              && t.getMessage() != null
              && t.getMessage().contains("Connection reset"))) {
        return FailureKind.CONNECT;
      }
      if (t instanceof SSLException || t instanceof java.security.cert.CertificateException) {
        return FailureKind.TLS;
      }
    }
    if (error instanceof ClosedChannelException
        || error instanceof io.vertx.core.VertxException
        || error instanceof java.io.IOException
        || error.getClass().getName().startsWith("io.netty.handler.codec")) {
      return FailureKind.PROTOCOL;
    }
    return FailureKind.INTERNAL;
  }

  /** A one-line human description of {@code error}, with no stack and no class noise. */
  static String describe(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = error.getMessage();
    String rootMessage = root.getMessage();
    if (message == null || message.isBlank()) {
      message = rootMessage;
    }
    if (message == null || message.isBlank()) {
      message = root.getClass().getSimpleName();
    }
    if (root != error && rootMessage != null && !message.contains(rootMessage)) {
      message = message + ": " + rootMessage;
    }
    return message;
  }
}
