/**
 * Failure screenshots of browser checks, kept apart from the results: taken out of a result's
 * diagnostics at ingest ({@link io.nines.coordinator.screenshots.Screenshots}), validated, kept in
 * a bounded {@link io.nines.coordinator.screenshots.ScreenshotStore} (by retention and total size,
 * oldest first) and served as PNG by {@link io.nines.coordinator.screenshots.ScreenshotRoutes}. The
 * result keeps only a reference: {@code {id, bytes, width, height, mediaType}}.
 */
package io.nines.coordinator.screenshots;
