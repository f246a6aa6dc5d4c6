package io.nines.agent.probe;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The URL rules of HTTP requests and their redirects, as browsers and {@code curl -L} apply them:
 * which URLs a probe requests, which statuses redirect, where a {@code Location} points, and which
 * headers a redirect keeps. Pure functions; thread-safe.
 */
final class Redirects {
  /** Request headers that do not follow a redirect to another origin. */
  static final List<String> CREDENTIAL_HEADERS =
      List.of("Authorization", "Proxy-Authorization", "Cookie");

  /** Request headers that describe the body, dropped with it when a redirect turns into a GET. */
  static final List<String> BODY_HEADERS =
      List.of(
          "Content-Type",
          "Content-Length",
          "Content-Encoding",
          "Content-Language",
          "Content-Location");

  private Redirects() {}

  /**
   * Whether a redirect with {@code status} turns a {@code method} request into a {@code GET}
   * without its body: the Fetch standard's rules, which browsers follow.
   */
  static boolean turnsIntoGet(int status, String method) {
    return (status == 303 && !method.equals("GET") && !method.equals("HEAD"))
        || ((status == 301 || status == 302) && method.equals("POST"));
  }

  /**
   * An absolute http or https URL with a host.
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  static URI parse(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    String scheme = uri.getScheme();
    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
      throw new IllegalArgumentException(
          "the scheme is '" + scheme + "' (expected: http or https)");
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("it has no host (expected: http://host[:port]/path)");
    }
    return uri;
  }

  /** The statuses browsers follow when they carry a {@code Location}. */
  static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  /**
   * The absolute URL a {@code Location} points to, from the request it answered.
   *
   * @throws IllegalArgumentException when the location is not a URI reference
   */
  static URI resolve(URI base, String location) {
    URI from = base;
    if (from.getRawPath() == null || from.getRawPath().isEmpty()) {
      // URI.resolve would glue a relative path to the authority: give the base its "/".
      from = URI.create(from.toString().replaceFirst("(//[^/?#]*)", "$1/"));
    }
    return from.resolve(lenientUri(location.trim()));
  }

  /**
   * A URI reference as browsers read a {@code Location}: spaces and non-ASCII characters, which
   * servers do send, are percent-encoded (UTF-8) first.
   */
  private static URI lenientUri(String text) {
    StringBuilder encoded = new StringBuilder(text.length());
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^'
          || c == '`' || c == '{' || c == '|' || c == '}') {
        encoded.append('%').append(String.format("%02X", c));
      } else {
        encoded.append((char) c);
      }
    }
    try {
      return new URI(encoded.toString());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** Whether two URLs share scheme, host and port (the port a scheme implies included). */
  static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme())
        && String.valueOf(a.getHost()).equalsIgnoreCase(String.valueOf(b.getHost()))
        && port(a) == port(b);
  }

  private static int port(URI uri) {
    return uri.getPort() >= 0
        ? uri.getPort()
        : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }
}
