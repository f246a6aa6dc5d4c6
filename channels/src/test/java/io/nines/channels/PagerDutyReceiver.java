package io.nines.channels;

import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local stand-in for PagerDuty's Events API v2 ({@code POST /v2/enqueue}) that validates events
 * against the documented schema and answers as PagerDuty does: 202 with {@code {"status":
 * "success", "message": "Event processed", "dedup_key": ...}}, or 400 with {@code {"status":
 * "invalid event", "message": "Event object is invalid", "errors": [...]}}.
 *
 * <p>It is stricter than PagerDuty in one way: unknown fields are errors rather than ignored, so a
 * misspelt field fails the test instead of vanishing.
 */
public final class PagerDutyReceiver implements AutoCloseable {
  static final Set<String> ACTIONS = Set.of("trigger", "acknowledge", "resolve");
  static final Set<String> SEVERITIES = Set.of("critical", "error", "warning", "info");
  static final Set<String> EVENT_FIELDS =
      Set.of(
          "routing_key",
          "event_action",
          "dedup_key",
          "payload",
          "images",
          "links",
          "client",
          "client_url");
  static final Set<String> PAYLOAD_FIELDS =
      Set.of(
          "summary",
          "source",
          "severity",
          "timestamp",
          "component",
          "group",
          "class",
          "custom_details");

  private final LocalReceiver http;
  private final List<JsonObject> accepted = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<Integer> forced = new ConcurrentLinkedQueue<>();

  public PagerDutyReceiver(Vertx vertx) {
    this.http = new LocalReceiver(vertx, this::handle);
  }

  /** The events endpoint. */
  public String url() {
    return http.url("/v2/enqueue");
  }

  /** Events that passed validation, in order. */
  public List<JsonObject> accepted() {
    return List.copyOf(accepted);
  }

  /** Every request, valid or not. */
  public List<LocalReceiver.Request> requests() {
    return http.requests();
  }

  /** The next answers are these statuses (such as 500 or 429) instead of validation's. */
  public void failNext(int... statuses) {
    for (int s : statuses) {
      forced.add(s);
    }
  }

  private LocalReceiver.Response handle(LocalReceiver.Request r) {
    Integer status = forced.poll();
    if (status != null) {
      return new LocalReceiver.Response(
          status,
          new JsonObject().put("status", "forced").put("message", "forced " + status).encode());
    }
    if (!r.method().equals("POST") || !r.path().equals("/v2/enqueue")) {
      return new LocalReceiver.Response(404, "{\"message\":\"not found\"}");
    }
    List<String> errors = new ArrayList<>();
    String contentType = r.headers().get("Content-Type");
    if (contentType == null || !contentType.startsWith("application/json")) {
      errors.add("Content-Type must be application/json but was " + contentType);
    }
    JsonObject event;
    try {
      event = new JsonObject(r.body());
    } catch (DecodeException | ClassCastException e) {
      return invalid(List.of("body is not a JSON object"));
    }
    validate(event, errors);
    if (!errors.isEmpty()) {
      return invalid(errors);
    }
    accepted.add(event);
    return new LocalReceiver.Response(
        202,
        new JsonObject()
            .put("status", "success")
            .put("message", "Event processed")
            .put("dedup_key", event.getString("dedup_key"))
            .encode());
  }

  static void validate(JsonObject event, List<String> errors) {
    for (String field : event.fieldNames()) {
      if (!EVENT_FIELDS.contains(field)) {
        errors.add("unknown field '" + field + "'");
      }
    }
    Object key = event.getValue("routing_key");
    if (!(key instanceof String k) || k.length() != 32 || !k.matches("[A-Za-z0-9]+")) {
      errors.add("'routing_key' " + key + " is invalid: expected a 32-character integration key");
    }
    Object action = event.getValue("event_action");
    if (!(action instanceof String a) || !ACTIONS.contains(a)) {
      errors.add("'event_action' is invalid (must be one of " + ACTIONS + ")");
      return;
    }
    Object dedup = event.getValue("dedup_key");
    if (dedup != null && (!(dedup instanceof String d) || d.isEmpty() || d.length() > 255)) {
      errors.add("'dedup_key' must be a string of 1 to 255 characters");
    }
    if (!action.equals("trigger")) {
      if (dedup == null) {
        errors.add("'dedup_key' is required for " + action);
      }
      return;
    }
    Object p = event.getValue("payload");
    if (!(p instanceof JsonObject payload)) {
      errors.add("'payload' is missing or not an object");
      return;
    }
    for (String field : payload.fieldNames()) {
      if (!PAYLOAD_FIELDS.contains(field)) {
        errors.add("unknown field 'payload." + field + "'");
      }
    }
    requireString(payload, "summary", 1024, errors);
    requireString(payload, "source", 255, errors);
    Object severity = payload.getValue("severity");
    if (!(severity instanceof String s) || !SEVERITIES.contains(s)) {
      errors.add("'payload.severity' is invalid (must be one of " + SEVERITIES + ")");
    }
    Object timestamp = payload.getValue("timestamp");
    if (timestamp != null) {
      try {
        OffsetDateTime.parse((String) timestamp);
      } catch (DateTimeParseException | ClassCastException e) {
        errors.add("'payload.timestamp' is not an ISO 8601 date-time");
      }
    }
    for (String optional : List.of("component", "group", "class")) {
      Object v = payload.getValue(optional);
      if (v != null && !(v instanceof String)) {
        errors.add("'payload." + optional + "' must be a string");
      }
    }
    Object custom = payload.getValue("custom_details");
    if (custom != null && !(custom instanceof JsonObject)) {
      errors.add("'payload.custom_details' must be an object");
    }
    Object links = event.getValue("links");
    if (links != null) {
      if (!(links instanceof JsonArray array)) {
        errors.add("'links' must be an array");
      } else {
        for (Object l : array) {
          if (!(l instanceof JsonObject link) || !(link.getValue("href") instanceof String)) {
            errors.add("each of 'links' must be an object with an 'href'");
          } else if (!Set.of("href", "text").containsAll(link.fieldNames())) {
            errors.add("a link has fields other than href and text: " + link.fieldNames());
          }
        }
      }
    }
    for (String optional : List.of("client", "client_url")) {
      Object v = event.getValue(optional);
      if (v != null && !(v instanceof String)) {
        errors.add("'" + optional + "' must be a string");
      }
    }
  }

  private static void requireString(JsonObject o, String field, int max, List<String> errors) {
    Object v = o.getValue(field);
    if (!(v instanceof String s) || s.isEmpty()) {
      errors.add("'payload." + field + "' is missing or empty");
    } else if (s.length() > max) {
      errors.add("'payload." + field + "' is longer than " + max + " characters: " + s.length());
    }
  }

  private static LocalReceiver.Response invalid(List<String> errors) {
    return new LocalReceiver.Response(
        400,
        new JsonObject(
                Map.of(
                    "status",
                    "invalid event",
                    "message",
                    "Event object is invalid",
                    "errors",
                    new JsonArray(errors)))
            .encode());
  }

  @Override
  public void close() {
    http.close();
  }
}
