package io.nines.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class FailuresTest {

  @Test
  void whenAMessageQuotesJavaClassNames_thenTheDescriptionDropsThem() {
    SSLHandshakeException e =
        new SSLHandshakeException(
            "PKIX path building failed:"
                + " sun.security.provider.certpath.SunCertPathBuilderException: unable to find"
                + " valid certification path to requested target");

    assertThat(Failures.describe(e))
        .isEqualTo(
            "PKIX path building failed: unable to find valid certification path to requested"
                + " target");
  }

  @Test
  void whenACauseIsDescribedForOperators_thenThatIsTheDescription() {
    Exception e = new SSLHandshakeException("x: java.security.cert.CertificateException: y");
    e.initCause(new ProbeTrustOptions.CaFileException("ca-file /etc/ca.pem can't be read"));

    assertThat(Failures.describe(e)).isEqualTo("ca-file /etc/ca.pem can't be read");
  }

  @Test
  void whenTheNativeTransportNamesItsSystemCall_thenTheDescriptionKeepsOnlyTheSystemsWords() {
    java.io.IOException e =
        new java.io.IOException(
            "recvAddress(..) failed with error(-104): Connection reset by peer");

    assertThat(Failures.describe(e)).isEqualTo("Connection reset by peer");
    assertThat(
            Failures.withoutClassNames(
                "reading the response from 127.0.0.1:80 failed: "
                    + "recvAddress(..) failed with error(-104): Connection reset by peer"))
        .isEqualTo("reading the response from 127.0.0.1:80 failed: Connection reset by peer");
  }
}
