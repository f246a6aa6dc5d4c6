package io.nines.common.testing;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PfxOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;

/**
 * X.509 certificates made in the test, in pure Java: a minimal DER writer and the JDK's EC keys and
 * signatures. Enough for a CA, leaves it signs (with chosen validity and subject alternative names)
 * and self-signed certificates.
 */
public final class TestCertificates {
  private TestCertificates() {}

  private static final char[] PASSWORD = "changeit".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A certificate with its key, and the issuer's certificate when there is one. */
  public record Issued(X509Certificate certificate, PrivateKey key, X509Certificate issuer) {

    /** The certificate (and its issuer) with the key, for a Vert.x server. */
    public PfxOptions serverOptions() {
      try {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        Certificate[] chain =
            issuer == null
                ? new Certificate[] {certificate}
                : new Certificate[] {certificate, issuer};
        store.setKeyEntry("server", key, PASSWORD, chain);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        store.store(out, PASSWORD);
        return new PfxOptions()
            .setValue(Buffer.buffer(out.toByteArray()))
            .setPassword(new String(PASSWORD));
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException(e);
      }
    }

    /** Writes the certificate as PEM to a file in {@code dir}. */
    /** Writes the private key as PKCS#8 PEM to a file in {@code dir}. */
    public Path writeKeyPem(Path dir, String fileName) throws IOException {
      String pem =
          "-----BEGIN PRIVATE KEY-----\n"
              + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                  .encodeToString(key.getEncoded())
              + "\n-----END PRIVATE KEY-----\n";
      return Files.writeString(dir.resolve(fileName), pem);
    }

    public Path writePem(Path dir, String fileName) throws IOException {
      String pem =
          "-----BEGIN CERTIFICATE-----\n"
              + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                  .encodeToString(encoded(certificate))
              + "\n-----END CERTIFICATE-----\n";
      return Files.writeString(dir.resolve(fileName), pem);
    }
  }

  /** A self-signed CA valid from an hour ago for a year. */
  public static Issued ca(String commonName) {
    KeyPair keys = keys();
    Instant now = Instant.now();
    X509Certificate cert =
        sign(
            commonName,
            commonName,
            keys,
            keys.getPrivate(),
            now.minusSeconds(3600),
            now.plusSeconds(365L * 86400),
            List.of(),
            true);
    return new Issued(cert, keys.getPrivate(), null);
  }

  /** A leaf certificate signed by {@code ca}. */
  public static Issued leaf(
      Issued ca, String commonName, List<String> altNames, Instant notBefore, Instant notAfter) {
    KeyPair keys = keys();
    String issuer = ca.certificate().getSubjectX500Principal().getName();
    X509Certificate cert =
        sign(
            commonName,
            issuer.substring(issuer.indexOf('=') + 1),
            keys,
            ca.key(),
            notBefore,
            notAfter,
            altNames,
            false);
    return new Issued(cert, keys.getPrivate(), ca.certificate());
  }

  /** A self-signed leaf certificate (not a CA). */
  public static Issued selfSigned(
      String commonName, List<String> altNames, Instant notBefore, Instant notAfter) {
    KeyPair keys = keys();
    X509Certificate cert =
        sign(commonName, commonName, keys, keys.getPrivate(), notBefore, notAfter, altNames, false);
    return new Issued(cert, keys.getPrivate(), null);
  }

  private static KeyPair keys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- X.509 in DER ----

  private static final int[] ECDSA_WITH_SHA256 = {1, 2, 840, 10045, 4, 3, 2};
  private static final int[] COMMON_NAME = {2, 5, 4, 3};
  private static final int[] SUBJECT_ALT_NAME = {2, 5, 29, 17};
  private static final int[] BASIC_CONSTRAINTS = {2, 5, 29, 19};

  /**
   * @param altNames DNS names, or IP addresses (anything that parses as one)
   */
  private static X509Certificate sign(
      String subject,
      String issuer,
      KeyPair keys,
      PrivateKey signer,
      Instant notBefore,
      Instant notAfter,
      List<String> altNames,
      boolean ca) {
    try {
      byte[] algorithm = seq(oid(ECDSA_WITH_SHA256));
      ByteArrayOutputStream extensions = new ByteArrayOutputStream();
      if (!altNames.isEmpty()) {
        ByteArrayOutputStream names = new ByteArrayOutputStream();
        for (String name : altNames) {
          if (Character.isDigit(name.charAt(0)) || name.contains(":")) {
            names.write(tlv(0x87, InetAddress.getByName(name).getAddress()));
          } else {
            names.write(tlv(0x82, name.getBytes(StandardCharsets.US_ASCII)));
          }
        }
        extensions.write(seq(oid(SUBJECT_ALT_NAME), tlv(0x04, tlv(0x30, names.toByteArray()))));
      }
      if (ca) {
        extensions.write(
            seq(
                oid(BASIC_CONSTRAINTS),
                tlv(0x01, new byte[] {(byte) 0xff}),
                tlv(0x04, seq(tlv(0x01, new byte[] {(byte) 0xff})))));
      }
      byte[] tbs =
          seq(
              tlv(0xa0, tlv(0x02, new byte[] {2})), // v3
              tlv(0x02, new BigInteger(64, RANDOM).add(BigInteger.ONE).toByteArray()),
              algorithm,
              name(issuer),
              seq(time(notBefore), time(notAfter)),
              name(subject),
              keys.getPublic().getEncoded(), // SubjectPublicKeyInfo
              extensions.size() == 0
                  ? new byte[0]
                  : tlv(0xa3, tlv(0x30, extensions.toByteArray())));
      Signature signature = Signature.getInstance("SHA256withECDSA");
      signature.initSign(signer);
      signature.update(tbs);
      byte[] sig = signature.sign();
      byte[] bits = new byte[sig.length + 1]; // no unused bits
      System.arraycopy(sig, 0, bits, 1, sig.length);
      byte[] der = seq(tbs, algorithm, tlv(0x03, bits));
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(der));
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] encoded(X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] name(String commonName) throws IOException {
    byte[] cn = seq(oid(COMMON_NAME), tlv(0x0c, commonName.getBytes(StandardCharsets.UTF_8)));
    return seq(tlv(0x31, cn));
  }

  private static byte[] time(Instant t) {
    int year = t.atZone(ZoneOffset.UTC).getYear();
    if (year >= 1950 && year < 2050) {
      String s = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC).format(t);
      return tlv(0x17, s.getBytes(StandardCharsets.US_ASCII));
    }
    String s = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC).format(t);
    return tlv(0x18, s.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] oid(int[] arcs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(40 * arcs[0] + arcs[1]);
    for (int i = 2; i < arcs.length; i++) {
      int arc = arcs[i];
      int shift = 28;
      while (shift > 0 && (arc >>> shift) == 0) {
        shift -= 7;
      }
      for (; shift > 0; shift -= 7) {
        out.write(0x80 | ((arc >>> shift) & 0x7f));
      }
      out.write(arc & 0x7f);
    }
    return tlv(0x06, out.toByteArray());
  }

  private static byte[] seq(byte[]... parts) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.write(part);
    }
    return tlv(0x30, out.toByteArray());
  }

  private static byte[] tlv(int tag, byte[] value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(tag);
    int n = value.length;
    if (n < 0x80) {
      out.write(n);
    } else {
      int bytes = n > 0xffff ? 3 : n > 0xff ? 2 : 1;
      out.write(0x80 | bytes);
      for (int i = bytes - 1; i >= 0; i--) {
        out.write((n >>> (8 * i)) & 0xff);
      }
    }
    out.write(value, 0, n);
    return out.toByteArray();
  }
}
