package io.nines.config.assertion;

/** What an assertion looks at in a probe's observation. Each subject has one {@link ValueType}. */
public sealed interface Subject {

  /** The type of the observed value. */
  ValueType type();

  /** The subject as written in the language, e.g. {@code header.Content-Type}. */
  String print();

  /** {@code status}: the HTTP status code. */
  record Status() implements Subject {
    public ValueType type() {
      return ValueType.NUMBER;
    }

    public String print() {
      return "status";
    }
  }

  /** {@code latency}: how long the request (or probe) took. */
  record Latency() implements Subject {
    public ValueType type() {
      return ValueType.DURATION;
    }

    public String print() {
      return "latency";
    }
  }

  /**
   * {@code header.NAME}: a response header, matched case-insensitively; absent is null.
   *
   * @param name an HTTP header name (letters, digits and {@code !#$%&'*+-.^_`|~})
   * @throws IllegalArgumentException when {@code name} is not a header name
   */
  record Header(String name) implements Subject {
    public Header {
      if (name == null || name.isEmpty() || !name.chars().allMatch(Parser::isHeaderNameChar)) {
        throw new IllegalArgumentException(
            "name: " + name + " (expected: an HTTP header name such as Content-Type)");
      }
    }

    public ValueType type() {
      return ValueType.STRING;
    }

    public String print() {
      return "header." + name;
    }
  }

  /** {@code body}: the response body as text (for tcp, what the peer sent back). */
  record Body() implements Subject {
    public ValueType type() {
      return ValueType.STRING;
    }

    public String print() {
      return "body";
    }
  }

  /** {@code body.$.a.b[0]}: a value picked from a JSON body by a JSONPath. */
  record BodyJson(JsonPath path) implements Subject {
    public BodyJson {
      java.util.Objects.requireNonNull(path, "path");
    }

    public ValueType type() {
      return ValueType.ANY;
    }

    public String print() {
      return "body." + path.print();
    }
  }

  /** {@code cert.days}: whole days until the leaf certificate expires. */
  record CertDays() implements Subject {
    public ValueType type() {
      return ValueType.NUMBER;
    }

    public String print() {
      return "cert.days";
    }
  }

  /** {@code dns.answers}: the answer records as strings. */
  record DnsAnswers() implements Subject {
    public ValueType type() {
      return ValueType.LIST;
    }

    public String print() {
      return "dns.answers";
    }
  }

  /** {@code dns.rcode}: the response code, e.g. {@code NOERROR}, {@code NXDOMAIN}. */
  record DnsRcode() implements Subject {
    public ValueType type() {
      return ValueType.STRING;
    }

    public String print() {
      return "dns.rcode";
    }
  }

  /**
   * What a browser check measured over its run: {@code lcp}, {@code fcp}, {@code inp}, {@code ttfb}
   * (durations), {@code cls} (a number), {@code console.errors} and {@code requests.failed}
   * (counts).
   *
   * @param name one of {@link #BROWSER_METRICS}
   * @throws IllegalArgumentException when {@code name} is not one of them
   */
  record BrowserMetric(String name) implements Subject {
    public BrowserMetric {
      if (!BROWSER_METRICS.contains(name)) {
        throw new IllegalArgumentException(
            "name: " + name + " (expected: one of " + String.join(", ", BROWSER_METRICS) + ")");
      }
    }

    public ValueType type() {
      return BROWSER_DURATIONS.contains(name) ? ValueType.DURATION : ValueType.NUMBER;
    }

    public String print() {
      return name;
    }
  }

  /** The browser metrics that are durations. */
  java.util.List<String> BROWSER_DURATIONS = java.util.List.of("lcp", "fcp", "inp", "ttfb");

  /** Every browser metric, in the order messages list them. */
  java.util.List<String> BROWSER_METRICS =
      java.util.List.of("lcp", "cls", "inp", "fcp", "ttfb", "console.errors", "requests.failed");
}
