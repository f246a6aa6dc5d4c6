package io.nines.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Forwards TCP connections from an address of this host to another, byte for byte: how members in
 * network namespaces reach the test PostgreSQL, which listens on 127.0.0.1 only. A thread per
 * direction per connection (a handful of pooled JDBC connections here). {@link #close()} closes the
 * listener and every connection.
 */
final class TcpRelay implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress target;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  TcpRelay(String bindAddress, String targetHost, int targetPort) throws IOException {
    this.target = new InetSocketAddress(targetHost, targetPort);
    this.server = new ServerSocket(0, 50, InetAddress.getByName(bindAddress));
    Thread acceptor = new Thread(this::accept, "tcp-relay-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket in = server.accept();
        Socket out = new Socket();
        open.add(in);
        open.add(out);
        try {
          out.connect(target, 5000);
        } catch (IOException e) {
          closeQuietly(in);
          closeQuietly(out);
          continue;
        }
        pump(in, out);
        pump(out, in);
      } catch (IOException e) {
        // Closed, or one connection failed: the loop condition decides.
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              try (InputStream i = from.getInputStream()) {
                OutputStream o = to.getOutputStream();
                i.transferTo(o);
                to.shutdownOutput();
              } catch (IOException e) {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "tcp-relay-pump");
    t.setDaemon(true);
    t.start();
  }

  private void closeQuietly(Socket s) {
    open.remove(s);
    try {
      s.close();
    } catch (IOException e) {
      // Closing anyway.
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : Set.copyOf(open)) {
      closeQuietly(s);
    }
  }
}
