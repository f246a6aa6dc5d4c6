package io.nines.coordinator.api;

import static io.nines.coordinator.api.Replies.error;

import io.nines.availability.incident.Incident;
import io.nines.availability.incident.Notification;
import io.nines.coordinator.alerting.Alerting;
import io.nines.coordinator.alerting.Inbox;
import io.nines.coordinator.alerting.Sender;
import io.nines.store.alerts.Delivery;
import io.nines.store.alerts.OutboxEntry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;

/** The incidents, notifications and demo-inbox endpoints. */
public final class AlertingRoutes implements RouteGroup {
  private static final String INCIDENTS = "GET /api/v1/incidents";
  private static final String NOTIFICATIONS = "GET /api/v1/notifications";

  private final Alerting alerting;
  private final Sender sender;
  private final Access access;

  /**
   * @param access who may acknowledge: {@link Access#permitsWrite}
   */
  public AlertingRoutes(Alerting alerting, Sender sender, Access access) {
    this.alerting = alerting;
    this.sender = sender;
    this.access = access;
  }

  @Override
  public void mount(Router router) {
    router.get("/api/v1/incidents").handler(this::list);
    router.get("/api/v1/incidents/:id").handler(this::one);
    router
        .post("/api/v1/incidents/:id/ack")
        .handler(BodyHandler.create(false).setBodyLimit(4096))
        .handler(this::ack);
    router.get("/api/v1/notifications").handler(this::notifications);
    router.get("/api/v1/demo/inbox").handler(this::inbox);
    router.get("/api/v1/channels").handler(this::channels);
  }

  private void list(RoutingContext ctx) {
    String state = ctx.request().getParam("state", "all");
    if (!List.of("open", "resolved", "all").contains(state)) {
      error(
          ctx,
          400,
          "bad_request",
          "state was '" + state + "' but it must be open, resolved or all");
      return;
    }
    Pages.Request page = page(ctx, INCIDENTS);
    if (page == null) {
      return;
    }
    alerting
        .incidents()
        .onSuccess(
            all -> {
              List<Incident> chosen =
                  all.stream()
                      .filter(
                          i -> state.equals("all") || (state.equals("open") ? i.open() : !i.open()))
                      .toList();
              ctx.json(Pages.page(chosen, page, Incident::id, AlertingRoutes::incident, INCIDENTS));
            })
        .onFailure(ctx::fail);
  }

  private void one(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    alerting
        .incident(id)
        .onSuccess(
            found -> {
              if (found.isEmpty()) {
                error(
                    ctx,
                    404,
                    "not_found",
                    "no incident '" + id + "'; GET /api/v1/incidents lists them");
                return;
              }
              alerting
                  .outbox()
                  .ofIncident(id)
                  .onSuccess(
                      entries -> {
                        JsonArray log = new JsonArray();
                        entries.forEach(e -> log.add(entry(e)));
                        ctx.json(incident(found.get()).put("notifications", log));
                      })
                  .onFailure(ctx::fail);
            })
        .onFailure(ctx::fail);
  }

  private void ack(RoutingContext ctx) {
    if (!access.permitsWrite(ctx, "acknowledging an incident")) {
      return;
    }
    String id = ctx.pathParam("id");
    String who = "api";
    try {
      JsonObject body = ctx.body().length() == 0 ? null : ctx.body().asJsonObject();
      if (body != null && body.getValue("by") instanceof String s && !s.isBlank()) {
        who = s.length() > 100 ? s.substring(0, 100) : s;
      }
    } catch (RuntimeException e) {
      error(
          ctx,
          400,
          "bad_request",
          "the body must be empty or a JSON object such as {\"by\": \"alice\"}");
      return;
    }
    String by = who;
    alerting
        .incident(id)
        .onSuccess(
            found -> {
              if (found.isEmpty()) {
                error(
                    ctx,
                    404,
                    "not_found",
                    "no incident '" + id + "'; GET /api/v1/incidents lists them");
                return;
              }
              alerting
                  .acknowledge(id, by)
                  .onSuccess(
                      done -> {
                        if (!done) {
                          Incident i = found.get();
                          error(
                              ctx,
                              409,
                              "conflict",
                              "incident '"
                                  + id
                                  + "' is "
                                  + (i.open() ? "already acknowledged" : "resolved"));
                          return;
                        }
                        ctx.json(
                            new JsonObject().put("id", id).put("acknowledged", true).put("by", by));
                      })
                  .onFailure(ctx::fail);
            })
        .onFailure(ctx::fail);
  }

  private void notifications(RoutingContext ctx) {
    Pages.Request page = page(ctx, NOTIFICATIONS);
    if (page == null) {
      return;
    }
    alerting
        .outbox()
        .recent(page.readAtLeast())
        .onSuccess(
            entries ->
                ctx.json(
                    Pages.page(
                        entries,
                        page,
                        e -> e.notification().key(),
                        AlertingRoutes::entry,
                        NOTIFICATIONS)))
        .onFailure(ctx::fail);
  }

  /** Each channel endpoint's circuit breaker: a dead endpoint shows OPEN. */
  private void channels(RoutingContext ctx) {
    JsonArray items = new JsonArray();
    if (sender instanceof io.nines.coordinator.alerting.ChannelSender cs) {
      for (var c : cs.channels().circuits()) {
        items.add(
            new JsonObject()
                .put("channel", c.channel())
                .put("endpoint", c.endpoint())
                .put("state", c.state().name())
                .put("failures", c.failures()));
      }
    }
    ctx.json(new JsonObject().put("items", items));
  }

  private void inbox(RoutingContext ctx) {
    if (!(sender instanceof Inbox inbox)) {
      error(
          ctx,
          404,
          "not_found",
          "this coordinator sends to real channels; the inbox exists only in the demo");
      return;
    }
    JsonArray items = new JsonArray();
    inbox.messages().forEach(n -> items.add(notification(n)));
    ctx.json(new JsonObject().put("items", items));
  }

  private static Pages.Request page(RoutingContext ctx, String list) {
    try {
      return Pages.parse(ctx, list);
    } catch (IllegalArgumentException e) {
      error(ctx, 400, "bad_request", e.getMessage());
      return null;
    }
  }

  static JsonObject incident(Incident i) {
    JsonObject json =
        new JsonObject()
            .put("id", i.id())
            .put("service", i.serviceId())
            .put("state", !i.open() ? "resolved" : i.acknowledged() ? "acknowledged" : "open")
            .put("start", i.start().toString())
            .put("notificationCount", i.log().size());
    if (i.rootCause() != null) {
      json.put("rootCause", i.rootCause());
    }
    if (i.acknowledgedAt() != null) {
      json.put("acknowledgedAt", i.acknowledgedAt().toString())
          .put("acknowledgedBy", i.acknowledgedBy());
    }
    if (i.resolvedAt() != null) {
      json.put("resolvedAt", i.resolvedAt().toString());
    }
    return json;
  }

  static JsonObject notification(Notification n) {
    JsonObject details = new JsonObject();
    n.details().forEach(details::put);
    return new JsonObject()
        .put("key", n.key())
        .put("incident", n.incidentId())
        .put("service", n.serviceId())
        .put("team", n.team())
        .put("channel", n.channelKind())
        .put("kind", n.kind().name())
        .put("page", n.isPage())
        .put("at", n.at().toString())
        .put("summary", n.summary())
        .put("details", details);
  }

  static JsonObject entry(OutboxEntry e) {
    JsonArray deliveries = new JsonArray();
    for (Delivery d : e.deliveries()) {
      deliveries.add(
          new JsonObject()
              .put("at", d.at().toString())
              .put("ok", d.ok())
              .put("code", d.code())
              .put("message", d.message()));
    }
    JsonObject json =
        notification(e.notification())
            .put("status", e.status().name())
            .put("queuedAt", e.queuedAt().toString())
            .put("deliveries", deliveries);
    if (e.nextAttemptAt() != null) {
      json.put("nextAttemptAt", e.nextAttemptAt().toString());
    }
    return json;
  }
}
