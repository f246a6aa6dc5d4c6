package io.nines.agent.probe;

import io.vertx.core.Vertx;
import io.vertx.core.net.TrustOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Objects;
import java.util.function.Function;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * What probes trust: the JDK's default CAs plus, when given, the certificates of a PEM file (a
 * private CA, or a pinned self-signed certificate).
 *
 * <p>Vert.x builds the trust managers on a worker thread, on first use, and caches them per equal
 * options; so the file is read once per agent run, never on an event loop. Immutable.
 */
final class ProbeTrustOptions implements TrustOptions {
  private final String caFile;

  /**
   * @param caFile a PEM file of extra trusted certificates, or null for the JDK's CAs only
   */
  ProbeTrustOptions(String caFile) {
    this.caFile = caFile;
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
    return new ProbeTrustOptions(caFile);
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
    return factory;
  }

  private static Collection<? extends Certificate> read(String caFile) {
    Collection<? extends Certificate> certificates;
    try (InputStream in = Files.newInputStream(Path.of(caFile))) {
      certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new CaFileException("caFile " + caFile + " can't be read: there is no such file");
    } catch (java.nio.file.AccessDeniedException e) {
      throw new CaFileException("caFile " + caFile + " can't be read: permission denied");
    } catch (IOException | RuntimeException e) {
      throw new CaFileException("caFile " + caFile + " can't be read: " + e.getMessage());
    } catch (CertificateException e) {
      throw new CaFileException(
          "caFile " + caFile + " is not a PEM file of certificates: " + e.getMessage());
    }
    if (certificates.isEmpty()) {
      throw new CaFileException(
          "caFile " + caFile + " holds no certificate (expected PEM: -----BEGIN CERTIFICATE-----)");
    }
    return certificates;
  }

  @Override
  public Function<String, TrustManager[]> trustManagerMapper(Vertx vertx) {
    return null; // the same trust for every server name
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProbeTrustOptions other && Objects.equals(caFile, other.caFile);
  }

  @Override
  public int hashCode() {
    return Objects.hash(ProbeTrustOptions.class, caFile);
  }

  @Override
  public String toString() {
    return "ProbeTrustOptions[caFile=" + caFile + "]";
  }
}
