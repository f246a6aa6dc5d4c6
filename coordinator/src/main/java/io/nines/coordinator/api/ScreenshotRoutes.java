package io.nines.coordinator.api;

import static io.nines.coordinator.api.Replies.error;

import io.nines.common.Checks;
import io.nines.common.TimeSource;
import io.nines.coordinator.screenshots.ScreenshotStore;
import io.nines.coordinator.screenshots.Screenshots;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/v1/screenshots/{id}}: a failure screenshot of a browser check, as {@code
 * image/png}. Read access like every other read ({@link Access}); 404 in the API's error shape when
 * the id is unknown, expired or not an id at all. The store is read on the worker.
 */
public final class ScreenshotRoutes implements RouteGroup {
  /** How long a browser may keep an image: its content never changes under its id. */
  static final int MAX_AGE_SECONDS = 3600;

  private final WorkerExecutor worker;
  private final ScreenshotStore store;
  private final TimeSource time;

  public ScreenshotRoutes(WorkerExecutor worker, ScreenshotStore store, TimeSource time) {
    this.worker = Checks.notNull(worker, "worker");
    this.store = Checks.notNull(store, "store");
    this.time = Checks.notNull(time, "time");
  }

  @Override
  public void mount(Router router) {
    router.get("/api/v1/screenshots/:id").handler(this::one);
  }

  private void one(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!Screenshots.isId(id)) {
      notFound(ctx, "no screenshot '" + Replies.abbreviate(id) + "'; ids are 32 hex digits");
      return;
    }
    worker
        .executeBlocking(() -> store.get(id, time.now()), false)
        .onFailure(ctx::fail)
        .onSuccess(
            shot -> {
              if (shot == null) {
                notFound(
                    ctx,
                    "no screenshot '"
                        + id
                        + "': unknown, or older than the retention of raw results");
                return;
              }
              ctx.response()
                  .putHeader(HttpHeaders.CONTENT_TYPE, "image/png")
                  .putHeader("Cache-Control", "private, max-age=" + MAX_AGE_SECONDS)
                  .putHeader("X-Content-Type-Options", "nosniff")
                  .putHeader("Content-Disposition", "inline; filename=\"" + id + ".png\"")
                  .end(Buffer.buffer(shot.png()));
            });
  }

  private static void notFound(RoutingContext ctx, String message) {
    ctx.response().putHeader("X-Content-Type-Options", "nosniff");
    error(ctx, 404, "not_found", message);
  }
}
