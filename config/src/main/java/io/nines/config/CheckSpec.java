package io.nines.config;

import io.nines.config.assertion.Assertion;
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

  /** A passive check: the job reports to the coordinator by HTTP; nothing probes it. */
  record Heartbeat(HeartbeatPlan plan) implements CheckSpec {
    public String type() {
      return "heartbeat";
    }
  }
}
