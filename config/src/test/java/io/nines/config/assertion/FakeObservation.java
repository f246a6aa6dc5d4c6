package io.nines.config.assertion;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** An {@link Observation} with fixed values; {@code with*} methods return a changed copy. */
record FakeObservation(
    Integer status,
    Duration latency,
    Map<String, String> headers,
    String body,
    Long certDays,
    List<String> dnsAnswers,
    String dnsRcode)
    implements Observation {

  /** Nothing observed: every method returns null. */
  static FakeObservation empty() {
    return new FakeObservation(null, null, Map.of(), null, null, null, null);
  }

  @Override
  public String header(String name) {
    return headers.entrySet().stream()
        .filter(e -> e.getKey().equalsIgnoreCase(name))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElse(null);
  }

  FakeObservation withStatus(Integer s) {
    return new FakeObservation(s, latency, headers, body, certDays, dnsAnswers, dnsRcode);
  }

  FakeObservation withLatency(Duration l) {
    return new FakeObservation(status, l, headers, body, certDays, dnsAnswers, dnsRcode);
  }

  FakeObservation withHeader(String name, String value) {
    return new FakeObservation(
        status, latency, Map.of(name, value), body, certDays, dnsAnswers, dnsRcode);
  }

  FakeObservation withBody(String b) {
    return new FakeObservation(status, latency, headers, b, certDays, dnsAnswers, dnsRcode);
  }

  FakeObservation withCertDays(Long d) {
    return new FakeObservation(status, latency, headers, body, d, dnsAnswers, dnsRcode);
  }

  FakeObservation withDnsAnswers(List<String> a) {
    return new FakeObservation(status, latency, headers, body, certDays, a, dnsRcode);
  }

  FakeObservation withDnsRcode(String r) {
    return new FakeObservation(status, latency, headers, body, certDays, dnsAnswers, r);
  }
}
