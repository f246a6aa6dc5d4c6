package io.nines.config;

import java.util.List;

/** Where a team receives notifications. */
public sealed interface Channel {

  /**
   * A short name for the channel's kind, as in the configuration: {@code email}, {@code
   * pagerduty}...
   */
  String kind();

  /** Email over SMTP to these addresses. */
  record Email(List<String> to) implements Channel {
    public Email {
      to = List.copyOf(to);
    }

    public String kind() {
      return "email";
    }
  }

  /**
   * PagerDuty Events API v2.
   *
   * @param routingKey the integration's routing key, normally a secret reference
   * @param url the events endpoint; null for PagerDuty's own
   */
  record PagerDuty(Template routingKey, String url) implements Channel {
    public String kind() {
      return "pagerduty";
    }
  }

  /**
   * A generic webhook; each post is signed with HMAC-SHA256 when a secret is set.
   *
   * @param url where to post
   * @param secret the signing key, or null
   */
  record Webhook(Template url, Template secret) implements Channel {
    public String kind() {
      return "webhook";
    }
  }

  /**
   * A Prometheus Alertmanager (API v2): each notification is an alert labelled {@code alertname},
   * {@code service}, {@code team}, {@code severity}, {@code tier} and {@code incident}, reposted
   * while its incident is open and resolved when it closes.
   *
   * @param url Alertmanager's base URL, such as {@code http://alertmanager:9093}; alerts go to
   *     {@code <url>/api/v2/alerts}
   */
  record Alertmanager(Template url) implements Channel {
    public String kind() {
      return "alertmanager";
    }
  }

  /** A Slack-compatible incoming webhook. */
  record Slack(Template url) implements Channel {
    public String kind() {
      return "slack";
    }
  }
}
