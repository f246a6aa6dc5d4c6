package io.nines.agent.probe;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;

/**
 * The plain TCP client of a probe, made on first use for the Vert.x instance the probe runs on.
 * Connections are never reused: each attempt connects, and closes its socket when it completes. TLS
 * is negotiated per connection ({@code upgradeToSsl}), so one client serves every check.
 *
 * <p>Thread-safe. The client is closed with its Vert.x instance, or with the verticle that first
 * used it: the agent makes new probes ({@link CheckRunner#defaultProbes()}) each time it starts.
 */
final class NetClientHolder {
  private Vertx owner;
  private NetClient client;

  /** The client for {@code vertx}; a new one when the probe moves to another Vert.x instance. */
  synchronized NetClient get(Vertx vertx) {
    if (owner != vertx) {
      // Reconnecting is the check's business (retries), not the client's.
      client = vertx.createNetClient(new NetClientOptions().setReconnectAttempts(0));
      owner = vertx;
    }
    return client;
  }
}
