package io.nines.agent.probe;

import io.nines.common.FailureKind;
import io.nines.config.Check;
import io.nines.config.CheckSpec;
import io.nines.config.Redaction;
import io.nines.config.SecretRef;
import io.nines.config.Template;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code grpc} checks: one {@code grpc.health.v1.Health/Check} call on a new HTTP/2 connection
 * (cleartext with prior knowledge, or TLS with ALPN), through Vert.x's gRPC client with the
 * messages encoded by {@link HealthMessages}.
 *
 * <ul>
 *   <li>{@code SERVING} passes.
 *   <li>{@code NOT_SERVING}, {@code SERVICE_UNKNOWN} and {@code UNKNOWN} are {@code NOT_SERVING}.
 *   <li>A call that ends with a gRPC status other than {@code OK} is {@code GRPC_STATUS}, naming
 *       the code: {@code UNIMPLEMENTED} when the server has no health service.
 *   <li>A refused connection is {@code CONNECT}, a rejected certificate {@code TLS}, no answer in
 *       time {@code TIMEOUT}; a peer that answers but not as a gRPC server (no HTTP/2, another
 *       content type, a malformed message) is {@code PROTOCOL}.
 * </ul>
 *
 * <p>Phases: {@code connect} (the HTTP/2 connection is up, TLS included), {@code response} (the
 * response headers came) and {@code total}, in milliseconds since the attempt started. The
 * connection is closed when the attempt completes: each attempt measures a fresh connect.
 */
public final class GrpcProbe implements Probe {
  /** {@code grpc.health.v1.Health/Check} on raw message bytes. */
  private static final ServiceMethod<Buffer, Buffer> HEALTH_CHECK =
      ServiceMethod.client(
          ServiceName.create("grpc.health.v1.Health"),
          "Check",
          GrpcMessageEncoder.IDENTITY,
          GrpcMessageDecoder.IDENTITY);

  @Override
  public Future<ProbeOutcome> run(Check check, ProbeContext context) {
    return Dispatch.bySpec(
        this, check, CheckSpec.Grpc.class, spec -> new Run(check, context, spec).start());
  }

  private static final class Run extends Attempt {
    private final CheckSpec.Grpc spec;
    private final Redaction redaction = new Redaction("[redacted]");
    private HttpClientAgent http;
    private HttpConnection connection;
    private String remoteAddress;
    private boolean responded;
    private Buffer message;
    private GrpcStatus grpcStatus;
    private String grpcMessage;
    private String servingStatus;

    Run(Check check, ProbeContext ctx, CheckSpec.Grpc spec) {
      super(check, ctx);
      this.spec = spec;
    }

    @Override
    protected void begin() {
      // Secrets first: reading a ${file:...} one blocks, so it happens on a worker thread.
      ctx.readSecrets(spec.metadata().values())
          .onComplete(
              read ->
                  guarded(
                      () -> {
                        if (done()) {
                          return;
                        }
                        if (read.failed()) {
                          fail(
                              FailureKind.INTERNAL,
                              "metadata: " + read.cause().getMessage(),
                              diagnostics());
                          return;
                        }
                        Map<String, String> metadata = new LinkedHashMap<>();
                        try {
                          for (Map.Entry<String, Template> m : spec.metadata().entrySet()) {
                            metadata.put(
                                m.getKey(),
                                read.result().render(m.getValue(), ctx.vars()::get, redaction));
                          }
                        } catch (SecretRef.UnresolvedSecret | IllegalStateException e) {
                          fail(FailureKind.INTERNAL, "metadata: " + e.getMessage(), diagnostics());
                          return;
                        }
                        call(metadata);
                      }));
    }

    private void call(Map<String, String> metadata) {
      int timeoutMillis =
          (int) Math.min(Integer.MAX_VALUE, Math.max(1, check.timeout().toMillis()));
      HttpClientOptions options =
          new HttpClientOptions()
              .setProtocolVersion(HttpVersion.HTTP_2)
              .setHttp2ClearTextUpgrade(false)
              .setConnectTimeout(timeoutMillis)
              .setKeepAlive(false);
      if (spec.tls()) {
        options.setSsl(true).setUseAlpn(true);
        if (spec.insecure()) {
          options.setTrustAll(true).setVerifyHost(false);
        } else {
          options
              .setVerifyHost(true)
              .setTrustOptions(new ProbeTrustOptions(spec.caFile(), "grpc.ca-file"));
        }
      }
      http =
          ctx.vertx()
              .httpClientBuilder()
              .with(options)
              .with(new PoolOptions().setHttp2MaxSize(1))
              .withConnectHandler(
                  c ->
                      guarded(
                          () -> {
                            // The probe reports what broke the connection; Vert.x would also log.
                            c.exceptionHandler(error -> {});
                            connection = c;
                            remoteAddress = String.valueOf(c.remoteAddress());
                            if (!done()) {
                              mark("connect");
                            }
                          }))
              .build();
      GrpcClient grpc = GrpcClient.client(ctx.vertx(), http);
      grpc.request(SocketAddress.inetSocketAddress(spec.port(), spec.host()), HEALTH_CHECK)
          .compose(
              request -> {
                // Tells the server how long the probe waits; the attempt's timer enforces it.
                request.timeout(timeoutMillis, TimeUnit.MILLISECONDS);
                metadata.forEach((name, value) -> request.headers().add(name, value));
                return request.send(HealthMessages.request(spec.service()));
              })
          .onComplete(ar -> guarded(() -> onResponse(ar)));
    }

    private void onResponse(AsyncResult<GrpcClientResponse<Buffer, Buffer>> ar) {
      if (done()) {
        return;
      }
      if (ar.failed()) {
        onError(ar.cause());
        return;
      }
      responded = true;
      mark("response");
      GrpcClientResponse<Buffer, Buffer> response = ar.result();
      response.handler(m -> message = m);
      // end() rather than an end handler: a trailers-only answer (UNIMPLEMENTED, say) may have
      // ended before the handlers are set, and the future remembers it.
      response
          .end()
          .onComplete(
              ended ->
                  guarded(
                      () -> {
                        if (response.status() != null) {
                          onEnd(response);
                        } else if (ended.failed()) {
                          onError(ended.cause());
                        } else {
                          onEnd(response);
                        }
                      }));
    }

    private void onError(Throwable error) {
      if (done()) {
        return;
      }
      FailureKind kind = Failures.classify(error);
      String what = redaction.apply(Failures.describe(error));
      if (connection == null && kind == FailureKind.PROTOCOL) {
        fail(FailureKind.CONNECT, "could not connect to " + target() + ": " + what, diagnostics());
      } else if (connection == null) {
        fail(kind, "could not connect to " + target() + ": " + what, diagnostics());
      } else if (kind == FailureKind.TIMEOUT || kind == FailureKind.TLS) {
        fail(kind, "the gRPC call to " + target() + " failed: " + what, diagnostics());
      } else {
        fail(
            FailureKind.PROTOCOL,
            target() + " did not answer as a gRPC server: " + what,
            diagnostics());
      }
    }

    private void onEnd(GrpcClientResponse<Buffer, Buffer> response) {
      if (done()) {
        return;
      }
      grpcStatus = response.status();
      grpcMessage =
          response.statusMessage() == null ? null : redaction.apply(response.statusMessage());
      if (grpcStatus == null) {
        fail(
            FailureKind.PROTOCOL,
            target() + " ended the gRPC call without a grpc-status",
            diagnostics());
        return;
      }
      if (grpcStatus != GrpcStatus.OK) {
        String hint =
            grpcStatus == GrpcStatus.UNIMPLEMENTED
                ? " (the server has no grpc.health.v1.Health service)"
                : "";
        fail(
            FailureKind.GRPC_STATUS,
            "the health check of "
                + target()
                + " ended with gRPC status "
                + grpcStatus.name()
                + hint
                + (grpcMessage == null || grpcMessage.isEmpty() ? "" : ": " + grpcMessage),
            diagnostics());
        return;
      }
      if (message == null) {
        fail(
            FailureKind.PROTOCOL,
            target() + " answered the health check with OK but no message",
            diagnostics());
        return;
      }
      try {
        servingStatus = HealthMessages.servingStatus(message);
      } catch (HealthMessages.MalformedMessage e) {
        fail(
            FailureKind.PROTOCOL,
            target() + " answered the health check with a malformed message: " + e.getMessage(),
            diagnostics());
        return;
      }
      if ("SERVING".equals(servingStatus)) {
        succeed();
        return;
      }
      fail(
          FailureKind.NOT_SERVING,
          "expected SERVING, got "
              + servingStatus
              + " for "
              + (spec.service().isEmpty() ? "the server" : "service '" + spec.service() + "'")
              + " at "
              + target()
              + ("SERVICE_UNKNOWN".equals(servingStatus)
                  ? " (the server does not know that service name)"
                  : ""),
          diagnostics());
    }

    @Override
    protected void onTimeout() {
      if (connection == null) {
        fail(
            FailureKind.TIMEOUT,
            "could not connect to " + target() + " within " + format(check.timeout()),
            diagnostics());
      } else {
        fail(
            FailureKind.TIMEOUT,
            "connected to "
                + target()
                + ", but the health check "
                + (responded ? "did not end" : "got no answer")
                + " within "
                + format(check.timeout()),
            diagnostics());
      }
    }

    @Override
    protected void release() {
      if (http != null) {
        http.close();
        http = null;
      }
    }

    private String target() {
      return (spec.host().contains(":") ? "[" + spec.host() + "]" : spec.host())
          + ":"
          + spec.port();
    }

    private JsonObject diagnostics() {
      JsonObject d =
          new JsonObject()
              .put("target", target())
              .put("service", spec.service())
              .put("tls", spec.tls())
              .put("connected", connection != null);
      if (remoteAddress != null) {
        d.put("remoteAddress", remoteAddress);
      }
      if (grpcStatus != null) {
        d.put("grpcStatus", grpcStatus.name());
        d.put("grpcCode", grpcStatus.code);
      }
      if (grpcMessage != null && !grpcMessage.isEmpty()) {
        d.put("grpcMessage", grpcMessage);
      }
      if (servingStatus != null) {
        d.put("servingStatus", servingStatus);
      }
      return d;
    }
  }
}
