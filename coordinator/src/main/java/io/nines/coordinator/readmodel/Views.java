package io.nines.coordinator.readmodel;

import io.nines.availability.AvailabilityReport;
import io.nines.availability.DowntimeBudget;
import io.nines.common.ProbeResult;
import io.nines.common.TimeRange;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/** JSON shapes of the API; units are in the field names (seconds, percent, fraction). */
public final class Views {
  private Views() {}

  /** A duration as seconds with millisecond precision. */
  public static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }

  public static JsonArray ranges(List<TimeRange> ranges) {
    JsonArray out = new JsonArray();
    for (TimeRange r : ranges) {
      out.add(
          new JsonObject()
              .put("start", r.start().toString())
              .put("end", r.end().toString())
              .put("seconds", seconds(r.length())));
    }
    return out;
  }

  /**
   * {@code value} under {@code key}, or JSON null when the report has no data (the figure would be
   * NaN): a service with no data says so, never 100%.
   */
  public static JsonObject figure(JsonObject json, String key, AvailabilityReport r, double value) {
    return r.hasData() ? json.put(key, value) : json.putNull(key);
  }

  /**
   * How much of the report's window was observed: {@code observedFrom} (where the observed part
   * starts; null when nothing was), {@code observedSeconds}, {@code coverage} (observed / window),
   * {@code noData}, and {@code unknownPolicy} (how stale time inside the life counted).
   */
  public static JsonObject observed(JsonObject json, AvailabilityReport r) {
    if (r.observed().isEmpty()) {
      json.putNull("observedFrom");
    } else {
      json.put("observedFrom", r.observed().start().toString());
    }
    return json.put("observedSeconds", seconds(r.observed().length()))
        .put("coverage", r.coverage())
        .put("noData", !r.hasData())
        .put("unknownPolicy", r.unknownPolicy().configName());
  }

  /** Every field of a report, for the availability endpoint. */
  public static JsonObject report(AvailabilityReport r) {
    JsonObject json =
        new JsonObject()
            .put("from", r.window().start().toString())
            .put("to", r.window().end().toString())
            .put("totalSeconds", seconds(r.total()));
    observed(json, r);
    figure(json, "availability", r, r.availability());
    figure(json, "percent", r, r.percent());
    figure(json, "nines", r, r.nines());
    json.put("downSeconds", seconds(r.down()))
        .put("maintenanceSeconds", seconds(r.maintenance()))
        .put("unknownSeconds", seconds(r.unknown()))
        .put("degradedSeconds", seconds(r.degraded()));
    if (r.availabilityExcludingMaintenance().isPresent()) {
      double ex = r.availabilityExcludingMaintenance().getAsDouble();
      json.put("availabilityExcludingMaintenance", ex).put("percentExcludingMaintenance", ex * 100);
    } else {
      json.putNull("availabilityExcludingMaintenance").putNull("percentExcludingMaintenance");
    }
    return json.put("outages", ranges(r.outages()))
        .put("maintenance", ranges(r.maintenanceWindows()));
  }

  /**
   * A month's downtime budget; {@code from} and {@code coverage} say which part of the month it
   * covers (the part inside the service's life), {@code noData} that it covers none.
   */
  public static JsonObject budget(DowntimeBudget b) {
    JsonObject json = new JsonObject().put("month", b.month().toString());
    if (b.period().isEmpty()) {
      json.putNull("from");
    } else {
      json.put("from", b.period().start().toString());
    }
    return json.put("coverage", b.coverage())
        .put("noData", b.period().isEmpty())
        .put("targetPercent", b.targetPercent())
        .put("allowedSeconds", seconds(b.allowed()))
        .put("spentSeconds", seconds(b.spent()))
        .put("leftSeconds", seconds(b.left()));
  }

  /** A result as agents send it, plus its id. */
  public static JsonObject result(ProbeResult r) {
    return r.toJson().put("id", r.id());
  }

  public static JsonObject error(String error, String message) {
    return new JsonObject().put("error", error).put("message", message);
  }
}
