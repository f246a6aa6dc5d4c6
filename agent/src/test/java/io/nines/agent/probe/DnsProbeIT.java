package io.nines.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.nines.agent.TestChecks;
import io.nines.common.FailureKind;
import io.nines.common.ProbeResult;
import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.nines.config.assertion.AssertionParser;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dns probe against a real DNS server (Netty's DNS codec) on loopback. */
class DnsProbeIT {
  private static ProbeHarness harness;
  private static TestDnsServer dns;
  private static DatagramSocket blackHole;
  private static String server;

  @BeforeAll
  static void start() throws Exception {
    harness = new ProbeHarness();
    dns = new TestDnsServer();
    server = "127.0.0.1:" + dns.port();
    // Bound, so the kernel sends no "port unreachable", and never read: queries vanish.
    blackHole = new DatagramSocket(0, InetAddress.getLoopbackAddress());
  }

  @AfterAll
  static void stop() throws Exception {
    blackHole.close();
    dns.close();
    harness.close();
  }

  private static Check dns(String name, String type, String server, String... expect) {
    return TestChecks.check(
        "dns-" + name,
        Duration.ofSeconds(10),
        new CheckSpec.Dns(
            name, type, server, Arrays.stream(expect).map(AssertionParser::parse).toList()));
  }

  @Test
  void whenTheAnswerHoldsTheAddress_thenOk() throws Exception {
    ProbeResult r =
        harness.run(
            dns(
                "shop.nines.test",
                "A",
                server,
                "dns.answers contains \"10.0.0.1\"",
                "dns.answers == [\"10.0.0.2\", \"10.0.0.1\"]",
                "dns.rcode == \"NOERROR\"",
                "latency < 2s"));
    assertThat(r.ok()).as("%s", r.failure()).isTrue();
    assertThat(r.phasesMillis()).containsKey("total");
  }

  @Test
  void whenNoAssertionIsGiven_thenAnAnswerIsEnough() throws Exception {
    ProbeResult r = harness.run(dns("shop.nines.test", "AAAA", server));
    assertThat(r.ok()).as("%s", r.failure()).isTrue();
  }

  @Test
  void whenEachRecordTypeIsAsked_thenAnswersReadAsPeopleWriteThem() throws Exception {
    assertAnswers("shop.nines.test", "AAAA", "[\"2001:db8::1\"]");
    assertAnswers("shop.nines.test", "MX", "[\"10 mx1.nines.test.\", \"20 mx2.nines.test.\"]");
    assertAnswers(
        "shop.nines.test",
        "TXT",
        "[\"v=spf1 -all\", \"" + TestDnsServer.LONG_TXT_1 + TestDnsServer.LONG_TXT_2 + "\"]");
    assertAnswers("www.nines.test", "CNAME", "[\"shop.nines.test.\"]");
    // An A query for an alias answers with the addresses at the end of the chain.
    assertAnswers("WWW.nines.test.", "A", "[\"10.0.0.1\", \"10.0.0.2\"]");
  }

  private static void assertAnswers(String name, String type, String expected) throws Exception {
    ProbeResult r = harness.run(dns(name, type, server, "dns.answers == " + expected));
    assertThat(r.ok()).as("%s %s: %s", name, type, r.failure()).isTrue();
  }

  @Test
  void whenTheAnswerDiffers_thenAssertionWithTheActualAnswers() throws Exception {
    ProbeResult r =
        harness.run(dns("shop.nines.test", "A", server, "dns.answers contains \"10.9.9.9\""));
    assertThat(r.failure().kind()).isEqualTo(FailureKind.ASSERTION);
    assertThat(r.failure().message()).contains("10.9.9.9").contains("\"10.0.0.1\"");
    assertThat(r.diagnostics().getString("rcode")).isEqualTo("NOERROR");
    assertThat(r.diagnostics().getJsonArray("answers")).containsExactly("10.0.0.1", "10.0.0.2");
    assertThat(r.diagnostics().getJsonArray("answerRecords").getString(0))
        .isEqualTo("shop.nines.test. 300 A 10.0.0.1");
  }

  @Test
  void whenTheNameDoesNotExist_thenDnsFailureNamingIt() throws Exception {
    ProbeResult r = harness.run(dns("gone.nines.test", "A", server));
    assertThat(r.failure().kind()).isEqualTo(FailureKind.DNS);
    assertThat(r.failure().message()).startsWith("NXDOMAIN for gone.nines.test");
    assertThat(r.diagnostics().getString("rcode")).isEqualTo("NXDOMAIN");
    assertThat(r.diagnostics().getJsonArray("authorityRecords").getString(0))
        .isEqualTo(
            "nines.test. 300 SOA ns1.nines.test. hostmaster.nines.test. 2024010101 3600 600"
                + " 86400 300");
  }

  @Test
  void whenAnAssertionExpectsNxdomain_thenNxdomainPasses() throws Exception {
    ProbeResult r =
        harness.run(
            dns("gone.nines.test", "A", server, "dns.rcode == \"NXDOMAIN\"", "latency < 2s"));
    assertThat(r.ok()).as("%s", r.failure()).isTrue();
  }

  @Test
  void whenTheServerFails_thenDnsWithTheRcode() throws Exception {
    ProbeResult r = harness.run(dns("broken.nines.test", "A", server));
    assertThat(r.failure().kind()).isEqualTo(FailureKind.DNS);
    assertThat(r.failure().message()).startsWith("SERVFAIL for broken.nines.test");
  }

  @Test
  void whenTheNameHasNoRecordsAndNoAssertion_thenDns() throws Exception {
    ProbeResult r = harness.run(dns("empty.nines.test", "A", server));
    assertThat(r.failure().kind()).isEqualTo(FailureKind.DNS);
    assertThat(r.failure().message()).contains("no A records for empty.nines.test");
  }

  @Test
  void whenTheServerNeverAnswers_thenTimeoutAfterOneResend() throws Exception {
    Check check =
        TestChecks.withTimeout(
            dns("shop.nines.test", "A", "127.0.0.1:" + blackHole.getLocalPort()),
            Duration.ofMillis(300));
    ProbeResult r = harness.run(check);
    assertThat(r.failure().kind()).isEqualTo(FailureKind.TIMEOUT);
    assertThat(r.failure().message()).contains("300ms");
    assertThat(r.diagnostics().getInteger("queriesSent")).isEqualTo(2);
    assertThat(r.durationMillis()).isBetween(250L, 3_000L);
  }

  @Test
  void whenTheCheckNamesNoServer_thenTheProbesDefaultServerIsAsked() throws Exception {
    DnsProbe probe = new DnsProbe(server);
    ProbeOutcome o = harness.run(probe, dns("shop.nines.test", "MX", null));
    assertThat(o.ok()).as("%s", o.failure()).isTrue();
  }

  @Test
  void whenNoServerIsNamedAnywhere_thenDnsNamingTheResolvConf(@TempDir Path dir) throws Exception {
    Path conf = Files.writeString(dir.resolve("resolv.conf"), "search corp.example\n");
    DnsProbe probe = new DnsProbe(null, conf);
    for (int i = 0; i < 2; i++) { // read once, then remembered
      ProbeOutcome o = harness.run(probe, dns("shop.nines.test", "A", null));
      assertThat(o.failure().kind()).isEqualTo(FailureKind.DNS);
      assertThat(o.failure().message()).contains(conf.toString()).contains("no nameserver line");
    }
  }

  @Test
  void whenTheServerIsNotHostAndPort_thenDnsSayingWhatIsExpected() throws Exception {
    ProbeResult r = harness.run(dns("shop.nines.test", "A", "127.0.0.1:99999"));
    assertThat(r.failure().kind()).isEqualTo(FailureKind.DNS);
    assertThat(r.failure().message()).contains("'127.0.0.1:99999'").contains("host:port");
  }
}
