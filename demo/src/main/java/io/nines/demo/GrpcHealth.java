package io.nines.demo;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * The standard gRPC health service, {@code grpc.health.v1.Health/Check}, on a Vert.x {@link
 * GrpcServer}. As the specification says, a service the server does not know fails the call with
 * {@code NOT_FOUND}. The two one-field messages are encoded here by hand, so neither protobuf nor
 * generated code is needed.
 *
 * <p>Thread-safe if {@code statusOf} is.
 */
public final class GrpcHealth {
  /** {@code HealthCheckResponse.ServingStatus}, with its protobuf numbers in declaration order. */
  public enum Status {
    UNKNOWN,
    SERVING,
    NOT_SERVING,
    SERVICE_UNKNOWN
  }

  private static final ServiceMethod<Buffer, Buffer> CHECK =
      ServiceMethod.server(
          ServiceName.create("grpc.health.v1.Health"),
          "Check",
          GrpcMessageEncoder.IDENTITY,
          GrpcMessageDecoder.IDENTITY);

  private final Function<String, Future<Status>> statusOf;

  /**
   * @param statusOf the status of a service name ({@code ""} for the whole server), or a future of
   *     null when the server does not know it; called on the server's event loop
   */
  public GrpcHealth(Function<String, Future<Status>> statusOf) {
    this.statusOf = statusOf;
  }

  /** Adds the health service to {@code server}; returns it. */
  public GrpcServer mount(GrpcServer server) {
    return server.callHandler(CHECK, this::check);
  }

  private void check(GrpcServerRequest<Buffer, Buffer> request) {
    request.handler(
        message -> {
          String service;
          try {
            service = serviceOf(message);
          } catch (IllegalArgumentException e) {
            request
                .response()
                .status(GrpcStatus.INVALID_ARGUMENT)
                .statusMessage(e.getMessage())
                .end();
            return;
          }
          statusOf
              .apply(service)
              .onComplete(
                  ar -> {
                    if (ar.failed()) {
                      request
                          .response()
                          .status(GrpcStatus.UNAVAILABLE)
                          .statusMessage(ar.cause().getMessage())
                          .end();
                    } else if (ar.result() == null) {
                      request
                          .response()
                          .status(GrpcStatus.NOT_FOUND)
                          .statusMessage("unknown service '" + service + "'")
                          .end();
                    } else {
                      request.response().end(response(ar.result()));
                    }
                  });
        });
  }

  /** A {@code HealthCheckResponse} holding {@code status}. */
  static Buffer response(Status status) {
    // Field 1 as a varint; proto3 leaves out a zero (UNKNOWN).
    return status.ordinal() == 0
        ? Buffer.buffer()
        : Buffer.buffer(new byte[] {0x08, (byte) status.ordinal()});
  }

  /** The {@code service} field of a {@code HealthCheckRequest}; other fields are skipped. */
  static String serviceOf(Buffer message) {
    String service = "";
    int pos = 0;
    while (pos < message.length()) {
      int tag = message.getByte(pos++) & 0xff;
      if (tag == 0x0a) {
        int length = 0;
        int shift = 0;
        int b;
        do {
          if (pos >= message.length() || shift > 28) {
            throw new IllegalArgumentException("malformed HealthCheckRequest");
          }
          b = message.getByte(pos++) & 0xff;
          length |= (b & 0x7f) << shift;
          shift += 7;
        } while ((b & 0x80) != 0);
        if (length < 0 || pos + length > message.length()) {
          throw new IllegalArgumentException("malformed HealthCheckRequest");
        }
        service = message.getString(pos, pos + length, StandardCharsets.UTF_8.name());
        pos += length;
      } else {
        throw new IllegalArgumentException(
            "unexpected field tag " + tag + " in HealthCheckRequest");
      }
    }
    return service;
  }
}
