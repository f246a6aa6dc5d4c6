package io.nines.coordinator.alerting;

import io.nines.availability.incident.Incident;
import io.nines.availability.incident.Notification;
import io.nines.availability.incident.ServiceAlerts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which alerts to post again to channels that hold alert state (Alertmanager). Alertmanager
 * resolves an alert it has not heard about for its {@code resolve_timeout} (5 minutes by default),
 * as it expects senders to repeat firing alerts, as Prometheus does. So while an incident is open,
 * every page and notice that went to such a channel for it is posted again every {@link #EVERY};
 * after the incident resolved, its resolution is posted again for {@link #RESOLVED_FOR}, with the
 * labels each alert fired with, so that an Alertmanager that missed the first resolve (restarted,
 * unreachable) still closes it. Pure and thread-safe.
 */
final class Reposts {
  /** How often firing alerts are posted again: well within Alertmanager's default 5 minutes. */
  static final Duration EVERY = Duration.ofMinutes(1);

  /** How long after an incident resolved its resolution is posted again. */
  static final Duration RESOLVED_FOR = Duration.ofMinutes(5);

  /** The channel kinds that hold alert state and so need reposts. */
  static final Set<String> STATEFUL_KINDS = Set.of("alertmanager");

  private Reposts() {}

  /**
   * One repost.
   *
   * @param firing the page or notice as first decided
   * @param resolvedAt when its incident resolved, or null while it is open
   */
  record Due(Notification firing, Instant resolvedAt) {}

  /**
   * What to post again at {@code now} for these services: for each open incident, the newest page
   * and notice of each kind sent to each team's stateful channel; for each incident resolved within
   * {@link #RESOLVED_FOR}, the same, as resolved.
   */
  static List<Due> due(List<ServiceAlerts> services, Instant now) {
    List<Due> out = new ArrayList<>();
    for (ServiceAlerts s : services) {
      if (s.incident() != null) {
        for (Notification n : firing(s.incident())) {
          out.add(new Due(n, null));
        }
      }
      for (Incident i : s.resolved()) {
        if (i.resolvedAt() != null && !now.isAfter(i.resolvedAt().plus(RESOLVED_FOR))) {
          for (Notification n : firing(i)) {
            out.add(new Due(n, i.resolvedAt()));
          }
        }
      }
    }
    return out;
  }

  /**
   * The newest notification of each team, channel kind and notification kind in the incident's log
   * that fired an alert: pages and notices, not acknowledgements and resolutions.
   */
  private static List<Notification> firing(Incident i) {
    Map<String, Notification> newest = new LinkedHashMap<>();
    for (Notification n : i.log()) {
      if (STATEFUL_KINDS.contains(n.channelKind())
          && n.kind() != Notification.Kind.ACKNOWLEDGE
          && n.kind() != Notification.Kind.RESOLVE) {
        newest.put(n.team() + "\u0000" + n.channelKind() + "\u0000" + n.kind(), n);
      }
    }
    return List.copyOf(newest.values());
  }
}
