package io.nines.channels.internal;

import io.nines.channels.ChannelOptions;
import io.nines.channels.DeliveryResult;
import io.nines.config.Redaction;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.util.Locale;
import java.util.Map;

/**
 * Posts a body to an HTTP endpoint through that endpoint's breaker, with the send timeout, and
 * turns the answer into a {@link DeliveryResult}: 2xx delivered; 408, 429 and 5xx retryable; any
 * other status permanent. Messages name the kind and {@code host:port} and carry an excerpt of the
 * answer, with every secret value redacted; never the URL's path or query.
 */
public final class HttpPoster {
  private static final long REQUEST_TIMEOUT_MARGIN_MILLIS = 1000;

  private final WebClient client;
  private final Breakers breakers;
  private final ChannelOptions options;

  public HttpPoster(WebClient client, Breakers breakers, ChannelOptions options) {
    this.client = client;
    this.breakers = breakers;
    this.options = options;
  }

  /**
   * One post.
   *
   * @param kind the channel kind, for messages, the breaker and its metric
   * @param url the rendered URL (may hold secrets)
   * @param urlSource the URL as configured, with references rather than values, for messages
   * @param contentType the body's media type
   * @param headers extra request headers
   * @param redaction the secret values to keep out of the result's message
   */
  public Future<DeliveryResult> post(
      String kind,
      String url,
      String urlSource,
      String contentType,
      Buffer body,
      Map<String, String> headers,
      Redaction redaction) {
    Endpoint endpoint = Endpoint.parse(url);
    if (endpoint == null) {
      return Future.succeededFuture(
          DeliveryResult.permanent(
              0,
              kind
                  + " url '"
                  + urlSource
                  + "' is not an absolute http(s) URL with a host (expected: such as"
                  + " https://host/path)"));
    }
    return breakers
        .call(
            kind,
            endpoint.hostPort(),
            () -> attempt(kind, endpoint, url, contentType, body, headers))
        .map(r -> redacted(r, redaction));
  }

  private Future<DeliveryResult> attempt(
      String kind,
      Endpoint endpoint,
      String url,
      String contentType,
      Buffer body,
      Map<String, String> headers) {
    HttpRequest<Buffer> request =
        client
            .postAbs(url)
            // The breaker's timeout (sendTimeout) decides the result; this one, a little later,
            // frees the connection of an endpoint that never answers.
            .timeout(options.sendTimeout().toMillis() + REQUEST_TIMEOUT_MARGIN_MILLIS)
            .putHeader("Content-Type", contentType)
            .putHeader("User-Agent", options.userAgent());
    headers.forEach(request::putHeader);
    return request.sendBuffer(body).map(response -> classify(kind, endpoint.hostPort(), response));
  }

  static DeliveryResult classify(String kind, String endpoint, HttpResponse<Buffer> response) {
    int status = response.statusCode();
    String excerpt = Texts.excerpt(response.bodyAsString());
    String tail = excerpt.isEmpty() ? "" : ": " + excerpt;
    if (status >= 200 && status < 300) {
      return DeliveryResult.delivered(
          status, kind + " " + endpoint + " accepted with " + status + tail);
    }
    String message = kind + " " + endpoint + " answered " + status + tail;
    if (status == 408 || status == 429 || status >= 500) {
      return DeliveryResult.retryable(status, message);
    }
    return DeliveryResult.permanent(status, message);
  }

  private static DeliveryResult redacted(DeliveryResult r, Redaction redaction) {
    String message = redaction.apply(r.message());
    return message.equals(r.message())
        ? r
        : new DeliveryResult(r.ok(), r.code(), message, r.retryable());
  }

  /**
   * The scheme, host and port of a URL; its path and query are left out as they may hold secrets.
   */
  record Endpoint(String host, int port) {
    String hostPort() {
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** The endpoint of {@code url}, or null when it is not an absolute http(s) URL with a host. */
    static Endpoint parse(String url) {
      URI uri;
      try {
        uri = URI.create(url);
      } catch (IllegalArgumentException e) {
        return null;
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        return null;
      }
      String host = uri.getHost();
      if (host == null || host.isEmpty()) {
        return null;
      }
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
      return new Endpoint(host.toLowerCase(Locale.ROOT), port);
    }
  }
}
