package io.nines.coordinator.screenshots;

import io.nines.common.Checks;
import java.time.Instant;

/**
 * One stored PNG.
 *
 * @param id its content id ({@link Screenshots#contentId}): 32 lowercase hex digits
 * @param storedAt when the coordinator stored it; retention counts from here
 * @param width its width in pixels, from the PNG's header
 * @param height its height in pixels, from the PNG's header
 * @param png the image's bytes; not copied, so callers must not change them
 */
public record Screenshot(String id, Instant storedAt, int width, int height, byte[] png) {
  public Screenshot {
    Checks.checkArgument(Screenshots.isId(id), "id: '%s' (expected: 32 lowercase hex digits)", id);
    Checks.notNull(storedAt, "storedAt");
    Checks.notNull(png, "png");
  }

  /** The image's size in bytes. */
  public int bytes() {
    return png.length;
  }
}
