package io.nines.coordinator.screenshots;

import io.nines.common.Checks;
import io.nines.common.ProbeResult;
import io.nines.common.TimeSource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Takes the screenshots out of results at ingest, so that results stay small: each image a browser
 * check put in its diagnostics ({@code screenshot}, and each of {@code screenshots}) as {@code
 * {base64, ...}} is checked (a real PNG, at most {@value #MAX_BYTES} bytes decoded, at most {@value
 * #MAX_PER_RESULT} per result and {@value #MAX_PER_BATCH} per batch), kept in the {@link
 * ScreenshotStore}, and replaced by a reference {@code {id, bytes, width, height, mediaType}} (its
 * other fields, such as {@code label} and {@code step}, stay). One that fails a check is replaced
 * by {@code {omitted: why}}: a bad image never fails the batch, and never reaches the result store.
 *
 * <p>Blocking (decoding, hashing, the store): call it on a worker. Thread-safe.
 */
public final class Screenshots {
  /** The largest image kept, in bytes decoded. */
  public static final int MAX_BYTES = 512 * 1024;

  /** The most images kept from one result. */
  public static final int MAX_PER_RESULT = 4;

  /** The most images kept from one batch. */
  public static final int MAX_PER_BATCH = 32;

  /** The most images kept together by default: 256 MiB. */
  public static final long DEFAULT_CAPACITY_BYTES = 256L * 1024 * 1024;

  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");

  /** The longest base64 text that can decode to {@link #MAX_BYTES} (with padding and slack). */
  private static final int MAX_BASE64_CHARS = (MAX_BYTES + 2) / 3 * 4 + 4;

  private final ScreenshotStore store;
  private final TimeSource time;

  public Screenshots(ScreenshotStore store, TimeSource time) {
    this.store = Checks.notNull(store, "store");
    this.time = Checks.notNull(time, "time");
  }

  /** The store they are kept in. */
  public ScreenshotStore store() {
    return store;
  }

  /** Whether {@code id} has the shape of a screenshot id (so it can name no path). */
  public static boolean isId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /**
   * Whether any of {@code results} carries a screenshot to take out; cheap (no decoding), so that
   * batches without one skip the worker.
   */
  public static boolean carry(List<ProbeResult> results) {
    for (ProbeResult r : results) {
      JsonObject d = r.diagnostics();
      if (d != null && (d.containsKey("screenshot") || d.containsKey("screenshots"))) {
        return true;
      }
    }
    return false;
  }

  /** The content id of {@code png}: the first 128 bits of its SHA-256, in hex. */
  public static String contentId(byte[] png) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(png);
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * {@code results}, each whose diagnostics carry screenshots replaced by one whose diagnostics
   * carry references to them instead (the others as they were), in the same order. The images are
   * stored before this returns.
   *
   * @throws IllegalStateException when the store cannot write (the batch should then fail, to be
   *     retried, rather than lose the images silently)
   */
  public List<ProbeResult> extract(List<ProbeResult> results) {
    Instant now = time.now();
    int[] budget = {MAX_PER_BATCH};
    List<ProbeResult> out = new ArrayList<>(results.size());
    for (ProbeResult r : results) {
      JsonObject d = r.diagnostics();
      if (d == null || (!d.containsKey("screenshot") && !d.containsKey("screenshots"))) {
        out.add(r);
        continue;
      }
      JsonObject copy = d.copy();
      int[] perResult = {MAX_PER_RESULT};
      if (copy.containsKey("screenshot")) {
        copy.put("screenshot", take(copy.getValue("screenshot"), now, perResult, budget));
      }
      if (copy.containsKey("screenshots")) {
        Object many = copy.getValue("screenshots");
        if (many instanceof JsonArray array) {
          JsonArray refs = new JsonArray();
          for (Object one : array) {
            refs.add(take(one, now, perResult, budget));
          }
          copy.put("screenshots", refs);
        } else {
          copy.put("screenshots", new JsonArray());
          copy.put("screenshotsOmitted", "'screenshots' was not a list of images");
        }
      }
      out.add(
          new ProbeResult(
              r.agentId(),
              r.sequence(),
              r.checkId(),
              r.location(),
              r.startedAt(),
              r.durationMillis(),
              r.ok(),
              r.failure(),
              r.attempts(),
              r.phasesMillis(),
              copy));
    }
    return out;
  }

  /** The reference that replaces {@code raw}, after storing its image if it passes every check. */
  private Object take(Object raw, Instant now, int[] perResult, int[] perBatch) {
    if (!(raw instanceof JsonObject shot)) {
      return omitted(null, "the screenshot was not an object with a base64 PNG");
    }
    Object data = shot.getValue("base64");
    if (data == null) {
      // Already a reference, or the agent's own note of why there is none: kept as it is.
      return shot.containsKey("id") && !isId(shot.getString("id", "")) ? without(shot, "id") : shot;
    }
    if (!(data instanceof String text)) {
      return omitted(shot, "the screenshot's base64 was not a string");
    }
    if (text.length() > MAX_BASE64_CHARS) {
      return omitted(shot, "the screenshot was larger than " + MAX_BYTES / 1024 + " KiB");
    }
    byte[] png;
    try {
      png = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      return omitted(shot, "the screenshot's base64 could not be decoded");
    }
    if (png.length > MAX_BYTES) {
      return omitted(shot, "the screenshot was larger than " + MAX_BYTES / 1024 + " KiB");
    }
    if (png.length < 24
        || !Arrays.equals(png, 0, PNG_MAGIC.length, PNG_MAGIC, 0, PNG_MAGIC.length)) {
      return omitted(shot, "the screenshot was not a PNG image");
    }
    if (perResult[0] <= 0) {
      return omitted(shot, "at most " + MAX_PER_RESULT + " screenshots are kept per result");
    }
    if (perBatch[0] <= 0) {
      return omitted(shot, "at most " + MAX_PER_BATCH + " screenshots are kept per batch");
    }
    perResult[0]--;
    perBatch[0]--;
    // The IHDR chunk comes first: its width and height are big-endian ints at bytes 16 and 20.
    ByteBuffer header = ByteBuffer.wrap(png, 16, 8);
    int width = Math.max(0, header.getInt());
    int height = Math.max(0, header.getInt());
    String id = contentId(png);
    store.put(new Screenshot(id, now, width, height, png), now);
    JsonObject ref = without(shot, "base64");
    return ref.put("id", id)
        .put("mediaType", "image/png")
        .put("bytes", png.length)
        .put("width", width)
        .put("height", height);
  }

  private static JsonObject omitted(JsonObject shot, String why) {
    JsonObject note = new JsonObject();
    if (shot != null) {
      for (String keep : List.of("label", "step")) {
        Object v = shot.getValue(keep);
        if (v instanceof String) {
          note.put(keep, v);
        }
      }
    }
    return note.put("omitted", why);
  }

  private static JsonObject without(JsonObject shot, String key) {
    JsonObject copy = shot.copy();
    copy.remove(key);
    return copy;
  }
}
