package io.nines.agent.probe;

import io.netty.util.NetUtil;
import io.nines.common.FailureKind;
import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.nines.config.assertion.Observation;
import io.nines.config.assertion.Verdict;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.NetSocket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.security.auth.x500.X500Principal;

/**
 * Runs {@code tls} checks: a TLS handshake with {@code host:port} that verifies the certificate
 * chain (the JDK's CAs plus the check's {@code ca-file}) and the host name (against the server name
 * sent as SNI, which is {@code serverName}, or else {@code host}), then a look at the leaf
 * certificate.
 *
 * <p>{@code cert.days} is the whole days until the leaf certificate expires, {@code floor((notAfter
 * - now) / 1 day)} with now from the agent's clock; negative once expired. With no assertions a
 * valid handshake passes. A certificate that is expired or not yet valid by the agent's clock fails
 * even when the handshake accepted it (a pinned self-signed certificate is trusted as is).
 *
 * <p>A failed handshake is {@code TLS}, with a message saying whether the certificate was expired,
 * untrusted or for another name. For the diagnostics the probe then connects a second time,
 * trusting anything, to read the certificate anyway (subject, issuer, validity, SANs, fingerprint);
 * that second connection is bounded by the same timeout.
 *
 * <p>Phases: {@code connect} (TCP, including resolving the host), {@code tls} (handshake done) and
 * {@code total}, in milliseconds since the attempt started.
 */
public final class TlsProbe implements Probe {
  private static final long DAY_MILLIS = TimeUnit.DAYS.toMillis(1);

  private final NetClientHolder clients = new NetClientHolder();

  @Override
  public Future<ProbeOutcome> run(Check check, ProbeContext context) {
    return Dispatch.bySpec(
        this, check, CheckSpec.Tls.class, spec -> new Run(check, context, spec).start());
  }

  /** Whole days from {@code now} until {@code certificate} expires, rounded down. */
  static long days(X509Certificate certificate, Instant now) {
    return Math.floorDiv(
        certificate.getNotAfter().toInstant().toEpochMilli() - now.toEpochMilli(), DAY_MILLIS);
  }

  private final class Run extends SocketAttempt {
    private final CheckSpec.Tls spec;
    private final String serverName;
    private NetSocket socket;
    private NetSocket diagnosticSocket;
    private boolean connected;

    /** Set once the handshake failed, while the certificate is read for the diagnostics. */
    private String handshakeFailure;

    private boolean expiredCause;

    Run(Check check, ProbeContext ctx, CheckSpec.Tls spec) {
      super(check, ctx, clients, spec.host(), spec.port());
      this.spec = spec;
      this.serverName = sniName(spec);
    }

    @Override
    protected void begin() {
      connect().onComplete(ar -> guarded(() -> onConnect(ar)));
    }

    private long timeoutMillis() {
      return Math.max(1, check.timeout().toMillis());
    }

    private ClientSSLOptions sslOptions(boolean verify) {
      ClientSSLOptions options =
          new ClientSSLOptions()
              .setSslHandshakeTimeout(timeoutMillis())
              .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
      if (verify) {
        options
            .setHostnameVerificationAlgorithm("HTTPS")
            .setTrustOptions(new ProbeTrustOptions(spec.caFile(), "tls.ca-file"));
      } else {
        options.setHostnameVerificationAlgorithm("").setTrustAll(true);
      }
      return options;
    }

    private void onConnect(AsyncResult<NetSocket> ar) {
      NetSocket s = connected(ar);
      if (s == null) {
        return;
      }
      socket = s;
      connected = true;
      // Handshake errors arrive through the upgrade's future.
      s.exceptionHandler(error -> {});
      s.upgradeToSsl(sslOptions(true), serverName)
          .onComplete(handshake -> guarded(() -> onHandshake(s, handshake)));
    }

    private void onHandshake(NetSocket s, AsyncResult<Void> handshake) {
      if (done()) {
        return;
      }
      if (handshake.failed()) {
        onHandshakeFailed(handshake.cause());
        return;
      }
      mark("tls");
      List<X509Certificate> chain;
      try {
        chain = x509(s.peerCertificates());
      } catch (SSLPeerUnverifiedException e) {
        fail(FailureKind.TLS, "the peer sent no certificate: " + e.getMessage(), diagnostics());
        return;
      }
      if (chain.isEmpty()) {
        fail(FailureKind.TLS, "the peer sent no X.509 certificate", diagnostics());
        return;
      }
      Instant now = ctx.time().now();
      X509Certificate leaf = chain.get(0);
      JsonObject diagnostics = diagnostics(chain, now).put("tls", session(s.sslSession()));
      if (leaf.getNotAfter().toInstant().isBefore(now)) {
        fail(FailureKind.TLS, expired(leaf, now), diagnostics);
        return;
      }
      if (leaf.getNotBefore().toInstant().isAfter(now)) {
        fail(
            FailureKind.TLS,
            "the certificate of "
                + target()
                + " is not valid before "
                + leaf.getNotBefore().toInstant(),
            diagnostics);
        return;
      }
      Observation observation = new TlsObservation(days(leaf, now), elapsed());
      Verdict failed = firstFailing(spec.expect(), observation);
      if (failed != null) {
        fail(FailureKind.ASSERTION, failed.message(), diagnostics);
        return;
      }
      succeed();
    }

    private void onHandshakeFailed(Throwable error) {
      if (Failures.classify(error) == FailureKind.TIMEOUT) {
        fail(
            FailureKind.TIMEOUT,
            "connected to "
                + target()
                + ", but the TLS handshake did not complete within "
                + format(check.timeout()),
            diagnostics());
        return;
      }
      if (socket != null) {
        socket.close();
        socket = null;
      }
      handshakeFailure = describeHandshakeFailure(error);
      for (Throwable t = error; t != null && t.getCause() != t; t = t.getCause()) {
        expiredCause |= t instanceof CertificateExpiredException;
      }
      // Read the certificate anyway, trusting anything, for the diagnostics.
      connect().onComplete(ar -> guarded(() -> onDiagnosticConnect(ar)));
    }

    private void onDiagnosticConnect(AsyncResult<NetSocket> ar) {
      if (ar.failed()) {
        failHandshake(null, "could not reconnect: " + describe(ar.cause()));
        return;
      }
      NetSocket s = ar.result();
      if (done()) {
        s.close();
        return;
      }
      diagnosticSocket = s;
      s.exceptionHandler(error -> {});
      s.upgradeToSsl(sslOptions(false), serverName)
          .onComplete(handshake -> guarded(() -> onDiagnosticHandshake(s, handshake)));
    }

    private void onDiagnosticHandshake(NetSocket s, AsyncResult<Void> handshake) {
      if (handshake.failed()) {
        failHandshake(
            null,
            "the handshake failed even trusting any certificate: " + describe(handshake.cause()));
        return;
      }
      List<X509Certificate> chain;
      try {
        chain = x509(s.peerCertificates());
      } catch (SSLPeerUnverifiedException e) {
        chain = List.of();
      }
      failHandshake(chain, "the server sent none");
    }

    /** Completes a failed handshake with what the diagnostic connection found. */
    private void failHandshake(List<X509Certificate> chain, String notRead) {
      if (done()) {
        return;
      }
      Instant now = ctx.time().now();
      JsonObject diagnostics;
      String message = handshakeFailure;
      if (chain != null && !chain.isEmpty()) {
        diagnostics = diagnostics(chain, now);
        X509Certificate leaf = chain.get(0);
        if (expiredCause && leaf.getNotAfter().toInstant().isBefore(now)) {
          message = expired(leaf, now);
        }
      } else {
        diagnostics = diagnostics().put("certificate", "not read: " + notRead);
      }
      fail(FailureKind.TLS, message, diagnostics);
    }

    @Override
    protected void onTimeout() {
      if (handshakeFailure != null) {
        failHandshake(null, "the second connection did not finish within the timeout");
      } else if (!connected) {
        failNotConnected();
      } else {
        fail(
            FailureKind.TIMEOUT,
            "connected to "
                + target()
                + ", but the TLS handshake did not complete within "
                + format(check.timeout()),
            diagnostics());
      }
    }

    @Override
    protected void release() {
      if (socket != null) {
        socket.close();
        socket = null;
      }
      if (diagnosticSocket != null) {
        diagnosticSocket.close();
        diagnosticSocket = null;
      }
    }

    private String expired(X509Certificate leaf, Instant now) {
      Instant notAfter = leaf.getNotAfter().toInstant();
      return "the certificate of "
          + target()
          + " expired on "
          + notAfter
          + " ("
          + Math.floorDiv(now.toEpochMilli() - notAfter.toEpochMilli(), DAY_MILLIS)
          + " days ago)";
    }

    /** Why the handshake failed, in the words of someone who would have to fix it. */
    private String describeHandshakeFailure(Throwable error) {
      StringBuilder all = new StringBuilder();
      for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
        if (t instanceof ProbeTrustOptions.CaFileException) {
          return t.getMessage();
        }
        if (t instanceof CertificateRejected rejected) {
          return "the certificate of "
              + target()
              + " is "
              + rejected.summary()
              + ": "
              + rejected.detail();
        }
        if (t instanceof CertificateExpiredException) {
          return "a certificate in the chain of "
              + target()
              + " has expired ("
              + t.getMessage()
              + ")";
        }
        if (t instanceof CertificateNotYetValidException) {
          return "a certificate in the chain of "
              + target()
              + " is not valid yet ("
              + t.getMessage()
              + ")";
        }
        all.append(t.getMessage()).append('\n');
      }
      String messages = all.toString();
      String name = serverName != null ? serverName : spec.host();
      if (messages.contains("unable to find valid certification path")
          || messages.contains("PKIX path building failed")) {
        return "the certificate of "
            + target()
            + " is not trusted: no chain to a trusted CA"
            + (spec.caFile() == null
                ? " (a self-signed or private-CA certificate needs tls.ca-file)"
                : " (neither the JDK's CAs nor tls.ca-file " + spec.caFile() + " issued it)");
      }
      if (messages.contains("No subject alternative") || messages.contains("No name matching")) {
        return "the certificate of "
            + target()
            + " is not valid for "
            + name
            + ": "
            + firstLine(messages, "No subject alternative", "No name matching");
      }
      return "the TLS handshake with " + target() + " failed: " + describe(error);
    }

    @Override
    protected JsonObject diagnostics() {
      String remoteAddress = remoteAddress();
      JsonObject d =
          new JsonObject()
              .put("host", spec.host())
              .put("port", spec.port())
              .put("serverName", serverName)
              .put("caFile", spec.caFile())
              .put("connected", connected);
      if (remoteAddress != null) {
        d.put("remoteAddress", remoteAddress);
      }
      return d;
    }

    private JsonObject diagnostics(List<X509Certificate> chain, Instant now) {
      JsonArray rest = new JsonArray();
      for (X509Certificate c : chain.subList(1, chain.size())) {
        rest.add(
            new JsonObject()
                .put("subject", name(c.getSubjectX500Principal()))
                .put("issuer", name(c.getIssuerX500Principal()))
                .put("notAfter", c.getNotAfter().toInstant().toString()));
      }
      return diagnostics().put("certificate", certificate(chain.get(0), now)).put("chain", rest);
    }
  }

  /** The name to send as SNI: serverName, or the host when it is a name (SNI carries no IP). */
  private static String sniName(CheckSpec.Tls spec) {
    String name = spec.serverName() != null ? spec.serverName() : spec.host();
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    if (NetUtil.isValidIpV4Address(name) || NetUtil.isValidIpV6Address(name)) {
      return null;
    }
    return name;
  }

  private static List<X509Certificate> x509(List<Certificate> certificates) {
    return certificates.stream()
        .filter(X509Certificate.class::isInstance)
        .map(X509Certificate.class::cast)
        .toList();
  }

  /** What an on-call engineer looks at in a certificate. */
  static JsonObject certificate(X509Certificate c, Instant now) {
    JsonArray sans = new JsonArray();
    try {
      if (c.getSubjectAlternativeNames() != null) {
        for (List<?> san : c.getSubjectAlternativeNames()) {
          Object type = san.get(0);
          String prefix =
              Integer.valueOf(2).equals(type)
                  ? "DNS:"
                  : Integer.valueOf(7).equals(type) ? "IP:" : "";
          sans.add(prefix + san.get(1));
        }
      }
    } catch (CertificateParsingException e) {
      sans.add("unreadable: " + e.getMessage());
    }
    return new JsonObject()
        .put("subject", name(c.getSubjectX500Principal()))
        .put("issuer", name(c.getIssuerX500Principal()))
        .put("notBefore", c.getNotBefore().toInstant().toString())
        .put("notAfter", c.getNotAfter().toInstant().toString())
        .put("days", days(c, now))
        .put("subjectAltNames", sans)
        .put("serialNumber", c.getSerialNumber().toString(16))
        .put("sha256", sha256(c));
  }

  private static JsonObject session(SSLSession session) {
    JsonObject out = new JsonObject();
    if (session != null) {
      out.put("protocol", session.getProtocol()).put("cipherSuite", session.getCipherSuite());
    }
    return out;
  }

  private static String name(X500Principal principal) {
    return principal.getName(X500Principal.RFC2253);
  }

  private static String sha256(X509Certificate c) {
    try {
      return HexFormat.ofDelimiter(":")
          .withUpperCase()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
    } catch (NoSuchAlgorithmException | java.security.cert.CertificateEncodingException e) {
      return "unavailable: " + e.getMessage();
    }
  }

  private static String describe(Throwable error) {
    return Failures.describe(error);
  }

  private static String firstLine(String messages, String... starts) {
    for (String line : messages.split("\n")) {
      for (String start : starts) {
        int at = line.indexOf(start);
        if (at >= 0) {
          return line.substring(at);
        }
      }
    }
    return messages.lines().findFirst().orElse("");
  }

  /** What assertions read from a TLS handshake: {@code cert.days} and {@code latency}. */
  private record TlsObservation(Long certDays, Duration latency) implements Observation {}
}
