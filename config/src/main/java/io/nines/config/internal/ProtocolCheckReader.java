package io.nines.config.internal;

import io.nines.config.CheckSpec;
import io.nines.config.Template;
import io.nines.config.assertion.Assertion;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the grpc and websocket check types: services probed in their own protocol rather than plain
 * HTTP.
 */
final class ProtocolCheckReader {
  static final List<String> GRPC_KEYS =
      List.of("target", "service", "tls", "insecure", "ca-file", "metadata");
  static final List<String> WEBSOCKET_KEYS =
      List.of("url", "headers", "send", "expect", "insecure", "ca-file");
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final Pattern METADATA_NAME = Pattern.compile("[a-z0-9_.-]+");
  private static final Map<String, String> GRPC_HINTS =
      Map.of(
          "host", "write the host and port together as target: host:port",
          "port", "write the host and port together as target: host:port",
          "url", "a gRPC check names its server as target: host:port, without a scheme");
  private static final Map<String, String> WEBSOCKET_HINTS =
      Map.of(
          "get", "a websocket check names its URL as url: ws://... or wss://...",
          "message", "the text sent after connecting is send:");

  private final LoadContext ctx;

  ProtocolCheckReader(LoadContext ctx) {
    this.ctx = ctx;
  }

  CheckSpec grpc(At at) {
    Fields f = at.fields(GRPC_KEYS, GRPC_HINTS);
    if (f == null) {
      return null;
    }
    HostPort target =
        target(f.require("target", "the server as host:port, e.g. orders.shop.example:50051"));
    String service = "";
    if (f.has("service")) {
      String s = f.get("service").anyString();
      service = s == null ? "" : s;
    }
    boolean tls = false;
    if (f.has("tls")) {
      Boolean v = f.get("tls").bool();
      tls = v != null && v;
    }
    boolean insecure = false;
    if (f.has("insecure")) {
      insecure = insecure(f.get("insecure"), tls);
    }
    String caFile = null;
    if (f.has("ca-file")) {
      caFile = ctx.file(f.get("ca-file"));
      if (!tls) {
        f.owner()
            .keyAt("ca-file")
            .error("applies only with tls: true; add tls: true, or remove ca-file");
      }
    }
    Map<String, Template> metadata = new LinkedHashMap<>();
    if (f.has("metadata")) {
      for (Map.Entry<String, At> e : f.get("metadata").entries().entrySet()) {
        String name = e.getKey();
        At v = e.getValue();
        if (!METADATA_NAME.matcher(name).matches()
            || name.startsWith("grpc-")
            || name.endsWith("-bin")) {
          v.error(
              "has the name '"
                  + name
                  + "', but gRPC metadata names are lowercase letters, digits, '-', '_' and '.',"
                  + " not starting with grpc- (reserved) nor ending in -bin (binary), e.g."
                  + " authorization");
          continue;
        }
        Template t = ctx.template(v, LoadContext.Scope.FLEET, true);
        if (t != null) {
          metadata.put(name, t);
        }
      }
    }
    if (target == null) {
      return null;
    }
    return new CheckSpec.Grpc(
        target.host(), target.port(), service, tls, insecure, caFile, metadata);
  }

  CheckSpec websocket(At at) {
    Fields f = at.fields(WEBSOCKET_KEYS, WEBSOCKET_HINTS);
    if (f == null) {
      return null;
    }
    At urlAt = f.require("url", "a ws:// or wss:// URL, e.g. wss://shop.example/live");
    Template url = urlAt == null ? null : ctx.template(urlAt, LoadContext.Scope.FLEET, true);
    checkUrl(urlAt, url);
    Map<String, Template> headers = new LinkedHashMap<>();
    if (f.has("headers")) {
      Map<String, String> lower = new HashMap<>();
      for (Map.Entry<String, At> e : f.get("headers").entries().entrySet()) {
        String h = e.getKey();
        At v = e.getValue();
        if (!HEADER_NAME.matcher(h).matches()) {
          v.error("is not a valid header name (letters, digits and !#$%&'*+.^_`|~-)");
          continue;
        }
        String clash = lower.putIfAbsent(h.toLowerCase(Locale.ROOT), h);
        if (clash != null) {
          v.error("repeats header '" + clash + "'; header names are case-insensitive");
          continue;
        }
        Template t = ctx.template(v, LoadContext.Scope.FLEET, true);
        if (t != null) {
          headers.put(h, t);
        }
      }
    }
    Template send =
        f.has("send") ? ctx.template(f.get("send"), LoadContext.Scope.FLEET, true) : null;
    List<Assertion> expect =
        f.has("expect") ? Assertions.list(f.get("expect"), "websocket") : List.of();
    boolean secure = url != null && url.source().toLowerCase(Locale.ROOT).startsWith("wss:");
    boolean insecure = false;
    if (f.has("insecure")) {
      insecure = insecure(f.get("insecure"), true);
    }
    String caFile = f.has("ca-file") ? ctx.file(f.get("ca-file")) : null;
    if (url != null && !secure && (insecure || caFile != null)) {
      f.owner()
          .keyAt(insecure ? "insecure" : "ca-file")
          .warning("is ignored: the URL is not wss://, so there is no TLS to verify");
    }
    if (url == null) {
      return null;
    }
    return new CheckSpec.WebSocket(url, headers, send, expect, insecure, caFile);
  }

  /** {@code insecure:}; with {@code tlsConfigured} false it is an error (there is no TLS). */
  private static boolean insecure(At at, boolean tlsConfigured) {
    Boolean v = at.bool();
    if (v == null) {
      return false;
    }
    if (!tlsConfigured) {
      at.error("applies only with tls: true; add tls: true, or remove insecure");
      return false;
    }
    if (v) {
      at.warning(
          "is true: TLS certificates are not verified, so an expired or forged certificate goes"
              + " unnoticed; prefer ca-file for private CAs");
    }
    return v;
  }

  private record HostPort(String host, int port) {}

  /** {@code host:port} ({@code [v6]:port} for IPv6), variables substituted; no scheme, no path. */
  private HostPort target(At at) {
    if (at == null) {
      return null;
    }
    String s = ctx.plain(at);
    if (s == null) {
      return null;
    }
    String expected =
        "host:port of a gRPC server, without scheme or path, e.g. orders.shop.example:50051,"
            + " 10.0.0.7:443 or [::1]:50051";
    String host = null;
    String port = null;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close > 0 && close + 1 < s.length() && s.charAt(close + 1) == ':') {
        host = s.substring(0, close + 1);
        port = s.substring(close + 2);
      }
    } else {
      int colon = s.lastIndexOf(':');
      if (colon > 0 && s.indexOf(':') == colon) {
        host = s.substring(0, colon);
        port = s.substring(colon + 1);
      }
    }
    int p = -1;
    if (port != null && port.matches("[0-9]{1,5}")) {
      p = Integer.parseInt(port);
    }
    if (host == null || !NetworkCheckReader.HOST.matcher(host).matches() || p < 1 || p > 65535) {
      at.mustBe(expected);
      return null;
    }
    return new HostPort(host.startsWith("[") ? host.substring(1, host.length() - 1) : host, p);
  }

  /**
   * Reports when {@code t} can't be an absolute ws(s) URL: checked whole when it holds only text
   * and fleet variables, else the part before the first secret.
   */
  private void checkUrl(At at, Template t) {
    if (at == null || t == null) {
      return;
    }
    StringBuilder known = new StringBuilder();
    boolean complete = true;
    for (Template.Part p : t.parts()) {
      if (p instanceof Template.Text text) {
        known.append(text.text());
      } else if (p instanceof Template.Var v && ctx.vars.containsKey(v.name())) {
        known.append(ctx.vars.get(v.name()));
      } else {
        complete = false;
        break;
      }
    }
    String prefix = known.toString();
    String lower = prefix.toLowerCase(Locale.ROOT);
    if (!complete && !lower.startsWith("ws://") && !lower.startsWith("wss://")) {
      if (!prefix.isEmpty()) {
        at.error("starts with '" + prefix + "', but it must be a ws:// or wss:// URL");
      }
      return;
    }
    if (!complete) {
      return;
    }
    String problem = urlProblem(prefix);
    if (problem != null) {
      at.error("was '" + prefix + "' but " + problem);
    }
  }

  /** Why {@code s} is not an absolute ws(s) URL with a host, or null when it is one. */
  static String urlProblem(String s) {
    URI uri;
    try {
      uri = new URI(s);
    } catch (URISyntaxException e) {
      return "it is not a valid URL: " + e.getReason() + " at index " + e.getIndex();
    }
    String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!"ws".equals(scheme) && !"wss".equals(scheme)) {
      return "it must be a ws:// or wss:// URL, such as wss://shop.example/live"
          + ("http".equals(scheme) || "https".equals(scheme)
              ? " (write ws:// for http:// and wss:// for https://)"
              : "");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      return "it has no valid host; write ws(s)://host[:port]/path";
    }
    if (uri.getPort() > 65535) {
      return "its port " + uri.getPort() + " is above 65535";
    }
    return null;
  }
}
