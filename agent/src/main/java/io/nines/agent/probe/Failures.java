package io.nines.agent.probe;

import io.nines.common.Failure;
import io.nines.common.FailureKind;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
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

  /** A Java class name and its colon, as exception messages quote their causes. */
  private static final Pattern CLASS_NAME =
      Pattern.compile("\\b(?:[a-z_][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:Exception|Error)\\b:?\\s*");

  /**
   * The system call a native transport (epoll) names before the operating system's words: {@code
   * recvAddress(..) failed with error(-104): Connection reset by peer}.
   */
  private static final Pattern NATIVE_CALL =
      Pattern.compile("\\b[A-Za-z0-9_]+\\(\\.\\.\\) failed(?: with error\\(-?\\d+\\))?:\\s*");

  /**
   * A one-line human description of {@code error}, with no stack and no Java class names. When the
   * error carries a description written for operators (a rejected certificate, an unusable {@code
   * ca-file}), that is the description.
   */
  static String describe(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof CertificateRejected || t instanceof ProbeTrustOptions.CaFileException) {
        return t.getMessage();
      }
    }
    return withoutClassNames(plainDescription(error));
  }

  /**
   * {@code text} without the Java class names that exception messages quote and without a native
   * transport's system-call prefix, or null for null.
   */
  static String withoutClassNames(String text) {
    if (text == null) {
      return null;
    }
    String out = CLASS_NAME.matcher(text).replaceAll("");
    out = NATIVE_CALL.matcher(out).replaceAll("").trim();
    return out.isEmpty() ? text : out;
  }

  private static String plainDescription(Throwable error) {
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
