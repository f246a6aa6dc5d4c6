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

  /** A Slack-compatible incoming webhook. */
  record Slack(Template url) implements Channel {
    public String kind() {
      return "slack";
    }
  }
}
