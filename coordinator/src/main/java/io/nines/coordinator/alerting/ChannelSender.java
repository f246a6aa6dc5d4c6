package io.nines.coordinator.alerting;

import io.nines.common.TimeSource;
import io.nines.config.Channel;
import io.nines.config.Fleet;
import io.nines.config.Service;
import io.nines.config.Team;
import io.nines.coordinator.channel.Channels;
import io.nines.coordinator.channel.DeliveryResult;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Delivers the engine's notifications through the real channels the team configured (PagerDuty,
 * email, Slack, webhook).
 */
public final class ChannelSender implements Sender {
  private final Channels channels;
  private final Supplier<Fleet> fleet;
  private final TimeSource time;
  private final String baseUrl;

  /**
   * @param baseUrl the coordinator's public URL, for links in messages (e.g. {@code
   *     https://nines.example}); may be empty
   */
  public ChannelSender(Channels channels, Supplier<Fleet> fleet, TimeSource time, String baseUrl) {
    this.channels = channels;
    this.fleet = fleet;
    this.time = time;
    this.baseUrl = baseUrl == null ? "" : baseUrl.replaceAll("/+$", "");
  }

  /** The channels, for their circuit breakers' state. */
  public Channels channels() {
    return channels;
  }

  @Override
  public Future<Delivery> send(Notification n) {
    Fleet f = fleet.get();
    Team team = f == null ? null : f.teams().get(n.team());
    List<Channel> configured = team == null ? List.of() : team.channelsOf(n.channelKind());
    if (configured.isEmpty()) {
      return Future.succeededFuture(
          new Delivery(
              time.now(),
              false,
              "no-channel",
              "team '" + n.team() + "' has no " + n.channelKind() + " channel any more",
              false));
    }
    Service service = f.services().get(n.serviceId());
    return channels
        .send(toChannel(n, service), configured.get(0))
        .map(r -> toDelivery(r, time.now()));
  }

  static Delivery toDelivery(DeliveryResult r, Instant at) {
    return new Delivery(at, r.ok(), String.valueOf(r.code()), r.message(), r.retryable());
  }

  io.nines.coordinator.channel.Notification toChannel(Notification n, Service service) {
    var kind =
        switch (n.kind()) {
          case PAGE -> io.nines.coordinator.channel.Notification.Kind.TRIGGER;
          case ACKNOWLEDGE -> io.nines.coordinator.channel.Notification.Kind.ACKNOWLEDGE;
          case RESOLVE -> io.nines.coordinator.channel.Notification.Kind.RESOLVE;
          default -> io.nines.coordinator.channel.Notification.Kind.NOTICE;
        };
    // A resolve of a budget page has that page's topic, so that Alertmanager resolves that alert.
    String resolves =
        n.kind() == Notification.Kind.RESOLVE ? n.details().get(Notification.RESOLVES) : null;
    var topic = topic(resolves == null ? n.kind() : Notification.Kind.valueOf(resolves));
    boolean critical = service != null && service.tier() == io.nines.config.Tier.CRITICAL;
    var severity =
        switch (n.kind()) {
          case PAGE, ACKNOWLEDGE, RESOLVE ->
              critical
                  ? io.nines.coordinator.channel.Notification.Severity.CRITICAL
                  : io.nines.coordinator.channel.Notification.Severity.ERROR;
          case BUDGET_SPENT, FLAPPING, ROOT_CAUSE, UPSTREAM ->
              io.nines.coordinator.channel.Notification.Severity.WARNING;
          default -> io.nines.coordinator.channel.Notification.Severity.INFO;
        };
    Map<String, String> details = new LinkedHashMap<>();
    rename(
        n.details(),
        details,
        "location",
        io.nines.coordinator.channel.Notification.DETAIL_LOCATION);
    rename(
        n.details(),
        details,
        "failingStep",
        io.nines.coordinator.channel.Notification.DETAIL_FAILING_STEP);
    rename(n.details(), details, "actual", io.nines.coordinator.channel.Notification.DETAIL_ACTUAL);
    rename(n.details(), details, "target", io.nines.coordinator.channel.Notification.DETAIL_TARGET);
    rename(
        n.details(),
        details,
        "rootCause",
        io.nines.coordinator.channel.Notification.DETAIL_ROOT_CAUSE);
    for (Map.Entry<String, String> e : n.details().entrySet()) {
      if (!e.getKey().equals(Notification.RESOLVES)) {
        details.putIfAbsent(e.getKey(), e.getValue());
      }
    }
    // Notices that belong to no incident (budget, flapping) are grouped by their key's prefix: the
    // key without its team, channel and step.
    String incident = n.incidentId().isEmpty() ? withoutLast(n.key(), 3) : n.incidentId();
    String since = n.details().get("since");
    Instant startedAt = since == null ? n.at() : Instant.parse(since);
    var links =
        new io.nines.coordinator.channel.Notification.Links(
            baseUrl.isEmpty() || n.incidentId().isEmpty()
                ? null
                : baseUrl + "/api/v1/incidents/" + n.incidentId(),
            baseUrl.isEmpty()
                ? null
                : baseUrl + "/api/v1/services/" + n.serviceId() + "/availability",
            service == null ? null : service.runbook());
    return new io.nines.coordinator.channel.Notification(
        n.key(),
        incident,
        kind,
        topic,
        n.serviceId(),
        service == null ? n.serviceId() : service.name(),
        service == null ? null : service.tier().configName(),
        n.team(),
        severity,
        n.summary(),
        startedAt,
        n.at(),
        details,
        links);
  }

  /**
   * The channel topic of a kind. A root-cause notice is about the team's own service being down (a
   * service it depends on is the probable cause), so it is an outage, not an upstream one.
   */
  private static io.nines.coordinator.channel.Notification.Topic topic(Notification.Kind kind) {
    return switch (kind) {
      case UPSTREAM -> io.nines.coordinator.channel.Notification.Topic.UPSTREAM_OUTAGE;
      case FLAPPING -> io.nines.coordinator.channel.Notification.Topic.FLAPPING;
      case BUDGET_BURN -> io.nines.coordinator.channel.Notification.Topic.BUDGET_BURN;
      case BUDGET_SPENT -> io.nines.coordinator.channel.Notification.Topic.BUDGET_SPENT;
      case FLEET -> io.nines.coordinator.channel.Notification.Topic.FLEET;
      default -> io.nines.coordinator.channel.Notification.Topic.OUTAGE;
    };
  }

  static String withoutLast(String key, int segments) {
    int end = key.length();
    for (int i = 0; i < segments; i++) {
      int slash = key.lastIndexOf('/', end - 1);
      if (slash <= 0) {
        return key;
      }
      end = slash;
    }
    return key.substring(0, end);
  }

  private static void rename(
      Map<String, String> from, Map<String, String> to, String key, String as) {
    String v = from.get(key);
    if (v != null) {
      to.put(as, v);
    }
  }
}
