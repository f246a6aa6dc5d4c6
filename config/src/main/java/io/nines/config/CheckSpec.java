package io.nines.config;

import io.nines.config.assertion.Assertion;
import java.time.Duration;
import java.util.List;

/** What a check does; one implementation a check type. */
public sealed interface CheckSpec {

  /** The type as written in the configuration: {@code http}, {@code journey}, ... */
  String type();

  /** A single HTTP request. */
  record Http(Request request, HttpOptions options) implements CheckSpec {
    public String type() {
      return "http";
    }
  }

  /** Several requests sharing a cookie jar and variables; the first failing step ends it. */
  record Journey(List<Request> steps, HttpOptions options) implements CheckSpec {
    public Journey {
      steps = List.copyOf(steps);
    }

    public String type() {
      return "journey";
    }
  }

  /** Connect, optionally send {@code send}, and check what comes back. */
  record Tcp(String host, int port, Template send, List<Assertion> expect) implements CheckSpec {
    public Tcp {
      expect = List.copyOf(expect);
    }

    public String type() {
      return "tcp";
    }
  }

  /**
   * A DNS query.
   *
   * @param server {@code host:port} of the resolver, or null for the system's
   * @param recordType A, AAAA, CNAME, MX or TXT
   */
  record Dns(String name, String recordType, String server, List<Assertion> expect)
      implements CheckSpec {
    public Dns {
      expect = List.copyOf(expect);
    }

    public String type() {
      return "dns";
    }
  }

  /** A TLS handshake and a look at the certificate chain. */
  record Tls(String host, int port, String serverName, String caFile, List<Assertion> expect)
      implements CheckSpec {
    public Tls {
      expect = List.copyOf(expect);
    }

    public String type() {
      return "tls";
    }
  }

  /**
   * A real browser walks {@code steps}; the first failing step ends the run.
   *
   * @param steps what to do, in order
   * @param expect assertions on the whole run (latency, lcp, cls, inp, fcp, ttfb, console.errors,
   *     requests.failed), judged after the last step
   * @param stepTimeout how long a step may take unless it says otherwise
   * @param viewportWidth the page's width in CSS pixels
   * @param viewportHeight the page's height in CSS pixels
   */
  record Browser(
      List<BrowserStep> steps,
      List<Assertion> expect,
      Duration stepTimeout,
      int viewportWidth,
      int viewportHeight)
      implements CheckSpec {
    public Browser {
      steps = List.copyOf(steps);
      expect = List.copyOf(expect);
    }

    public String type() {
      return "browser";
    }
  }
}
