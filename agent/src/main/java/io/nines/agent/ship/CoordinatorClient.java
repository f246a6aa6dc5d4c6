package io.nines.agent.ship;

import io.nines.common.ResultBatch;
import io.nines.config.ConfigSources;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Talks to the coordinator: posts result batches and heartbeats, and fetches the configuration,
 * with the agent's bearer token. Takes a list of coordinator URLs: a post goes to the URL that last
 * worked, and when it fails (no connection, a timeout, a 5xx) the same post is tried once on each
 * other URL in turn before it fails. A 4xx answer is the coordinators' verdict on the batch and is
 * not tried elsewhere. Works behind a plain load balancer (give its one URL).
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
   * Posts a batch whose results are encoded already, like {@link #post(ResultBatch)}: {@code json}
   * holds each result's JSON ({@link io.nines.common.ProbeResult#toJson()}, UTF-8) in the batch's
   * order, e.g. the bytes the spool holds, and the body is built around them instead of encoding
   * every result again (which was most of the shipper's CPU at thousands of results a second).
   */
  public Future<JsonObject> post(ResultBatch batch, List<byte[]> json) {
    return attempt("/api/v1/results", body(batch, json), baseUrls.size());
  }

  /** {@link ResultBatch#toJson()}'s text, with the results' JSON taken from {@code json}. */
  static Buffer body(ResultBatch batch, List<byte[]> json) {
    if (json.size() != batch.results().size()) {
      throw new IllegalArgumentException(
          "json: "
              + json.size()
              + " records (expected: one per result of the batch, "
              + batch.results().size()
              + ")");
    }
    int size = 64 + batch.agentId().length();
    for (byte[] r : json) {
      size += r.length + 1;
    }
    Buffer body = Buffer.buffer(size);
    body.appendString("{\"agent\":")
        .appendString(io.vertx.core.json.Json.encode(batch.agentId()))
        .appendString(",\"results\":[");
    for (int i = 0; i < json.size(); i++) {
      if (i > 0) {
        body.appendByte((byte) ',');
      }
      body.appendBytes(json.get(i));
    }
    body.appendByte((byte) ']');
    if (batch.dropped() > 0) {
      body.appendString(",\"dropped\":").appendString(Long.toString(batch.dropped()));
    }
    return body.appendByte((byte) '}');
  }

  /**
   * Sends a heartbeat; succeeds with the coordinator's answer (the agent's assignment), failing
   * over between coordinators like {@link #post}.
   */
  public Future<JsonObject> heartbeat(JsonObject heartbeat) {
    return attempt("/api/v1/agents/heartbeat", heartbeat.toBuffer(), baseUrls.size());
  }

  /**
   * Fetches the configuration files the coordinator runs ({@code GET /api/v1/agents/config}),
   * failing over between coordinators like {@link #post}.
   *
   * @param haveHash the hash of the configuration the agent runs, sent as {@code If-None-Match};
   *     null for none
   * @return the sources, or null when the coordinator answered 304 (it runs {@code haveHash}); a
   *     {@link CoordinatorException} for another non-2xx answer; an {@link IllegalStateException}
   *     when the answer is malformed or its files do not hash to the version it names
   */
  public Future<ConfigSources> config(String haveHash) {
    return fetchConfig(haveHash, baseUrls.size());
  }

  private Future<ConfigSources> fetchConfig(String haveHash, int triesLeft) {
    String base = currentUrl();
    RequestOptions request =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setAbsoluteURI(strip(base) + "/api/v1/agents/config")
            .setTimeout(timeoutMillis)
            .putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token);
    if (haveHash != null) {
      request.putHeader(HttpHeaders.IF_NONE_MATCH, "\"" + haveHash + "\"");
    }
    return client
        .request(request)
        .compose(HttpClientRequest::send)
        .compose(
            resp ->
                resp.body()
                    .compose(
                        b -> {
                          if (resp.statusCode() == 304) {
                            return Future.<ConfigSources>succeededFuture(null);
                          }
                          if (resp.statusCode() / 100 == 2) {
                            return Future.succeededFuture(sourcesOf(base, b));
                          }
                          return Future.<ConfigSources>failedFuture(
                              new CoordinatorException(
                                  base, resp.statusCode(), abbreviate(b.toString().strip())));
                        }))
        .recover(
            e -> {
              if (e instanceof CoordinatorException ce && ce.statusCode() / 100 == 4) {
                return Future.failedFuture(e);
              }
              current = (current + 1) % baseUrls.size();
              return triesLeft > 1 ? fetchConfig(haveHash, triesLeft - 1) : Future.failedFuture(e);
            });
  }

  /** The sources in a {@code GET /api/v1/agents/config} answer; checks the hash. */
  static ConfigSources sourcesOf(String base, Buffer body) {
    try {
      JsonObject json = body.toJsonObject();
      List<ConfigSources.File> files = new ArrayList<>();
      for (Object o : json.getJsonArray("files")) {
        JsonObject f = (JsonObject) o;
        files.add(new ConfigSources.File(f.getString("path"), f.getString("text")));
      }
      ConfigSources sources = ConfigSources.of(files);
      String version = json.getString("version");
      if (!sources.hash().equals(version)) {
        throw new IllegalStateException(
            "its files hash to "
                + sources.hash()
                + ", not to the version "
                + version
                + " it names");
      }
      return sources;
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          base + " sent a configuration the agent can't use: " + e.getMessage(), e);
    }
  }

  private static String abbreviate(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "..." : text;
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
