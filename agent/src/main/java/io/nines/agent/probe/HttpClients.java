package io.nines.agent.probe;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's HTTP clients. By default every probe opens a new connection, as a first-time user
 * would, so connect and TLS times are real; checks with {@code keep-alive: true} share a pooled
 * client. Clients for a custom CA file or for skipping verification are made once per setting.
 *
 * <p>Thread-safe. Closing closes every client.
 */
public final class HttpClients implements AutoCloseable {
  private final Vertx vertx;
  private final int maxConnections;
  private final ConcurrentHashMap<String, HttpClientAgent> clients = new ConcurrentHashMap<>();

  /**
   * @param maxConnections the most connections each client opens at once
   */
  public HttpClients(Vertx vertx, int maxConnections) {
    this.vertx = vertx;
    this.maxConnections = maxConnections;
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
          if (caFile != null) {
            // The JDK's CAs plus the file's, read on a worker thread.
            options.setTrustOptions(new ProbeTrustOptions(caFile));
          }
          return vertx.createHttpClient(
              options, new PoolOptions().setHttp1MaxSize(maxConnections).setMaxWaitQueueSize(-1));
        });
  }

  @Override
  public void close() {
    clients.values().forEach(HttpClientAgent::close);
    clients.clear();
  }

  /** Closes every client; completes when they are closed. */
  public Future<Void> closeAsync() {
    var futures = clients.values().stream().map(HttpClientAgent::close).toList();
    clients.clear();
    return Future.all(futures).mapEmpty();
  }
}
