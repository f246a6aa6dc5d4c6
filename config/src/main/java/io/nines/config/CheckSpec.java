package io.nines.config;

import io.nines.config.assertion.Assertion;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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
   * A gRPC health check: {@code grpc.health.v1.Health/Check} for {@code service} on {@code
   * host:port}; it passes only when the server answers {@code SERVING}.
   *
   * @param service the service name asked about; empty for the server as a whole
   * @param tls speak TLS (with ALPN {@code h2}); false for cleartext HTTP/2 (h2c, prior knowledge)
   * @param insecure with {@code tls}, skip certificate and host name verification
   * @param caFile with {@code tls}, a PEM file of extra trusted CAs, or null
   * @param metadata sent with the call (lowercase names); values may hold secrets
   */
  record Grpc(
      String host,
      int port,
      String service,
      boolean tls,
      boolean insecure,
      String caFile,
      Map<String, Template> metadata)
      implements CheckSpec {
    public Grpc {
      metadata = Map.copyOf(metadata);
    }

    public String type() {
      return "grpc";
    }
  }

  /**
   * A WebSocket check: connect to {@code url} ({@code ws://} or {@code wss://}), optionally send
   * {@code send} as a text message, and judge the first message received with {@code expect}.
   *
   * @param headers sent with the opening handshake; values may hold secrets
   * @param send a text message sent once connected, or null to only listen
   * @param insecure for {@code wss://}, skip certificate and host name verification
   * @param caFile for {@code wss://}, a PEM file of extra trusted CAs, or null
   */
  record WebSocket(
      Template url,
      Map<String, Template> headers,
      Template send,
      List<Assertion> expect,
      boolean insecure,
      String caFile)
      implements CheckSpec {
    public WebSocket {
      headers = Map.copyOf(headers);
      expect = List.copyOf(expect);
    }

    public String type() {
      return "websocket";
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
