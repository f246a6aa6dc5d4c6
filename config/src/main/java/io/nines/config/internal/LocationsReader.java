package io.nines.config.internal;

import io.nines.config.HeartbeatPlan;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads {@code locations:}: where checks run from, each id declared once over all files. */
final class LocationsReader {
  private final LoadContext ctx;
  private final List<At> sections;

  LocationsReader(LoadContext ctx, List<At> sections) {
    this.ctx = ctx;
    this.sections = sections;
  }

  void read() {
    Map<String, At> defined = new HashMap<>();
    for (At section : sections) {
      for (At item : section.items()) {
        String id = item.id();
        if (HeartbeatPlan.LOCATION.equals(id)) {
          item.error(
              "was '"
                  + id
                  + "', which is reserved: heartbeat checks' results carry it; name the location"
                  + " otherwise, e.g. push-1");
        } else if (id != null && !Definitions.twice(defined, id, item, "location")) {
          ctx.locations.add(id);
        }
      }
    }
  }
}
