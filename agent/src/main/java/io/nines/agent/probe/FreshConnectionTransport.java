package io.nines.agent.probe;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.PlatformDependent;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.impl.headers.HeadersAdaptor;
import io.vertx.core.impl.buffer.VertxByteBufAllocator;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.lang.reflect.Constructor;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HTTP/1.1 over a new connection for every exchange, as a first-time visitor would, so that each
 * phase is real and timed: the name is resolved with Vert.x's asynchronous resolver ({@code dns};
 * an IP literal resolves at once), a TCP connection is opened ({@code connect}; each resolved
 * address is tried in turn), TLS is negotiated for {@code https} ({@code tls}), the request is sent
 * with {@code Connection: close}, and the status line and headers are read ({@code firstByte}). The
 * body is read up to the cap; the connection is closed when the exchange ends.
 *
 * <p>It runs on raw Netty, on the event loop of the calling Vert.x context and with the Vert.x
 * instance's transport (native epoll when Vert.x runs it, NIO otherwise), because Vert.x's HTTP
 * client does not tell when a connection was resolved, connected or secured.
 *
 * <p>TLS verifies the certificate chain against the JDK's CAs plus the check's {@code ca-file}, and
 * the host name (RFC 2818, as HTTPS clients do) against the URL's host, which is also sent as SNI
 * unless it is an IP address; {@code insecure} skips both. Trust material is read once per {@code
 * caFile} on a worker thread, never on an event loop.
 *
 * <p>No timer of its own: the probe's timer bounds the whole check and cancels the exchange.
 * Thread-safe; each exchange is confined to the context that started it.
 */
final class FreshConnectionTransport implements HttpTransport {
  private final VertxInternal vertx;
  private final Sockets sockets;
  private final boolean insecure;
  private final String caFile;
  private volatile Future<SslContext> sslContext;

  /** The transports of each TLS setting, shared by the probes of one {@link HttpClients}. */
  static final class Family {
    private final VertxInternal vertx;
    private final Sockets sockets;
    private final Map<String, FreshConnectionTransport> transports = new ConcurrentHashMap<>();

    Family(io.vertx.core.Vertx vertx) {
      this.vertx = (VertxInternal) vertx;
      this.sockets = new Sockets(this.vertx.transport().channelFactory(false));
    }

    FreshConnectionTransport get(boolean insecure, String caFile) {
      String key = insecure + "|" + (caFile == null ? "" : caFile);
      return transports.computeIfAbsent(
          key, k -> new FreshConnectionTransport(vertx, sockets, insecure, caFile));
    }
  }

  /**
   * Makes the channel of one connection. For an IPv4 address on the native transport, a socket of
   * that family ({@code AF_INET}) rather than the transport's default, a dual-stack IPv6 socket
   * that connects to the IPv4-mapped address: the same connection on the wire, one system call
   * fewer ({@code setsockopt(IPV6_V6ONLY)}) and the kernel's IPv4 path. Every other case (an IPv6
   * address, NIO) gets the transport's default channel. {@code TCP_NODELAY} is on either way: Netty
   * enables it on every new socket channel where the platform allows, and only elsewhere is it set
   * here (setting it again was a second {@code setsockopt} per probe). Thread-safe.
   */
  static final class Sockets {
    private final ChannelFactory<? extends Channel> factory;
    private final Constructor<? extends Channel> ofFamily;

    Sockets(ChannelFactory<? extends Channel> factory) {
      this.factory = factory;
      Channel sample = factory.newChannel();
      Constructor<? extends Channel> c = null;
      try {
        if (sample.getClass().getName().equals("io.netty.channel.epoll.EpollSocketChannel")) {
          c = sample.getClass().getConstructor(SocketProtocolFamily.class);
        }
      } catch (NoSuchMethodException e) {
        c = null; // an older Netty: the default channel
      } finally {
        sample.unsafe().closeForcibly();
      }
      this.ofFamily = c;
    }

    /** A new, unregistered channel to connect to {@code address}, with TCP_NODELAY on. */
    Channel newChannel(InetSocketAddress address) {
      Channel ch = null;
      if (ofFamily != null && address.getAddress() instanceof Inet4Address) {
        try {
          ch = ofFamily.newInstance(SocketProtocolFamily.INET);
        } catch (ReflectiveOperationException e) {
          ch = null; // cannot happen with a public constructor; the default channel then
        }
      }
      if (ch == null) {
        ch = factory.newChannel();
      }
      if (!PlatformDependent.canEnableTcpNoDelayByDefault()) {
        ch.config().setOption(ChannelOption.TCP_NODELAY, true);
      }
      return ch;
    }

    /** Whether IPv4 addresses get a socket of their own family (the native transport). */
    boolean byFamily() {
      return ofFamily != null;
    }
  }

  private FreshConnectionTransport(
      VertxInternal vertx, Sockets sockets, boolean insecure, String caFile) {
    this.vertx = vertx;
    this.sockets = sockets;
    this.insecure = insecure;
    this.caFile = caFile;
  }

  @Override
  public HttpTransport.Exchange exchange(Request request, Listener listener) {
    ContextInternal context = vertx.getOrCreateContext();
    Run run = new Run(context, request, listener);
    // Listener calls must never happen inside exchange(): start on the next turn of the loop.
    context.runOnContext(v -> run.start());
    return run;
  }

  /**
   * The TLS context for this transport's setting: built once, on a worker thread. A failure (an
   * unreadable {@code caFile}) is not kept, so a fixed file is picked up by the next probe.
   */
  private Future<SslContext> sslContext() {
    Future<SslContext> f = sslContext;
    if (f == null || f.failed()) {
      synchronized (this) {
        f = sslContext;
        if (f == null || f.failed()) {
          f = vertx.executeBlocking(this::buildSslContext, false);
          sslContext = f;
        }
      }
    }
    return f;
  }

  private SslContext buildSslContext() throws Exception {
    SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
    if (insecure) {
      builder
          .trustManager(InsecureTrustManagerFactory.INSTANCE)
          .endpointIdentificationAlgorithm("");
    } else {
      builder
          .trustManager(
              new ProbeTrustOptions(caFile, "options.ca-file").getTrustManagerFactory(vertx))
          .endpointIdentificationAlgorithm("HTTPS");
    }
    return builder.build();
  }

  /** One exchange: every field is confined to the context's event loop. */
  private final class Run implements HttpTransport.Exchange {
    private final ContextInternal context;
    private final Request request;
    private final Listener listener;
    private final boolean https;
    private final String host;
    private final int port;
    private List<InetSocketAddress> addresses;
    private Channel channel;
    private String phase = DNS;
    private boolean finished;

    Run(ContextInternal context, Request request, Listener listener) {
      this.context = context;
      this.request = request;
      this.listener = listener;
      URI url = request.url();
      this.https = "https".equalsIgnoreCase(url.getScheme());
      String h = url.getHost();
      this.host = h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
      this.port = url.getPort() >= 0 ? url.getPort() : (https ? 443 : 80);
    }

    @Override
    public void cancel() {
      if (!finished) {
        finished = true;
        close();
      }
    }

    private void close() {
      if (channel != null) {
        channel.close();
      }
    }

    void start() {
      if (finished) {
        return;
      }
      byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
      if (literal != null) {
        try {
          onResolved(List.of(new InetSocketAddress(InetAddress.getByAddress(host, literal), port)));
        } catch (UnknownHostException e) {
          fail(e); // only for a byte array of a wrong length, which NetUtil does not make
        }
        return;
      }
      vertx
          .nameResolver()
          .resolveAll(context.nettyEventLoop(), host)
          .addListener(
              f ->
                  context.emit(
                      f,
                      done -> {
                        if (finished) {
                          return;
                        }
                        if (!done.isSuccess()) {
                          fail(done.cause());
                          return;
                        }
                        @SuppressWarnings("unchecked")
                        List<InetSocketAddress> found = (List<InetSocketAddress>) done.getNow();
                        onResolved(
                            found.stream()
                                .map(a -> new InetSocketAddress(a.getAddress(), port))
                                .toList());
                      }));
    }

    private void onResolved(List<InetSocketAddress> resolved) {
      if (resolved.isEmpty()) {
        fail(new UnknownHostException(host + ": the name has no address"));
        return;
      }
      addresses = resolved;
      listener.onResolved(resolved);
      listener.onPhase(DNS);
      if (!finished) {
        connect(0);
      }
    }

    /**
     * Opens the channel and connects it to {@code addresses[index]}. What Netty's {@code Bootstrap}
     * does, without its per-connection options map and its extra turn of the loop before
     * connecting: this runs on the channel's event loop already, so the channel registers at once.
     */
    private void connect(int index) {
      phase = CONNECT;
      Channel ch = sockets.newChannel(addresses.get(index));
      channel = ch;
      // No connect timer: the probe's timer bounds the check and cancels the exchange.
      ch.config().setOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, 0);
      // Vert.x's own pooled allocator, the one its clients and servers (the shipper's, the
      // endpoints') use, rather than Netty's default: one pool of buffer chunks per event loop
      // instead of two.
      ch.config().setAllocator(VertxByteBufAllocator.POOLED_ALLOCATOR);
      ch.pipeline().addLast("http", new HttpClientCodec()).addLast("probe", new ResponseHandler());
      ChannelFuture registered = context.nettyEventLoop().register(ch);
      if (registered.isDone()) {
        connectRegistered(index, registered);
      } else {
        registered.addListener(f -> connectRegistered(index, registered));
      }
    }

    private void connectRegistered(int index, ChannelFuture registered) {
      if (finished) {
        registered.channel().close();
        return;
      }
      ChannelFuture connected =
          registered.isSuccess() ? registered.channel().connect(addresses.get(index)) : registered;
      connected.addListener(
          f ->
              context.emit(
                  connected,
                  done -> {
                    if (finished) {
                      return;
                    }
                    if (!done.isSuccess()) {
                      if (index + 1 < addresses.size()) {
                        done.channel().close();
                        connect(index + 1);
                      } else {
                        fail(done.cause());
                      }
                      return;
                    }
                    listener.onPhase(CONNECT);
                    if (finished) {
                      return;
                    }
                    if (https) {
                      handshake();
                    } else {
                      send();
                    }
                  }));
    }

    private void handshake() {
      phase = TLS;
      Future<SslContext> ssl = sslContext();
      if (ssl.isComplete()) {
        onSslContext(ssl);
      } else {
        ssl.onComplete(ar -> context.runOnContext(v -> onSslContext(ar)));
      }
    }

    private void onSslContext(AsyncResult<SslContext> ssl) {
      if (finished) {
        return;
      }
      if (ssl.failed()) {
        fail(ssl.cause());
        return;
      }
      // The host is the SNI name (the JDK sends none for an IP address) and the name checked.
      SslHandler handler = ssl.result().newHandler(channel.alloc(), host, port);
      handler.setHandshakeTimeoutMillis(0); // the probe's timer bounds it
      // Adding the handler to a connected channel starts the handshake.
      channel.pipeline().addFirst("tls", handler);
      handler
          .handshakeFuture()
          .addListener(
              f ->
                  context.emit(
                      f,
                      done -> {
                        if (finished) {
                          return;
                        }
                        if (!done.isSuccess()) {
                          fail(done.cause());
                          return;
                        }
                        listener.onPhase(TLS);
                        if (!finished) {
                          send();
                        }
                      }));
    }

    private void send() {
      phase = FIRST_BYTE;
      URI url = request.url();
      String target =
          url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
      if (url.getRawQuery() != null) {
        target = target + "?" + url.getRawQuery();
      }
      Buffer body = request.body();
      ByteBuf content =
          body == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body.getBytes());
      DefaultFullHttpRequest out =
          new DefaultFullHttpRequest(
              HttpVersion.HTTP_1_1, HttpMethod.valueOf(request.method()), target, content);
      io.netty.handler.codec.http.HttpHeaders headers = out.headers();
      for (Map.Entry<String, String> h : request.headers()) {
        headers.add(h.getKey(), h.getValue());
      }
      if (!headers.contains(HttpHeaderNames.HOST)) {
        headers.set(HttpHeaderNames.HOST, hostHeader(url, https));
      }
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      if (body != null || bodyExpected(request.method())) {
        headers.set(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
      }
      // A failed write reaches the pipeline's exceptionCaught.
      channel.writeAndFlush(out, channel.voidPromise());
    }

    private void fail(Throwable error) {
      if (finished) {
        return;
      }
      finished = true;
      close();
      listener.onFailure(phase, error);
    }

    private void finish() {
      finished = true;
      close();
    }

    /** Reads the response; runs on the channel's event loop, which is the context's. */
    private final class ResponseHandler extends ChannelInboundHandlerAdapter {
      private ByteBuf received;

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
          if (finished || ctx.channel() != channel) {
            return;
          }
          if (msg instanceof HttpResponse response) {
            if (failed(response.decoderResult())) {
              return;
            }
            // The decoder's headers, seen through Vert.x's MultiMap view (case-insensitive names,
            // values in order), instead of a copy of every header into a new map per response.
            MultiMap headers = new HeadersAdaptor(response.headers());
            int status = response.status().code();
            boolean[] read = new boolean[1];
            context.emit(
                null,
                v -> {
                  listener.onPhase(FIRST_BYTE);
                  read[0] = !finished && listener.onHead(status, headers);
                });
            if (!read[0]) {
              if (!finished) {
                finish();
              }
              return;
            }
            received = ctx.alloc().heapBuffer(256);
          }
          if (msg instanceof HttpContent content) {
            if (failed(content.decoderResult()) || received == null) {
              return;
            }
            ByteBuf chunk = content.content();
            long cap = request.maxBodyBytes();
            if (received.readableBytes() + (long) chunk.readableBytes() > cap) {
              int room = (int) Math.max(0, cap - received.readableBytes());
              received.writeBytes(chunk, chunk.readerIndex(), room);
              Buffer first = Buffer.buffer(drain());
              finish();
              context.emit(first, listener::onTooLarge);
              return;
            }
            received.writeBytes(chunk);
            if (msg instanceof LastHttpContent) {
              Buffer whole = Buffer.buffer(drain());
              finish();
              context.emit(whole, listener::onBody);
            }
          }
        } finally {
          ReferenceCountUtil.release(msg);
        }
      }

      private byte[] drain() {
        byte[] bytes = new byte[received.readableBytes()];
        received.readBytes(bytes);
        received.release();
        received = null;
        return bytes;
      }

      private boolean failed(DecoderResult result) {
        if (result.isFailure()) {
          context.emit(result.cause(), Run.this::fail);
          return true;
        }
        return false;
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (ctx.channel() == channel) {
          context.emit(cause, Run.this::fail);
        }
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) {
        if (received != null) {
          received.release();
          received = null;
        }
        if (!finished && ctx.channel() == channel && !TLS.equals(phase)) {
          context.emit(
              new ClosedChannelException(), e -> fail(new ConnectionClosedException(phase)));
        }
        ctx.fireChannelInactive();
      }
    }
  }

  /** The peer closed the connection before the response was complete. */
  static final class ConnectionClosedException extends java.io.IOException {
    private static final long serialVersionUID = 1L;

    ConnectionClosedException(String phase) {
      super(
          FIRST_BYTE.equals(phase)
              ? "the server closed the connection before the response was complete"
              : "the server closed the connection");
    }
  }

  private static boolean bodyExpected(String method) {
    return switch (method.toUpperCase(Locale.ROOT)) {
      case "POST", "PUT", "PATCH" -> true;
      default -> false;
    };
  }

  private static String hostHeader(URI url, boolean https) {
    int port = url.getPort();
    boolean defaultPort = port < 0 || port == (https ? 443 : 80);
    return defaultPort ? url.getHost() : url.getHost() + ":" + port;
  }
}
