package io.nines.agent.testing;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * Servers that misbehave on purpose, for the tests that hold the agent to its bounds (the agent's
 * HostileTargetIT in-process, the cli's HostileAgentHeapIT against the distribution): an endless
 * body, a drip feed, one that never answers (also a stalled TLS handshake), a reset mid-response,
 * endless headers and a redirect loop. Each listens on 127.0.0.1, port 0, answers a connection's
 * first bytes, and gives up by itself after {@code lifetime} or {@code maxBytes} per connection.
 *
 * <p>Run them on a Vert.x of their own, apart from the probes', so that their work does not slow
 * the probes' event loops. Published in the agent's test-jar.
 */
public final class HostileTargets {
  private static final long MIB = 1024 * 1024;

  /** A misbehaving server: counts its open connections and the most one connection was sent. */
  public static final class Target {
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong mostWritten = new AtomicLong();
    private final String name;
    private int port;

    private Target(String name) {
      this.name = name;
    }

    public String name() {
      return name;
    }

    /** The port it listens on, at 127.0.0.1. */
    public int port() {
      return port;
    }

    /** Its connections not yet closed. */
    public int open() {
      return open.get();
    }

    /** The most bytes one closed connection was sent. */
    public long mostWritten() {
      return mostWritten.get();
    }
  }

  /** One connection to a target, seen from the target. */
  private static final class Connection {
    final AtomicLong written = new AtomicLong();
    volatile boolean closed;
  }

  private final Vertx vertx;
  private final long lifetimeMillis;
  private final long maxBytes;
  private final List<Target> all = new ArrayList<>();
  private Target endless;
  private Target drip;
  private Target silent;
  private Target reset;
  private Target hugeHeaders;
  private Target loop;

  private HostileTargets(Vertx vertx, Duration lifetime, long maxBytes) {
    this.vertx = vertx;
    this.lifetimeMillis = lifetime.toMillis();
    this.maxBytes = maxBytes;
  }

  /**
   * Starts every target on {@code vertx} and waits (at most 30 s) until they all listen.
   *
   * @param lifetime how long a target keeps any one connection open before closing it
   * @param maxBytes the most an endless target sends on one connection before closing it
   */
  public static HostileTargets start(Vertx vertx, Duration lifetime, long maxBytes)
      throws Exception {
    HostileTargets t = new HostileTargets(vertx, lifetime, maxBytes);
    t.startAll();
    return t;
  }

  /** A chunked 200 whose body never ends. */
  public Target endless() {
    return endless;
  }

  /** A chunked 200 that sends one byte every 20 ms. */
  public Target drip() {
    return drip;
  }

  /** Accepts and never answers: a plain-text request waits, a TLS handshake stalls. */
  public Target silent() {
    return silent;
  }

  /** Starts a 100000-byte response, then resets the connection (SO_LINGER 0). */
  public Target reset() {
    return reset;
  }

  /** A status line followed by headers that never end. */
  public Target hugeHeaders() {
    return hugeHeaders;
  }

  /** A 302 to {@code /again}, forever. */
  public Target loop() {
    return loop;
  }

  /** Every target, in the order above. */
  public List<Target> all() {
    return List.copyOf(all);
  }

  private void startAll() throws Exception {
    endless =
        target(
            "endless",
            new NetServerOptions(),
            (s, c) -> {
              s.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
              byte[] data = new byte[16 * 1024];
              Arrays.fill(data, (byte) 'x');
              Buffer chunk = Buffer.buffer("4000\r\n").appendBytes(data).appendString("\r\n");
              pump(s, chunk, c);
            });
    drip =
        target(
            "drip",
            new NetServerOptions(),
            (s, c) -> {
              s.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
              long[] id = new long[1];
              id[0] =
                  vertx.setPeriodic(
                      20,
                      t -> {
                        if (c.closed) {
                          vertx.cancelTimer(id[0]);
                        } else {
                          s.write("1\r\na\r\n");
                          c.written.addAndGet(6);
                        }
                      });
            });
    silent = target("silent", new NetServerOptions(), (s, c) -> {});
    // SO_LINGER 0: closing sends a reset instead of a FIN.
    reset =
        target(
            "reset",
            new NetServerOptions().setSoLinger(0),
            (s, c) ->
                s.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\npartial")
                    .onComplete(v -> vertx.setTimer(20, t -> s.close())));
    hugeHeaders =
        target(
            "hugeHeaders",
            new NetServerOptions(),
            (s, c) -> {
              s.write("HTTP/1.1 200 OK\r\n");
              pump(s, Buffer.buffer("X-Filler: " + "a".repeat(1000) + "\r\n"), c);
            });
    loop =
        target(
            "loop",
            new NetServerOptions(),
            (s, c) ->
                s.write("HTTP/1.1 302 Found\r\nLocation: /again\r\nContent-Length: 0\r\n\r\n"));
  }

  /**
   * Starts a target that answers each connection's first bytes with {@code behaviour}, and closes
   * any connection after the lifetime.
   */
  private Target target(
      String name, NetServerOptions options, BiConsumer<NetSocket, Connection> behaviour)
      throws Exception {
    Target target = new Target(name);
    Handler<NetSocket> onConnect =
        s -> {
          target.open.incrementAndGet();
          Connection c = new Connection();
          long lifetime = vertx.setTimer(lifetimeMillis, t -> s.close());
          s.closeHandler(
              v -> {
                vertx.cancelTimer(lifetime);
                c.closed = true;
                target.mostWritten.accumulateAndGet(c.written.get(), Math::max);
                target.open.decrementAndGet();
              });
          s.exceptionHandler(e -> {});
          boolean[] answered = new boolean[1];
          s.handler(
              request -> {
                if (!answered[0]) {
                  answered[0] = true;
                  behaviour.accept(s, c);
                }
              });
        };
    target.port =
        await(vertx.createNetServer(options).connectHandler(onConnect).listen(0, "127.0.0.1"))
            .actualPort();
    all.add(target);
    return target;
  }

  /**
   * Writes {@code chunk} as fast as the peer reads, up to {@code maxBytes}. At most 1 MiB per turn
   * of the event loop, so that a close is noticed even when writes to a closed socket do not fill
   * the queue.
   */
  private void pump(NetSocket s, Buffer chunk, Connection c) {
    long turnEnd = c.written.get() + MIB;
    while (!c.closed && !s.writeQueueFull() && c.written.get() < Math.min(turnEnd, maxBytes)) {
      s.write(chunk);
      c.written.addAndGet(chunk.length());
    }
    if (c.closed) {
      return;
    }
    if (c.written.get() >= maxBytes) {
      s.close();
    } else if (s.writeQueueFull()) {
      s.drainHandler(v -> pump(s, chunk, c));
    } else {
      vertx.runOnContext(v -> pump(s, chunk, c));
    }
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
