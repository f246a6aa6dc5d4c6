package io.nines.agent.probe;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.security.auth.x500.X500Principal;

/**
 * Why a server's certificate was rejected, in the words of the operator who has to fix it: what is
 * wrong, with which certificate, and which setting would change it. It names no Java class, so its
 * message can go into a result as it is.
 *
 * <p>{@link ProbeTrustOptions}' trust managers throw it in place of the JDK's exception (kept as
 * the cause), so that both the http and the tls probe can say more than {@code PKIX path building
 * failed}.
 */
final class CertificateRejected extends CertificateException {
  private static final long serialVersionUID = 1L;

  private final String summary;
  private final String detail;

  private CertificateRejected(String summary, String detail, Throwable cause) {
    super("certificate " + summary + ": " + detail, cause);
    this.summary = summary;
    this.detail = detail;
  }

  /**
   * What is wrong, e.g. {@code not trusted}, {@code expired}, {@code not valid for shop.example}.
   */
  String summary() {
    return summary;
  }

  /** The certificates concerned and what to do. */
  String detail() {
    return detail;
  }

  /**
   * Describes why the JDK rejected {@code chain}.
   *
   * @param error what the JDK's trust manager threw
   * @param chain the chain the server sent, leaf first
   * @param peerHost the name the certificate was checked for, or null
   * @param caFile the extra CA file in use, or null
   * @param caFileKey where that setting lives in the configuration, e.g. {@code options.ca-file}
   */
  static CertificateRejected describe(
      CertificateException error,
      X509Certificate[] chain,
      String peerHost,
      String caFile,
      String caFileKey) {
    X509Certificate leaf = chain == null || chain.length == 0 ? null : chain[0];
    String messages = messages(error);
    if (has(error, CertificateExpiredException.class)) {
      X509Certificate c = firstInvalid(chain, true);
      return new CertificateRejected(
          "expired",
          c == null
              ? "a certificate of the chain is past its end date"
              : name(c.getSubjectX500Principal())
                  + " was valid until "
                  + c.getNotAfter().toInstant()
                  + "; the server must be given a renewed certificate",
          error);
    }
    if (has(error, CertificateNotYetValidException.class)) {
      X509Certificate c = firstInvalid(chain, false);
      return new CertificateRejected(
          "not valid yet",
          c == null
              ? "a certificate of the chain is before its start date"
              : name(c.getSubjectX500Principal())
                  + " is valid from "
                  + c.getNotBefore().toInstant()
                  + "; check the clocks of the server and of this agent",
          error);
    }
    if (leaf != null
        && (messages.contains("No subject alternative") || messages.contains("No name matching"))) {
      String host = peerHost == null ? "the host checked" : peerHost;
      List<String> names = names(leaf);
      return new CertificateRejected(
          "not valid for " + host,
          name(leaf.getSubjectX500Principal())
              + (names.isEmpty()
                  ? " names no host (it has no subject alternative names)"
                  : " is for " + String.join(", ", names))
              + "; request one of those names, or give the server a certificate for "
              + host,
          error);
    }
    if (leaf != null
        && (has(error, CertPathBuilderException.class)
            || messages.contains("unable to find valid certification path")
            || messages.contains("PKIX path building failed"))) {
      return new CertificateRejected("not trusted", untrusted(chain, caFile, caFileKey), error);
    }
    return new CertificateRejected(
        "rejected", Failures.withoutClassNames(rootMessage(error)), error);
  }

  private static String untrusted(X509Certificate[] chain, String caFile, String caFileKey) {
    String store = caFile == null ? "the JDK's CAs" : "the JDK's CAs and " + caFile;
    X509Certificate leaf = chain[0];
    X509Certificate top = chain[chain.length - 1];
    boolean selfSigned =
        chain.length == 1 && leaf.getSubjectX500Principal().equals(leaf.getIssuerX500Principal());
    if (selfSigned) {
      return name(leaf.getSubjectX500Principal())
          + " is self-signed and not in the trust store ("
          + store
          + "); to trust it, put it (PEM) in the file that "
          + caFileKey
          + " names";
    }
    boolean topIsRoot = top.getSubjectX500Principal().equals(top.getIssuerX500Principal());
    // The CA the chain ends in: the root the server sent, or the issuer of its last certificate.
    String root = name(topIsRoot ? top.getSubjectX500Principal() : top.getIssuerX500Principal());
    String issuer = name(leaf.getIssuerX500Principal());
    return name(leaf.getSubjectX500Principal())
        + " was issued by "
        + issuer
        + (issuer.equals(root) ? "" : " under " + root)
        + ", which is not in the trust store ("
        + store
        + "); if that is a private CA, set "
        + caFileKey
        + " to a PEM file that holds it"
        + (topIsRoot
            ? ""
            : ", and if it is a public CA, the server may not send its intermediates");
  }

  private static X509Certificate firstInvalid(X509Certificate[] chain, boolean expired) {
    if (chain == null) {
      return null;
    }
    for (X509Certificate c : chain) {
      try {
        c.checkValidity(); // by the JDK's clock, the one its validator used
      } catch (CertificateExpiredException e) {
        if (expired) {
          return c;
        }
      } catch (CertificateNotYetValidException e) {
        if (!expired) {
          return c;
        }
      }
    }
    return null;
  }

  private static List<String> names(X509Certificate c) {
    List<String> out = new ArrayList<>();
    try {
      if (c.getSubjectAlternativeNames() != null) {
        for (List<?> san : c.getSubjectAlternativeNames()) {
          Object type = san.get(0);
          if (Integer.valueOf(2).equals(type)) {
            out.add("DNS:" + san.get(1));
          } else if (Integer.valueOf(7).equals(type)) {
            out.add("IP:" + san.get(1));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // no names to show
    }
    return out;
  }

  private static String name(X500Principal principal) {
    return principal.getName(X500Principal.RFC2253);
  }

  private static boolean has(Throwable error, Class<? extends Throwable> type) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static String messages(Throwable error) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      all.append(t.getMessage()).append('\n');
    }
    return all.toString();
  }

  private static String rootMessage(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? String.valueOf(error.getMessage()) : root.getMessage();
  }
}
