package io.nines.agent.probe;

import java.net.URI;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cookies of one HTTP or journey check run, kept as a browser keeps them (RFC 6265, without the
 * public-suffix list): a cookie is sent back only to the host that set it (or, with {@code Domain},
 * to that domain and its subdomains), only under its {@code Path}, and with {@code Secure} only
 * over https. A {@code Set-Cookie} with {@code Max-Age} of 0 or less, or an {@code Expires} in the
 * past by the agent's clock, deletes the cookie. Cookies live as long as the run: every run starts
 * with an empty jar, as a first-time visitor does.
 *
 * <p>Bounded against a hostile target: at most {@link #MAX_COOKIES} cookies (the oldest goes first)
 * of at most {@link #MAX_COOKIE_CHARS} characters each; a larger one is ignored, as browsers ignore
 * it.
 *
 * <p>Not thread-safe: confined to the run's Vert.x context.
 */
final class CookieJar {
  /** The most cookies one run keeps. */
  static final int MAX_COOKIES = 64;

  /** The longest {@code name=value} kept, in characters (browsers keep 4096 bytes). */
  static final int MAX_COOKIE_CHARS = 4096;

  private static final DateTimeFormatter RFC_1123 = DateTimeFormatter.RFC_1123_DATE_TIME;

  private record Key(String name, String domain, String path) {}

  private record Cookie(
      String name, String value, String domain, boolean hostOnly, String path, boolean secure) {}

  private final Map<Key, Cookie> cookies = new LinkedHashMap<>();

  /**
   * Takes the {@code Set-Cookie} headers of a response to a request for {@code from}.
   *
   * @param now the agent's wall-clock time, for {@code Expires}
   */
  void store(URI from, List<String> setCookies, Instant now) {
    for (String header : setCookies) {
      store(from, header, now);
    }
  }

  private void store(URI from, String header, Instant now) {
    String[] parts = header.split(";");
    String pair = parts[0];
    int eq = pair.indexOf('=');
    if (eq <= 0 || pair.length() > MAX_COOKIE_CHARS) {
      return;
    }
    String name = pair.substring(0, eq).trim();
    String value = pair.substring(eq + 1).trim();
    if (name.isEmpty()) {
      return;
    }
    String host = host(from);
    String domain = null;
    String path = null;
    boolean secure = false;
    Long maxAgeSeconds = null;
    Instant expires = null;
    for (int i = 1; i < parts.length; i++) {
      String attribute = parts[i].trim();
      int at = attribute.indexOf('=');
      String key =
          (at < 0 ? attribute : attribute.substring(0, at)).trim().toLowerCase(Locale.ROOT);
      String v = at < 0 ? "" : attribute.substring(at + 1).trim();
      switch (key) {
        case "domain" -> {
          String d = v.startsWith(".") ? v.substring(1) : v;
          domain = d.isEmpty() ? null : d.toLowerCase(Locale.ROOT);
        }
        case "path" -> path = v.startsWith("/") ? v : null;
        case "secure" -> secure = true;
        case "max-age" -> maxAgeSeconds = maxAge(v);
        case "expires" -> expires = expires(v);
        default -> {
          // HttpOnly, SameSite and unknown attributes change nothing for a probe.
        }
      }
    }
    boolean hostOnly = domain == null;
    if (hostOnly) {
      domain = host;
    } else if (!domainMatches(host, domain)) {
      return; // a host may not set a cookie for another domain
    }
    if (path == null) {
      path = defaultPath(from);
    }
    Key key = new Key(name, domain, path);
    boolean expired =
        maxAgeSeconds != null ? maxAgeSeconds <= 0 : expires != null && !expires.isAfter(now);
    if (expired) {
      cookies.remove(key);
      return;
    }
    cookies.remove(key); // a replaced cookie counts as the newest
    cookies.put(key, new Cookie(name, value, domain, hostOnly, path, secure));
    Iterator<Key> oldest = cookies.keySet().iterator();
    while (cookies.size() > MAX_COOKIES) {
      oldest.next();
      oldest.remove();
    }
  }

  /** The {@code Cookie} header for a request to {@code to}, or null when no cookie applies. */
  String header(URI to) {
    String host = host(to);
    String path = to.getRawPath() == null || to.getRawPath().isEmpty() ? "/" : to.getRawPath();
    boolean https = "https".equalsIgnoreCase(to.getScheme());
    List<Cookie> matching = new ArrayList<>();
    for (Cookie c : cookies.values()) {
      boolean domainOk = c.hostOnly() ? host.equals(c.domain()) : domainMatches(host, c.domain());
      if (domainOk && pathMatches(path, c.path()) && (https || !c.secure())) {
        matching.add(c);
      }
    }
    if (matching.isEmpty()) {
      return null;
    }
    // Longer paths first (RFC 6265 5.4); the sort is stable, so older cookies come first otherwise.
    matching.sort(Comparator.comparingInt((Cookie c) -> c.path().length()).reversed());
    StringBuilder out = new StringBuilder();
    for (Cookie c : matching) {
      out.append(out.length() == 0 ? "" : "; ").append(c.name()).append('=').append(c.value());
    }
    return out.toString();
  }

  /** How many cookies the jar holds. */
  int size() {
    return cookies.size();
  }

  private static String host(URI uri) {
    String h = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }

  /** RFC 6265 5.1.3: the host is the domain, or a name under it (never an IP address under it). */
  private static boolean domainMatches(String host, String domain) {
    if (host.equals(domain)) {
      return true;
    }
    boolean ip = host.startsWith("[") || host.contains(":") || host.matches("[0-9.]+");
    return !ip && host.endsWith("." + domain);
  }

  /** RFC 6265 5.1.4. */
  private static boolean pathMatches(String requestPath, String cookiePath) {
    if (requestPath.equals(cookiePath)) {
      return true;
    }
    return requestPath.startsWith(cookiePath)
        && (cookiePath.endsWith("/") || requestPath.charAt(cookiePath.length()) == '/');
  }

  /** RFC 6265 5.1.4: the request path up to, not including, its last slash; "/" at least. */
  private static String defaultPath(URI uri) {
    String path = uri.getRawPath();
    if (path == null || !path.startsWith("/")) {
      return "/";
    }
    int last = path.lastIndexOf('/');
    return last <= 0 ? "/" : path.substring(0, last);
  }

  private static Long maxAge(String v) {
    if (!v.matches("-?[0-9]{1,18}")) {
      return null; // not a number: the attribute is ignored
    }
    return Long.parseLong(v);
  }

  /** An {@code Expires} date (RFC 1123, or the old {@code 21-Oct-2015} form), or null. */
  private static Instant expires(String v) {
    for (String candidate : List.of(v, v.replace('-', ' '))) {
      try {
        return ZonedDateTime.parse(candidate, RFC_1123).toInstant();
      } catch (DateTimeParseException e) {
        // try the next form
      }
    }
    return null;
  }
}
