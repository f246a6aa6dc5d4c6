package io.nines.coordinator.api;

import io.nines.common.TimeRange;
import io.nines.common.TimeSource;
import io.nines.config.Fleet;
import io.nines.config.MaintenanceWindow;
import io.nines.coordinator.maintenance.MaintenanceRegistry;
import io.nines.coordinator.readmodel.Views;
import io.nines.store.StoreUnavailableException;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Maintenance windows: {@code GET /api/v1/maintenance} lists the configured and the ad hoc ones
 * with their next occurrences; {@code POST /api/v1/maintenance} creates an ad hoc window and {@code
 * DELETE /api/v1/maintenance/{id}} deletes or ends one, both with an admin token ({@link Access}).
 * Listing reads memory on the event loop; creating and deleting write the registry's durable copy,
 * so they run on the worker pool, and answer 503 when it cannot be written.
 */
public final class MaintenanceRoutes implements RouteGroup {
  private static final String LIST = "GET /api/v1/maintenance";
  private static final Set<String> FIELDS = Set.of("services", "from", "to", "reason");
  private static final int MAX_REASON = 500;

  /** How many occurrences each window lists, and how far ahead they are looked for. */
  static final int NEXT_OCCURRENCES = 3;

  static final Duration HORIZON = Duration.ofDays(366);

  private final WorkerExecutor worker;
  private final Supplier<Fleet> fleet;
  private final TimeSource time;
  private final MaintenanceRegistry registry;
  private final Access access;

  /**
   * @param worker where the registry's blocking writes run
   * @param fleet the configuration as loaded, without the ad hoc windows
   */
  public MaintenanceRoutes(
      WorkerExecutor worker,
      Supplier<Fleet> fleet,
      TimeSource time,
      MaintenanceRegistry registry,
      Access access) {
    this.worker = worker;
    this.fleet = fleet;
    this.time = time;
    this.registry = registry;
    this.access = access;
  }

  @Override
  public void mount(Router router) {
    router.get("/api/v1/maintenance").handler(this::list);
    router
        .post("/api/v1/maintenance")
        .handler(BodyHandler.create(false).setBodyLimit(16 * 1024))
        .handler(this::create);
    router.delete("/api/v1/maintenance/:id").handler(this::delete);
  }

  /** A window as listed: where it comes from, its schedule, and what matters now. */
  private record Listed(
      String id,
      String source,
      List<String> services,
      String reason,
      JsonObject schedule,
      MaintenanceWindow.Schedule occurrences,
      Instant createdAt) {}

  private void list(RoutingContext ctx) {
    Fleet f = fleet.get();
    if (f == null) {
      Replies.error(ctx, 503, "not_ready", "no fleet configuration is loaded yet; retry shortly");
      return;
    }
    Pages.Request page = Replies.page(ctx, LIST);
    if (page == null) {
      return;
    }
    String service = ctx.request().getParam("service");
    if (service != null && !f.services().containsKey(service)) {
      Replies.badRequest(
          ctx,
          "service was '"
              + service
              + "' but it must be a service of the fleet (GET /api/v1/services lists them)");
      return;
    }
    List<Listed> all = new ArrayList<>();
    for (MaintenanceWindow w : f.maintenance()) {
      all.add(
          new Listed(
              w.id(),
              "config",
              w.services(),
              w.reason(),
              schedule(w.schedule()),
              w.schedule(),
              null));
    }
    for (MaintenanceRegistry.AdHoc w : registry.windows()) {
      MaintenanceWindow.Once once = new MaintenanceWindow.Once(w.from(), w.to());
      all.add(
          new Listed(
              w.id(), "adhoc", w.services(), w.reason(), schedule(once), once, w.createdAt()));
    }
    List<Listed> chosen =
        service == null ? all : all.stream().filter(l -> l.services().contains(service)).toList();
    Instant now = time.now();
    ctx.json(Pages.page(chosen, page, Listed::id, l -> listedJson(l, now), LIST));
  }

  private static JsonObject listedJson(Listed l, Instant now) {
    List<TimeRange> next = next(l.occurrences(), now);
    JsonArray occurrences = new JsonArray();
    next.forEach(
        r ->
            occurrences.add(
                new JsonObject()
                    .put("start", r.start().toString())
                    .put("end", r.end().toString())));
    JsonObject json =
        new JsonObject()
            .put("id", l.id())
            .put("source", l.source())
            .put("services", new JsonArray(l.services()))
            .put("reason", l.reason())
            .put("schedule", l.schedule())
            .put("inProgress", !next.isEmpty() && !next.get(0).start().isAfter(now))
            .put("next", occurrences);
    if (l.createdAt() != null) {
      json.put("createdAt", l.createdAt().toString());
    }
    return json;
  }

  /**
   * The occurrence under way (unclipped, when it started less than its length ago) and the next
   * ones, at most {@value #NEXT_OCCURRENCES}, within {@link #HORIZON}.
   */
  static List<TimeRange> next(MaintenanceWindow.Schedule schedule, Instant now) {
    List<TimeRange> out = new ArrayList<>();
    if (schedule instanceof MaintenanceWindow.Once once) {
      if (once.end().isAfter(now)) {
        out.add(new TimeRange(once.start(), once.end()));
      }
    } else if (schedule instanceof MaintenanceWindow.Weekly weekly) {
      // From one length back, so that an occurrence under way is found whole.
      for (TimeRange r : weekly.occurrences(now.minus(weekly.length()), now.plus(HORIZON))) {
        if (r.end().isAfter(now) && out.size() < NEXT_OCCURRENCES) {
          out.add(r);
        }
      }
    }
    return out;
  }

  static JsonObject schedule(MaintenanceWindow.Schedule schedule) {
    if (schedule instanceof MaintenanceWindow.Weekly weekly) {
      return new JsonObject()
          .put("type", "weekly")
          .put("day", weekly.day().name())
          .put("at", weekly.at().toString())
          .put("lengthSeconds", Views.seconds(weekly.length()))
          .put("zone", weekly.zone().getId());
    }
    MaintenanceWindow.Once once = (MaintenanceWindow.Once) schedule;
    return new JsonObject()
        .put("type", "once")
        .put("from", once.start().toString())
        .put("to", once.end().toString());
  }

  private void create(RoutingContext ctx) {
    if (!access.permitsWrite(ctx, "creating a maintenance window")) {
      return;
    }
    Fleet f = fleet.get();
    if (f == null) {
      Replies.error(ctx, 503, "not_ready", "no fleet configuration is loaded yet; retry shortly");
      return;
    }
    List<String> services;
    Instant from;
    Instant to;
    String reason;
    try {
      JsonObject body = body(ctx.body().buffer());
      services = services(body.getValue("services"));
      from = Replies.instant("from", text(body, "from"));
      to = Replies.instant("to", text(body, "to"));
      reason = reason(body.getValue("reason"));
    } catch (IllegalArgumentException e) {
      Replies.badRequest(ctx, e.getMessage());
      return;
    }
    worker
        .executeBlocking(() -> registry.add(f, services, from, to, reason), false)
        .onSuccess(created -> created(ctx, created))
        .onFailure(
            e -> {
              if (e instanceof IllegalArgumentException) {
                Replies.badRequest(ctx, e.getMessage());
              } else if (e instanceof StoreUnavailableException) {
                Replies.error(ctx, 503, "unavailable", e.getMessage());
              } else if (e instanceof IllegalStateException) {
                Replies.error(ctx, 409, "conflict", e.getMessage());
              } else {
                ctx.fail(e);
              }
            });
  }

  private void created(RoutingContext ctx, MaintenanceRegistry.AdHoc created) {
    MaintenanceWindow.Once once = new MaintenanceWindow.Once(created.from(), created.to());
    Listed listed =
        new Listed(
            created.id(),
            "adhoc",
            created.services(),
            created.reason(),
            schedule(once),
            once,
            created.createdAt());
    ctx.response().setStatusCode(201).putHeader("Location", "/api/v1/maintenance/" + created.id());
    ctx.json(listedJson(listed, time.now()));
  }

  private static JsonObject body(Buffer buffer) {
    JsonObject body;
    try {
      body = buffer == null || buffer.length() == 0 ? null : new JsonObject(buffer);
    } catch (RuntimeException e) {
      body = null;
    }
    if (body == null) {
      throw new IllegalArgumentException(
          "the body must be a JSON object such as {\"services\": [\"checkout\"], \"from\":"
              + " \"2026-04-10T22:00:00Z\", \"to\": \"2026-04-10T23:00:00Z\", \"reason\":"
              + " \"database upgrade\"}");
    }
    for (String name : body.fieldNames()) {
      if (!FIELDS.contains(name)) {
        throw new IllegalArgumentException(
            name
                + " is not a field of a maintenance window; the fields are services, from, to"
                + " and reason");
      }
    }
    return body;
  }

  private static List<String> services(Object raw) {
    if (!(raw instanceof JsonArray array)) {
      throw new IllegalArgumentException(
          "services was "
              + (raw == null ? "missing" : "'" + raw + "'")
              + " but it must be a list of service ids such as [\"checkout\"]");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof String s) || s.isBlank()) {
        throw new IllegalArgumentException(
            "services[" + i + "] was '" + array.getValue(i) + "' but it must be a service id");
      }
      if (!out.contains(s)) {
        out.add(s);
      }
    }
    return out;
  }

  private static String text(JsonObject body, String name) {
    Object v = body.getValue(name);
    if (v != null && !(v instanceof String)) {
      throw new IllegalArgumentException(
          name + " was '" + v + "' but it must be " + Replies.INSTANT_FORMAT);
    }
    return (String) v;
  }

  private static String reason(Object raw) {
    if (raw == null) {
      return "";
    }
    if (!(raw instanceof String s) || s.length() > MAX_REASON) {
      throw new IllegalArgumentException(
          "reason must be text of at most " + MAX_REASON + " characters");
    }
    return s;
  }

  private void delete(RoutingContext ctx) {
    if (!access.permitsWrite(ctx, "deleting a maintenance window")) {
      return;
    }
    String id = ctx.pathParam("id");
    Fleet f = fleet.get();
    if (f != null && f.maintenance().stream().anyMatch(w -> w.id().equals(id))) {
      Replies.error(
          ctx,
          409,
          "conflict",
          "maintenance window '"
              + id
              + "' is configured in the fleet; remove it from the configuration instead");
      return;
    }
    worker
        .executeBlocking(() -> registry.remove(id), false)
        .onSuccess(removal -> removed(ctx, id, removal))
        .onFailure(
            e -> {
              if (e instanceof StoreUnavailableException) {
                Replies.error(ctx, 503, "unavailable", e.getMessage());
              } else {
                ctx.fail(e);
              }
            });
  }

  private void removed(RoutingContext ctx, String id, MaintenanceRegistry.Removal removal) {
    switch (removal) {
      case REMOVED -> ctx.json(new JsonObject().put("id", id).put("result", "removed"));
      case ENDED_EARLY ->
          ctx.json(
              new JsonObject()
                  .put("id", id)
                  .put("result", "ended")
                  .put("endedAt", time.now().toString()));
      case ALREADY_ENDED ->
          Replies.error(
              ctx,
              409,
              "conflict",
              "maintenance window '"
                  + id
                  + "' has ended; it stays, as part of the availability already reported");
      case NOT_FOUND ->
          Replies.error(
              ctx,
              404,
              "not_found",
              "no ad hoc maintenance window '" + id + "'; GET /api/v1/maintenance lists them");
    }
  }
}
