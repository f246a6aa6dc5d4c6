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
}
