package io.nines.agent.probe;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * The two messages of {@code grpc.health.v1.Health/Check}, in protobuf's wire format, written and
 * read by hand: {@code HealthCheckRequest { string service = 1; }} and {@code HealthCheckResponse {
 * ServingStatus status = 1; }}. Doing it here keeps protobuf-java, its generated code and its
 * dependencies (some 5 MB) out of the agent for two one-field messages.
 *
 * <p>Stateless and thread-safe.
 */
final class HealthMessages {
  private HealthMessages() {}

  /** {@code HealthCheckResponse.ServingStatus}, by number. */
  static final String[] SERVING_STATUS = {"UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"};

  /** Thrown when a response is not a well-formed {@code HealthCheckResponse}. */
  static final class MalformedMessage extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MalformedMessage(String message) {
      super(message);
    }
  }

  /** A {@code HealthCheckRequest} for {@code service} ({@code ""} asks about the whole server). */
  static Buffer request(String service) {
    Buffer out = Buffer.buffer();
    if (!service.isEmpty()) {
      byte[] bytes = service.getBytes(StandardCharsets.UTF_8);
      out.appendByte((byte) 0x0a); // field 1, wire type 2 (length-delimited)
      writeVarint(out, bytes.length);
      out.appendBytes(bytes);
    }
    return out;
  }

  /**
   * The serving status of a {@code HealthCheckResponse}: its name ({@code SERVING}, ...) or {@code
   * "status " + n} for a number this version does not know. A message without the field is {@code
   * UNKNOWN}, as proto3 defaults say; fields other than 1 are skipped.
   *
   * @throws MalformedMessage when the bytes are not a valid protobuf message
   */
  static String servingStatus(Buffer message) {
    int[] pos = {0};
    long status = 0;
    while (pos[0] < message.length()) {
      long tag = readVarint(message, pos);
      int field = (int) (tag >>> 3);
      int wireType = (int) (tag & 7);
      if (field == 0) {
        throw new MalformedMessage("field number 0 at byte " + pos[0]);
      }
      switch (wireType) {
        case 0 -> {
          long v = readVarint(message, pos);
          if (field == 1) {
            status = v;
          }
        }
        case 1 -> skip(message, pos, 8);
        case 2 -> {
          long length = readVarint(message, pos);
          if (length > Integer.MAX_VALUE) {
            throw new MalformedMessage("a length of " + length + " bytes");
          }
          skip(message, pos, (int) length);
        }
        case 5 -> skip(message, pos, 4);
        default -> throw new MalformedMessage("wire type " + wireType + " of field " + field);
      }
    }
    return status >= 0 && status < SERVING_STATUS.length
        ? SERVING_STATUS[(int) status]
        : "status " + status;
  }

  private static void writeVarint(Buffer out, int value) {
    int v = value;
    while ((v & ~0x7f) != 0) {
      out.appendByte((byte) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.appendByte((byte) v);
  }

  private static long readVarint(Buffer in, int[] pos) {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos[0] >= in.length()) {
        throw new MalformedMessage("a number cut short at byte " + pos[0]);
      }
      byte b = in.getByte(pos[0]++);
      result |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    throw new MalformedMessage("a number longer than 10 bytes at byte " + pos[0]);
  }

  private static void skip(Buffer in, int[] pos, int n) {
    if (n < 0 || in.length() - pos[0] < n) {
      throw new MalformedMessage("a field cut short at byte " + pos[0]);
    }
    pos[0] += n;
  }
}
