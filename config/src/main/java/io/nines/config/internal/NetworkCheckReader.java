package io.nines.config.internal;

import io.nines.config.CheckSpec;
import io.nines.config.Template;
import io.nines.config.assertion.Assertion;
import java.util.List;
import java.util.regex.Pattern;

/** Reads the tcp, dns and tls check types: a host to reach, and what must hold there. */
final class NetworkCheckReader {
  static final List<String> TCP_KEYS = List.of("host", "port", "send", "expect");
  static final List<String> DNS_KEYS = List.of("name", "type", "server", "expect");
  static final List<String> TLS_KEYS = List.of("host", "port", "server-name", "ca-file", "expect");
  static final List<String> DNS_TYPES = List.of("A", "AAAA", "CNAME", "MX", "TXT");
  static final Pattern HOST =
      Pattern.compile(
          "[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_.])?|\\[[0-9A-Fa-f:.]+\\]|[0-9A-Fa-f]*:[0-9A-Fa-f:.]+");

  private final LoadContext ctx;

  NetworkCheckReader(LoadContext ctx) {
    this.ctx = ctx;
  }

  CheckSpec tcp(At at) {
    Fields f = at.fields(TCP_KEYS);
    if (f == null) {
      return null;
    }
    String host = host(f.require("host", "the host name or address to connect to"));
    Integer port = port(f.require("port", "the TCP port, 1 to 65535"));
    Template send =
        f.has("send") ? ctx.template(f.get("send"), LoadContext.Scope.FLEET, true) : null;
    List<Assertion> expect = f.has("expect") ? Assertions.list(f.get("expect"), "tcp") : List.of();
    if (host == null || port == null) {
      return null;
    }
    return new CheckSpec.Tcp(host, port, send, expect);
  }

  CheckSpec dns(At at) {
    Fields f = at.fields(DNS_KEYS);
    if (f == null) {
      return null;
    }
    String name = host(f.require("name", "the name to look up, e.g. shop.example"));
    String type = "A";
    if (f.has("type")) {
      String t = f.get("type").string();
      if (t != null && !DNS_TYPES.contains(t)) {
        f.get("type").mustBe("one of " + String.join(", ", DNS_TYPES));
      } else if (t != null) {
        type = t;
      }
    }
    String server = f.has("server") ? server(f.get("server")) : null;
    List<Assertion> expect = f.has("expect") ? Assertions.list(f.get("expect"), "dns") : List.of();
    if (name == null) {
      return null;
    }
    return new CheckSpec.Dns(name, type, server, expect);
  }

  CheckSpec tls(At at) {
    Fields f = at.fields(TLS_KEYS);
    if (f == null) {
      return null;
    }
    String host = host(f.require("host", "the host name or address to connect to"));
    Integer port = f.has("port") ? port(f.get("port")) : Integer.valueOf(443);
    String serverName = f.has("server-name") ? host(f.get("server-name")) : null;
    String caFile = f.has("ca-file") ? ctx.file(f.get("ca-file")) : null;
    List<Assertion> expect = f.has("expect") ? Assertions.list(f.get("expect"), "tls") : List.of();
    if (host == null || port == null) {
      return null;
    }
    return new CheckSpec.Tls(host, port, serverName, caFile, expect);
  }

  private String host(At at) {
    if (at == null) {
      return null;
    }
    String h = ctx.plain(at);
    if (h != null && !HOST.matcher(h).matches()) {
      at.error(
          "was '"
              + h
              + "' but it must be a host name or IP address, without scheme, port or path (e.g."
              + " shop.example)");
      return null;
    }
    return h;
  }

  private static Integer port(At at) {
    return at == null ? null : at.integer(1, 65535);
  }

  /** {@code host} or {@code host:port}, normalized to {@code host:port} (53 by default). */
  private String server(At at) {
    String s = ctx.plain(at);
    if (s == null) {
      return null;
    }
    String host = s;
    String port = "53";
    int colon = s.lastIndexOf(':');
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close > 0 && close + 1 < s.length() && s.charAt(close + 1) == ':') {
        host = s.substring(0, close + 1);
        port = s.substring(close + 2);
      }
    } else if (colon > 0 && s.indexOf(':') == colon) {
      host = s.substring(0, colon);
      port = s.substring(colon + 1);
    }
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      p = -1;
    }
    if (!HOST.matcher(host).matches() || p < 1 || p > 65535) {
      at.mustBe("host or host:port of a DNS resolver, e.g. 1.1.1.1, 10.0.0.2:5353 or [::1]:53");
      return null;
    }
    return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + p;
  }
}
