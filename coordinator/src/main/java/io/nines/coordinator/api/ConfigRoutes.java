package io.nines.coordinator.api;

import io.nines.common.TimeRange;
import io.nines.common.TimeSource;
import io.nines.config.Fleet;
import io.nines.config.FleetDiff;
import io.nines.coordinator.confighistory.ConfigHistory;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Configuration versions and change events: {@code GET /api/v1/config/versions}, {@code GET
 * /api/v1/config/versions/{hash}} and {@code GET /api/v1/services/{id}/changes}. Each answer first
 * lets the {@link ConfigHistory} notice a reload (on the worker pool: a diff is proportional to the
 * fleet).
 */
public final class ConfigRoutes implements RouteGroup {
  private static final String VERSIONS = "GET /api/v1/config/versions";

  private final WorkerExecutor worker;
  private final Supplier<Fleet> fleet;
  private final TimeSource time;
  private final ConfigHistory history;

  /**
   * @param fleet the configuration as loaded, for the services that exist
   */
  public ConfigRoutes(
      WorkerExecutor worker, Supplier<Fleet> fleet, TimeSource time, ConfigHistory history) {
    this.worker = worker;
    this.fleet = fleet;
    this.time = time;
    this.history = history;
  }

  @Override
  public void mount(Router router) {
    router.get("/api/v1/config/versions").handler(this::versions);
    router.get("/api/v1/config/versions/:hash").handler(this::version);
    router.get("/api/v1/services/:id/changes").handler(this::changes);
  }

  private void versions(RoutingContext ctx) {
    Pages.Request page = Replies.page(ctx, VERSIONS);
    if (page == null) {
      return;
    }
    observed(ctx)
        .onSuccess(
            v ->
                ctx.json(
                    Pages.page(
                        history.newestFirst(),
                        page,
                        ConfigRoutes::key,
                        ConfigRoutes::versionJson,
                        VERSIONS)));
  }

  private void version(RoutingContext ctx) {
    String hash = ctx.pathParam("hash");
    observed(ctx)
        .onSuccess(
            v -> {
              Optional<ConfigHistory.Version> found;
              try {
                found = history.find(hash);
              } catch (IllegalArgumentException e) {
                Replies.badRequest(ctx, e.getMessage());
                return;
              }
              if (found.isEmpty()) {
                Replies.error(
                    ctx,
                    404,
                    "not_found",
                    "no configuration version '"
                        + hash
                        + "'; GET /api/v1/config/versions lists them");
                return;
              }
              ctx.json(versionJson(found.get()));
            });
  }

  private void changes(RoutingContext ctx) {
    Fleet f = fleet.get();
    if (f == null) {
      Replies.error(ctx, 503, "not_ready", "no fleet configuration is loaded yet; retry shortly");
      return;
    }
    String id = ctx.pathParam("id");
    if (!f.services().containsKey(id)) {
      Replies.error(
          ctx, 404, "not_found", "unknown service '" + id + "'; GET /api/v1/services lists them");
      return;
    }
    String list = "GET /api/v1/services/" + id + "/changes";
    TimeRange window;
    try {
      window = Replies.window(ctx, time.now(), Duration.ofDays(7));
    } catch (IllegalArgumentException e) {
      Replies.badRequest(ctx, e.getMessage());
      return;
    }
    Pages.Request page = Replies.page(ctx, list);
    if (page == null) {
      return;
    }
    observed(ctx)
        .onSuccess(
            v -> {
              List<ConfigHistory.Version> touching = history.touching(id, window);
              JsonObject json =
                  new JsonObject()
                      .put("service", id)
                      .put("from", window.start().toString())
                      .put("to", window.end().toString());
              ctx.json(
                  json.mergeIn(
                      Pages.page(
                          touching, page, ConfigRoutes::key, ver -> changeJson(ver, id), list)));
            });
  }

  private io.vertx.core.Future<Void> observed(RoutingContext ctx) {
    return worker
        .<Void>executeBlocking(
            () -> {
              history.observe();
              return null;
            },
            false)
        .onFailure(ctx::fail);
  }

  /** Unique even when a configuration is applied again after a revert. */
  private static String key(ConfigHistory.Version v) {
    return v.hash() + "@" + v.appliedAt();
  }

  private static JsonObject head(ConfigHistory.Version v) {
    return new JsonObject()
        .put("hash", v.hash())
        .put("shortHash", v.version().shortHash())
        .put("loadedAt", v.version().loadedAt().toString())
        .put("appliedAt", v.appliedAt().toString())
        .put("previous", v.previous());
  }

  public static JsonObject versionJson(ConfigHistory.Version v) {
    JsonObject json = head(v);
    if (v.diff() == null) {
      return json.putNull("diff");
    }
    return json.put("diff", v.diff().toJson());
  }

  /** A version as an event on a service's timeline: only the changes that touch the service. */
  static JsonObject changeJson(ConfigHistory.Version v, String serviceId) {
    JsonArray changes = new JsonArray();
    for (FleetDiff.Change c : v.touching(serviceId)) {
      JsonArray fields = new JsonArray();
      for (FleetDiff.FieldChange fc : c.fields()) {
        fields.add(
            new JsonObject()
                .put("field", fc.field())
                .put("before", fc.before())
                .put("after", fc.after()));
      }
      changes.add(
          new JsonObject()
              .put("op", c.op().name().toLowerCase(Locale.ROOT))
              .put("kind", c.kind())
              .put("id", c.id())
              .put("fields", fields)
              .put("line", c.line()));
    }
    return head(v).put("at", v.appliedAt().toString()).put("changes", changes);
  }
}
