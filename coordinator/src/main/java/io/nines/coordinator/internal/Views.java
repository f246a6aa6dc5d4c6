package io.nines.coordinator.internal;

import io.nines.common.ProbeResult;
import io.nines.common.TimeRange;
import io.nines.coordinator.timeline.AvailabilityReport;
import io.nines.coordinator.timeline.DowntimeBudget;
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

  /** Every field of a report, for the availability endpoint. */
  static JsonObject report(AvailabilityReport r) {
    JsonObject json =
        new JsonObject()
            .put("from", r.window().start().toString())
            .put("to", r.window().end().toString())
            .put("totalSeconds", seconds(r.total()))
            .put("availability", r.availability())
            .put("percent", r.percent())
            .put("nines", r.nines())
            .put("downSeconds", seconds(r.down()))
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

  public static JsonObject budget(DowntimeBudget b) {
    return new JsonObject()
        .put("month", b.month().toString())
        .put("targetPercent", b.targetPercent())
        .put("allowedSeconds", seconds(b.allowed()))
        .put("spentSeconds", seconds(b.spent()))
        .put("leftSeconds", seconds(b.left()));
  }

  /** A result as agents send it, plus its id. */
  static JsonObject result(ProbeResult r) {
    return r.toJson().put("id", r.id());
  }

  static JsonObject error(String error, String message) {
    return new JsonObject().put("error", error).put("message", message);
  }
}
