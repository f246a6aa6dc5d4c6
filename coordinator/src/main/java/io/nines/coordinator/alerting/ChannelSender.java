package io.nines.coordinator.alerting;

import io.nines.availability.incident.Notification;
import io.nines.channels.Channels;
import io.nines.channels.DeliveryResult;
import io.nines.common.TimeSource;
import io.nines.config.Channel;
import io.nines.config.Fleet;
import io.nines.config.Service;
import io.nines.config.Team;
import io.nines.coordinator.screenshots.Screenshots;
import io.nines.store.alerts.Delivery;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Delivers the engine's notifications through the real channels the team configured (PagerDuty,
 * email, Slack, webhook, Alertmanager).
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

  /**
   * Sends {@code firing} again through the team's channel of its kind: unchanged while its incident
   * is open, or as resolved at {@code resolvedAt} with the topic and severity it fired with (so
   * with the same Alertmanager labels).
   */
  @Override
  public Future<Delivery> repost(Notification firing, Instant resolvedAt) {
    Fleet f = fleet.get();
    Team team = f == null ? null : f.teams().get(firing.team());
    List<Channel> configured = team == null ? List.of() : team.channelsOf(firing.channelKind());
    if (configured.isEmpty()) {
      return Future.succeededFuture(
          new Delivery(
              time.now(),
              false,
              "no-channel",
              "team '" + firing.team() + "' has no " + firing.channelKind() + " channel any more",
              false));
    }
    var n = toChannel(firing, f.services().get(firing.serviceId()));
    if (resolvedAt != null) {
      n =
          new io.nines.channels.Notification(
              firing.key() + "/resolved",
              n.incidentId(),
              io.nines.channels.Notification.Kind.RESOLVE,
              n.topic(),
              n.serviceId(),
              n.serviceName(),
              n.tier(),
              n.teamId(),
              n.severity(),
              n.serviceName() + " is UP again",
              n.startedAt(),
              resolvedAt,
              n.details(),
              n.links());
    }
    return channels.send(n, configured.get(0)).map(r -> toDelivery(r, time.now()));
  }

  static Delivery toDelivery(DeliveryResult r, Instant at) {
    return new Delivery(at, r.ok(), String.valueOf(r.code()), r.message(), r.retryable());
  }

  io.nines.channels.Notification toChannel(Notification n, Service service) {
    var kind =
        switch (n.kind()) {
          case PAGE -> io.nines.channels.Notification.Kind.TRIGGER;
          case ACKNOWLEDGE -> io.nines.channels.Notification.Kind.ACKNOWLEDGE;
          case RESOLVE -> io.nines.channels.Notification.Kind.RESOLVE;
          default -> io.nines.channels.Notification.Kind.NOTICE;
        };
    // A recovery or an acknowledgement is about what the team was told: an outage of its own
    // service, or an upstream outage when it does not own the service. It carries that topic and
    // severity, so that Alertmanager resolves the alert it fired (its labels are its identity).
    boolean owner = service == null || service.owners().contains(n.team());
    // A resolve of a budget page has that page's topic, so that Alertmanager resolves that alert.
    String resolves =
        n.kind() == Notification.Kind.RESOLVE ? n.details().get(Notification.RESOLVES) : null;
    var topic =
        resolves != null
            ? topic(Notification.Kind.valueOf(resolves))
            : switch (n.kind()) {
              case ACKNOWLEDGE, RESOLVE ->
                  owner
                      ? io.nines.channels.Notification.Topic.OUTAGE
                      : io.nines.channels.Notification.Topic.UPSTREAM_OUTAGE;
              default -> topic(n.kind());
            };
    boolean critical = service != null && service.tier() == io.nines.config.Tier.CRITICAL;
    // A resolve carries the severity of what it resolves (a label of the alert's identity).
    var severity =
        switch (resolves != null ? Notification.Kind.valueOf(resolves) : n.kind()) {
          case ACKNOWLEDGE, RESOLVE ->
              !owner
                  ? io.nines.channels.Notification.Severity.WARNING
                  : critical
                      ? io.nines.channels.Notification.Severity.CRITICAL
                      : io.nines.channels.Notification.Severity.ERROR;
          case PAGE ->
              critical
                  ? io.nines.channels.Notification.Severity.CRITICAL
                  : io.nines.channels.Notification.Severity.ERROR;
          case BUDGET_SPENT, FLAPPING, ROOT_CAUSE, UPSTREAM ->
              io.nines.channels.Notification.Severity.WARNING;
          default -> io.nines.channels.Notification.Severity.INFO;
        };
    Map<String, String> details = channelDetails(n.details());
    // Notices that belong to no incident (budget, flapping) are grouped by their key's prefix: the
    // key without its team, channel and step.
    String incident =
        n.incidentId().isEmpty() ? Notification.withoutLast(n.key(), 3) : n.incidentId();
    String since = n.details().get("since");
    Instant startedAt = since == null ? n.at() : Instant.parse(since);
    var links =
        new io.nines.channels.Notification.Links(
            baseUrl.isEmpty() || n.incidentId().isEmpty()
                ? null
                : baseUrl + "/api/v1/incidents/" + n.incidentId(),
            baseUrl.isEmpty()
                ? null
                : baseUrl + "/api/v1/services/" + n.serviceId() + "/availability",
            service == null ? null : service.runbook(),
            screenshotLink(n.details().get(Alerting.SCREENSHOT_DETAIL)));
    return new io.nines.channels.Notification(
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
   * The dashboard's view of the screenshot {@code id}, or null without a public URL or a
   * well-formed id (details come from results agents posted, so the id is checked before it becomes
   * a link).
   */
  private String screenshotLink(String id) {
    return baseUrl.isEmpty() || !Screenshots.isId(id) ? null : baseUrl + "/ui/#/screenshot/" + id;
  }

  /**
   * The channel topic of a kind. A root-cause notice is about the team's own service being down (a
   * service it depends on is the probable cause), so it is an outage, not an upstream one.
   */
  private static io.nines.channels.Notification.Topic topic(Notification.Kind kind) {
    return switch (kind) {
      case UPSTREAM -> io.nines.channels.Notification.Topic.UPSTREAM_OUTAGE;
      case FLAPPING -> io.nines.channels.Notification.Topic.FLAPPING;
      case BUDGET_BURN -> io.nines.channels.Notification.Topic.BUDGET_BURN;
      case BUDGET_SPENT -> io.nines.channels.Notification.Topic.BUDGET_SPENT;
      case FLEET -> io.nines.channels.Notification.Topic.FLEET;
      default -> io.nines.channels.Notification.Topic.OUTAGE;
    };
  }

  /**
   * The engine's details as channels show them: keys in snake_case (the webhook's and
   * Alertmanager's convention; {@code failingStep} becomes {@code failing_step}), the well-known
   * ones first, and without those every channel shows in its own field ({@code since} is {@code
   * startedAt}, {@code tier} the service's tier, {@code runbook} a link), so no fact appears twice.
   */
  static Map<String, String> channelDetails(Map<String, String> engine) {
    Map<String, String> details = new LinkedHashMap<>();
    for (String known : WELL_KNOWN) {
      engine.forEach(
          (k, v) -> {
            if (snakeCase(k).equals(known)) {
              details.put(known, v);
            }
          });
    }
    engine.forEach(
        (k, v) -> {
          String key = snakeCase(k);
          if (!SHOWN_ELSEWHERE.contains(key) && !k.equals(Notification.RESOLVES)) {
            details.putIfAbsent(key, v);
          }
        });
    return details;
  }

  private static final List<String> WELL_KNOWN =
      List.of(
          io.nines.channels.Notification.DETAIL_LOCATION,
          io.nines.channels.Notification.DETAIL_FAILING_STEP,
          io.nines.channels.Notification.DETAIL_ACTUAL,
          io.nines.channels.Notification.DETAIL_AVAILABILITY,
          io.nines.channels.Notification.DETAIL_TARGET,
          io.nines.channels.Notification.DETAIL_ACKNOWLEDGED_BY,
          io.nines.channels.Notification.DETAIL_ROOT_CAUSE);

  private static final Set<String> SHOWN_ELSEWHERE =
      Set.of("since", "tier", "runbook", Alerting.SCREENSHOT_DETAIL);

  /** {@code failingStep} as {@code failing_step}; a key already in snake_case stays as it is. */
  static String snakeCase(String key) {
    StringBuilder sb = new StringBuilder(key.length() + 4);
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (Character.isUpperCase(c)) {
        if (i > 0) {
          sb.append('_');
        }
        sb.append(Character.toLowerCase(c));
      } else {
        sb.append(c == '-' ? '_' : c);
      }
    }
    return sb.toString();
  }
}
