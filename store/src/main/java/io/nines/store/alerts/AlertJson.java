package io.nines.store.alerts;

import io.nines.availability.State;
import io.nines.availability.incident.Incident;
import io.nines.availability.incident.Notification;
import io.nines.availability.incident.ServiceAlerts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON forms of alerting's records, as the cluster's maps keep them: instants as ISO-8601 strings,
 * enums by name, absent values as JSON null. {@code decode(encode(x)).equals(x)} for every value.
 */
final class AlertJson {
  private AlertJson() {}

  static String encode(ServiceAlerts s) {
    return serviceAlerts(s).encode();
  }

  static ServiceAlerts decodeServiceAlerts(String json) {
    return serviceAlerts(new JsonObject(json));
  }

  static JsonObject serviceAlerts(ServiceAlerts s) {
    JsonArray changes = new JsonArray();
    s.changes().forEach(i -> changes.add(i.toString()));
    JsonArray resolved = new JsonArray();
    s.resolved().forEach(i -> resolved.add(incident(i)));
    JsonArray budgetPages = new JsonArray();
    s.budgetPages().forEach(n -> budgetPages.add(notification(n)));
    JsonArray superseded = new JsonArray();
    s.superseded().forEach(i -> superseded.add(incident(i)));
    return new JsonObject()
        .put("serviceId", s.serviceId())
        .put("state", s.state() == null ? null : s.state().name())
        .put("incident", s.incident() == null ? null : incident(s.incident()))
        .put("changes", changes)
        .put("flapping", s.flapping())
        .put("lastChange", str(s.lastChange()))
        .put("burnNoticeDay", s.burnNoticeDay())
        .put("spentNoticeMonth", s.spentNoticeMonth())
        .put("resolved", resolved)
        .put("budgetPages", budgetPages)
        .put("superseded", superseded);
  }

  static ServiceAlerts serviceAlerts(JsonObject j) {
    List<Instant> changes = new ArrayList<>();
    j.getJsonArray("changes").forEach(o -> changes.add(Instant.parse((String) o)));
    List<Incident> resolved = new ArrayList<>();
    j.getJsonArray("resolved").forEach(o -> resolved.add(incident((JsonObject) o)));
    // Absent in states written before budget pages were resolved.
    List<Notification> budgetPages = new ArrayList<>();
    JsonArray pages = j.getJsonArray("budgetPages");
    if (pages != null) {
      pages.forEach(o -> budgetPages.add(notification((JsonObject) o)));
    }
    // Absent in states written before split-brain merges superseded incidents.
    List<Incident> superseded = new ArrayList<>();
    JsonArray replaced = j.getJsonArray("superseded");
    if (replaced != null) {
      replaced.forEach(o -> superseded.add(incident((JsonObject) o)));
    }
    JsonObject incident = j.getJsonObject("incident");
    String state = j.getString("state");
    return new ServiceAlerts(
        j.getString("serviceId"),
        state == null ? null : State.valueOf(state),
        incident == null ? null : incident(incident),
        changes,
        j.getBoolean("flapping"),
        instant(j.getString("lastChange")),
        j.getString("burnNoticeDay"),
        j.getString("spentNoticeMonth"),
        resolved,
        budgetPages,
        superseded);
  }

  static JsonObject incident(Incident i) {
    JsonObject paging = new JsonObject();
    i.paging()
        .forEach(
            (team, p) ->
                paging.put(
                    team,
                    new JsonObject()
                        .put("suppressed", p.suppressed())
                        .put("since", str(p.since()))
                        .put("stepsFired", p.stepsFired())
                        .put("repeatsFired", p.repeatsFired())
                        .put("causeRecoveredAt", str(p.causeRecoveredAt()))));
    JsonArray log = new JsonArray();
    i.log().forEach(n -> log.add(notification(n)));
    return new JsonObject()
        .put("id", i.id())
        .put("serviceId", i.serviceId())
        .put("start", str(i.start()))
        .put("rootCause", i.rootCause())
        .put("acknowledgedAt", str(i.acknowledgedAt()))
        .put("acknowledgedBy", i.acknowledgedBy())
        .put("resolvedAt", str(i.resolvedAt()))
        .put("paging", paging)
        .put("log", log);
  }

  static Incident incident(JsonObject j) {
    Map<String, Incident.Paging> paging = new LinkedHashMap<>();
    JsonObject p = j.getJsonObject("paging");
    for (String team : p.fieldNames()) {
      JsonObject t = p.getJsonObject(team);
      paging.put(
          team,
          new Incident.Paging(
              t.getBoolean("suppressed"),
              instant(t.getString("since")),
              t.getInteger("stepsFired"),
              t.getInteger("repeatsFired"),
              instant(t.getString("causeRecoveredAt"))));
    }
    List<Notification> log = new ArrayList<>();
    j.getJsonArray("log").forEach(o -> log.add(notification((JsonObject) o)));
    return new Incident(
        j.getString("id"),
        j.getString("serviceId"),
        instant(j.getString("start")),
        j.getString("rootCause"),
        instant(j.getString("acknowledgedAt")),
        j.getString("acknowledgedBy"),
        instant(j.getString("resolvedAt")),
        paging,
        log);
  }

  static JsonObject notification(Notification n) {
    JsonObject details = new JsonObject();
    n.details().forEach(details::put);
    return new JsonObject()
        .put("key", n.key())
        .put("incidentId", n.incidentId())
        .put("serviceId", n.serviceId())
        .put("team", n.team())
        .put("channelKind", n.channelKind())
        .put("kind", n.kind().name())
        .put("at", str(n.at()))
        .put("summary", n.summary())
        .put("details", details);
  }

  static Notification notification(JsonObject j) {
    Map<String, String> details = new LinkedHashMap<>();
    JsonObject d = j.getJsonObject("details");
    for (String k : d.fieldNames()) {
      details.put(k, d.getString(k));
    }
    return new Notification(
        j.getString("key"),
        j.getString("incidentId"),
        j.getString("serviceId"),
        j.getString("team"),
        j.getString("channelKind"),
        Notification.Kind.valueOf(j.getString("kind")),
        instant(j.getString("at")),
        j.getString("summary"),
        details);
  }

  /** An outbox entry with its delivery lease (when a member took it, until when; or null). */
  static String encode(OutboxEntry e, Instant leaseUntil) {
    JsonArray deliveries = new JsonArray();
    for (Delivery d : e.deliveries()) {
      deliveries.add(
          new JsonObject()
              .put("at", str(d.at()))
              .put("ok", d.ok())
              .put("code", d.code())
              .put("message", d.message())
              .put("retryable", d.retryable()));
    }
    return new JsonObject()
        .put("notification", notification(e.notification()))
        .put("status", e.status().name())
        .put("queuedAt", str(e.queuedAt()))
        .put("nextAttemptAt", str(e.nextAttemptAt()))
        .put("deliveries", deliveries)
        .put("leaseUntil", str(leaseUntil))
        .encode();
  }

  static OutboxEntry decodeOutboxEntry(String json) {
    JsonObject j = new JsonObject(json);
    List<Delivery> deliveries = new ArrayList<>();
    j.getJsonArray("deliveries")
        .forEach(
            o -> {
              JsonObject d = (JsonObject) o;
              deliveries.add(
                  new Delivery(
                      instant(d.getString("at")),
                      d.getBoolean("ok"),
                      d.getString("code"),
                      d.getString("message"),
                      d.getBoolean("retryable")));
            });
    return new OutboxEntry(
        notification(j.getJsonObject("notification")),
        OutboxEntry.Status.valueOf(j.getString("status")),
        instant(j.getString("queuedAt")),
        instant(j.getString("nextAttemptAt")),
        deliveries);
  }

  /** The lease an encoded outbox entry carries, or null. */
  static Instant leaseUntil(String json) {
    return instant(new JsonObject(json).getString("leaseUntil"));
  }

  private static String str(Instant i) {
    return i == null ? null : i.toString();
  }

  private static Instant instant(String s) {
    return s == null ? null : Instant.parse(s);
  }
}
