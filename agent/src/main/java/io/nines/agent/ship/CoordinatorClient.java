package io.nines.agent.ship;

import io.nines.common.ResultBatch;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Talks to the coordinator: posts result batches with the agent's bearer token. Takes a list of
 * coordinator URLs: a post goes to the URL that last worked, and when it fails (no connection, a
 * timeout, a 5xx) the same post is tried once on each other URL in turn before it fails. A 4xx
 * answer is the coordinators' verdict on the batch and is not tried elsewhere. Works behind a plain
 * load balancer (give its one URL).
 *
 * <p>Call from the agent's context; futures complete on it.
 */
public final class CoordinatorClient {
  private final HttpClientAgent client;
  private final List<String> baseUrls;
  private final String token;
  private final long timeoutMillis;
  private int current;

  /**
   * @param baseUrls coordinator base URLs such as {@code http://127.0.0.1:8080}; tried in order
   * @param token the agent's bearer token
   * @param timeoutMillis the most one post may take
   */
  public CoordinatorClient(Vertx vertx, List<String> baseUrls, String token, long timeoutMillis) {
    this(vertx, baseUrls, token, timeoutMillis, null);
  }

  /**
   * @param caFile a PEM file of the CAs to trust for {@code https} coordinators instead of the
   *     JDK's, e.g. the CA of a private coordinator certificate; null for the JDK's. The host name
   *     is always verified.
   */
  public CoordinatorClient(
      Vertx vertx, List<String> baseUrls, String token, long timeoutMillis, String caFile) {
    if (baseUrls.isEmpty()) {
      throw new IllegalArgumentException("baseUrls: [] (expected: at least one coordinator URL)");
    }
    this.baseUrls = List.copyOf(baseUrls);
    this.token = token;
    this.timeoutMillis = timeoutMillis;
    HttpClientOptions options = new HttpClientOptions().setKeepAlive(true).setVerifyHost(true);
    if (caFile != null) {
      options.setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertPath(caFile));
    }
    this.client = vertx.createHttpClient(options);
  }

  /** The URL the next post goes to. */
  public String currentUrl() {
    return baseUrls.get(current);
  }

  /**
   * Posts a batch. Succeeds with the coordinator's answer when one acknowledged the batch (2xx);
   * fails with the last failure when none did, with a {@link CoordinatorException} when a
   * coordinator answered with another status.
   */
  public Future<JsonObject> post(ResultBatch batch) {
    Buffer body = batch.toJson().toBuffer();
    return attempt("/api/v1/results", body, baseUrls.size());
  }

  /**
   * Sends a heartbeat; succeeds with the coordinator's answer (the agent's assignment), failing
   * over between coordinators like {@link #post}.
   */
  public Future<JsonObject> heartbeat(JsonObject heartbeat) {
    return attempt("/api/v1/agents/heartbeat", heartbeat.toBuffer(), baseUrls.size());
  }

  private Future<JsonObject> attempt(String path, Buffer body, int triesLeft) {
    String base = currentUrl();
    return postTo(base, path, body)
        .recover(
            e -> {
              boolean answered4xx =
                  e instanceof CoordinatorException ce && ce.statusCode() / 100 == 4;
              if (answered4xx) {
                return Future.failedFuture(e);
              }
              current = (current + 1) % baseUrls.size();
              return triesLeft > 1 ? attempt(path, body, triesLeft - 1) : Future.failedFuture(e);
            });
  }

  private Future<JsonObject> postTo(String base, String path, Buffer body) {
    return client
        .request(
            new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(strip(base) + path)
                .setTimeout(timeoutMillis)
                .putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json"))
        .compose(req -> req.send(body))
        .compose(
            resp ->
                resp.body()
                    .compose(
                        b -> {
                          if (resp.statusCode() / 100 == 2) {
                            return Future.succeededFuture(b.toJsonObject());
                          }
                          String text = b.toString().strip();
                          return Future.failedFuture(
                              new CoordinatorException(
                                  base,
                                  resp.statusCode(),
                                  text.length() > 300 ? text.substring(0, 300) + "..." : text));
                        }));
  }

  private static String strip(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  public Future<Void> close() {
    return client.close();
  }
}
