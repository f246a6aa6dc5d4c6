package io.nines.agent.probe;

import io.netty.handler.ssl.util.SimpleTrustManagerFactory;
import io.vertx.core.Vertx;
import io.vertx.core.net.TrustOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * What probes trust: the JDK's default CAs plus, when given, the certificates of a PEM file (a
 * private CA, or a pinned self-signed certificate).
 *
 * <p>A rejected server certificate is reported as a {@link CertificateRejected} (the JDK's
 * exception is its cause), which says in an operator's words what is wrong and names the setting
 * {@code caFileKey} that would fix an untrusted issuer.
 *
 * <p>Vert.x builds the trust managers on a worker thread, on first use, and caches them per equal
 * options; so the file is read once per agent run, never on an event loop. Immutable.
 */
final class ProbeTrustOptions implements TrustOptions {
  private final String caFile;
  private final String caFileKey;

  /**
   * @param caFile a PEM file of extra trusted certificates, or null for the JDK's CAs only
   * @param caFileKey where {@code ca-file} is set in a check, for messages: {@code options.ca-file}
   *     (http, journey) or {@code tls.ca-file}
   */
  ProbeTrustOptions(String caFile, String caFileKey) {
    this.caFile = caFile;
    this.caFileKey = caFileKey;
  }

  /** Thrown when the CA file can't be used; the message names the file and the problem. */
  static final class CaFileException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    CaFileException(String message) {
      super(message);
    }
  }

  @Override
  public TrustOptions copy() {
    return new ProbeTrustOptions(caFile, caFileKey);
  }

  /**
   * @throws CaFileException when the CA file can't be read or holds no certificate
   */
  @Override
  public TrustManagerFactory getTrustManagerFactory(Vertx vertx) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    TrustManagerFactory jdk =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    jdk.init((KeyStore) null);
    int n = 0;
    for (TrustManager manager : jdk.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        for (X509Certificate ca : x509.getAcceptedIssuers()) {
          store.setCertificateEntry("jdk-" + n++, ca);
        }
      }
    }
    if (caFile != null) {
      for (Certificate ca : read(caFile)) {
        store.setCertificateEntry("ca-file-" + n++, ca);
      }
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    List<TrustManager> managers = new ArrayList<>();
    for (TrustManager manager : factory.getTrustManagers()) {
      managers.add(
          manager instanceof X509ExtendedTrustManager x509
              ? new Describing(x509, caFile, caFileKey)
              : manager);
    }
    return new SimpleTrustManagerFactory() {
      @Override
      protected void engineInit(KeyStore keyStore) {}

      @Override
      protected void engineInit(ManagerFactoryParameters parameters) {}

      @Override
      protected TrustManager[] engineGetTrustManagers() {
        return managers.toArray(new TrustManager[0]);
      }
    };
  }

  /** The JDK's trust manager, with its rejections described by {@link CertificateRejected}. */
  private static final class Describing extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager delegate;
    private final String caFile;
    private final String caFileKey;

    Describing(X509ExtendedTrustManager delegate, String caFile, String caFileKey) {
      this.delegate = delegate;
      this.caFile = caFile;
      this.caFileKey = caFileKey;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      try {
        delegate.checkServerTrusted(chain, authType, engine);
      } catch (CertificateException e) {
        throw describe(e, chain, engine == null ? null : engine.getPeerHost());
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      try {
        delegate.checkServerTrusted(chain, authType, socket);
      } catch (CertificateException e) {
        String host =
            socket instanceof SSLSocket ssl && ssl.getHandshakeSession() != null
                ? ssl.getHandshakeSession().getPeerHost()
                : null;
        throw describe(e, chain, host);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      try {
        delegate.checkServerTrusted(chain, authType);
      } catch (CertificateException e) {
        throw describe(e, chain, null);
      }
    }

    private CertificateException describe(
        CertificateException e, X509Certificate[] chain, String host) {
      return e instanceof CertificateRejected
          ? e
          : CertificateRejected.describe(e, chain, host, caFile, caFileKey);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      delegate.checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      delegate.checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      delegate.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }
  }

  private static Collection<? extends Certificate> read(String caFile) {
    Collection<? extends Certificate> certificates;
    try (InputStream in = Files.newInputStream(Path.of(caFile))) {
      certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new CaFileException("ca-file " + caFile + " can't be read: there is no such file");
    } catch (java.nio.file.AccessDeniedException e) {
      throw new CaFileException("ca-file " + caFile + " can't be read: permission denied");
    } catch (IOException | RuntimeException e) {
      throw new CaFileException(
          "ca-file " + caFile + " can't be read: " + Failures.withoutClassNames(e.getMessage()));
    } catch (CertificateException e) {
      throw new CaFileException(
          "ca-file "
              + caFile
              + " is not a PEM file of certificates: "
              + Failures.withoutClassNames(e.getMessage()));
    }
    if (certificates.isEmpty()) {
      throw new CaFileException(
          "ca-file "
              + caFile
              + " holds no certificate (expected PEM: -----BEGIN CERTIFICATE-----)");
    }
    return certificates;
  }

  @Override
  public Function<String, TrustManager[]> trustManagerMapper(Vertx vertx) {
    return null; // the same trust for every server name
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProbeTrustOptions other
        && Objects.equals(caFile, other.caFile)
        && Objects.equals(caFileKey, other.caFileKey);
  }

  @Override
  public int hashCode() {
    return Objects.hash(ProbeTrustOptions.class, caFile, caFileKey);
  }

  @Override
  public String toString() {
    return "ProbeTrustOptions[caFile=" + caFile + ", caFileKey=" + caFileKey + "]";
  }
}
