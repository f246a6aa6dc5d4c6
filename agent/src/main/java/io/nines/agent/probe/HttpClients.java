package io.nines.agent.probe;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's HTTP clients. By default every probe opens a new connection, as a first-time user
 * would, so that DNS, connect and TLS times are real ({@link FreshConnectionTransport}); checks
 * with {@code keep-alive: true} share a pooled Vert.x client. Clients for a custom CA file or for
 * skipping verification are made once per setting.
 *
 * <p>Thread-safe. Closing closes every pooled client; fresh connections never outlive their probe.
 */
public final class HttpClients implements AutoCloseable {
  private final Vertx vertx;
  private final int maxConnections;
  private final ConcurrentHashMap<String, HttpClientAgent> clients = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, PooledTransport> pooled = new ConcurrentHashMap<>();
  private final FreshConnectionTransport.Family fresh;

  /**
   * @param maxConnections the most connections each client opens at once
   */
  public HttpClients(Vertx vertx, int maxConnections) {
    this.vertx = vertx;
    this.maxConnections = maxConnections;
    this.fresh = new FreshConnectionTransport.Family(vertx);
  }

  /**
   * The transport of a check's HTTP requests: a new connection per request, or with {@code
   * keepAlive} the pooled client.
   */
  HttpTransport transport(boolean keepAlive, boolean insecure, String caFile) {
    if (!keepAlive) {
      return fresh.get(insecure, caFile);
    }
    String key = insecure + "|" + (caFile == null ? "" : caFile);
    return pooled.computeIfAbsent(
        key, k -> new PooledTransport(vertx, get(true, insecure, caFile)));
  }

  /**
   * The client for these settings.
   *
   * @param keepAlive reuse connections
   * @param insecure trust any certificate and skip hostname verification
   * @param caFile a PEM file of extra trusted CAs, or null
   */
  public HttpClientAgent get(boolean keepAlive, boolean insecure, String caFile) {
    String key = keepAlive + "|" + insecure + "|" + (caFile == null ? "" : caFile);
    return clients.computeIfAbsent(
        key,
        k -> {
          HttpClientOptions options =
              new HttpClientOptions()
                  .setKeepAlive(keepAlive)
                  .setPipelining(false)
                  .setVerifyHost(!insecure)
                  .setTrustAll(insecure)
                  .setMaxRedirects(0)
                  .setConnectTimeout(30_000);
          if (!insecure) {
            // The JDK's CAs plus the file's, read on a worker thread; rejections in words.
            options.setTrustOptions(new ProbeTrustOptions(caFile, "options.ca-file"));
          }
          return vertx
              .httpClientBuilder()
              .with(options)
              .with(new PoolOptions().setHttp1MaxSize(maxConnections).setMaxWaitQueueSize(-1))
              // The probe reports what broke a connection (a hostile target's endless headers,
              // say) as the check's failure; Vert.x would also log each one as SEVERE.
              .withConnectHandler(connection -> connection.exceptionHandler(error -> {}))
              .build();
        });
  }

  @Override
  public void close() {
    clients.values().forEach(HttpClientAgent::close);
    clients.clear();
    pooled.clear();
  }

  /** Closes every client; completes when they are closed. */
  public Future<Void> closeAsync() {
    var futures = clients.values().stream().map(HttpClientAgent::close).toList();
    clients.clear();
    pooled.clear();
    return Future.all(futures).mapEmpty();
  }
}
