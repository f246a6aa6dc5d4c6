package io.nines.config.internal;

import io.nines.config.HeartbeatPlan;
import java.util.Map;

/** {@link Flatten}'s fields of a heartbeat check, in the configuration's words. */
final class HeartbeatFlatten {
  private HeartbeatFlatten() {}

  static void put(Map<String, String> m, HeartbeatPlan p) {
    if (p.every() != null) {
      m.put("heartbeat.every", Units.formatDuration(p.every()));
    } else {
      m.put("heartbeat.schedule", p.schedule().source());
      m.put("heartbeat.timezone", p.zone().getId());
    }
    m.put("heartbeat.grace", Units.formatDuration(p.grace()));
    if (p.maxRuntime() != null) {
      m.put("heartbeat.max-runtime", Units.formatDuration(p.maxRuntime()));
    }
  }
}
