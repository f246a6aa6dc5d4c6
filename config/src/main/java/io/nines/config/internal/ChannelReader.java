package io.nines.config.internal;

import io.nines.config.Channel;
import io.nines.config.Template;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Reads one channel of a team (email, pagerduty, webhook, slack, alertmanager). */
final class ChannelReader {
  static final List<String> KINDS =
      List.of("email", "pagerduty", "webhook", "slack", "alertmanager");
  static final List<String> PAGERDUTY_KEYS = List.of("routing-key", "url");
  static final List<String> WEBHOOK_KEYS = List.of("url", "secret");
  static final List<String> SLACK_KEYS = List.of("url");
  static final List<String> ALERTMANAGER_KEYS = List.of("url");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

  private final LoadContext ctx;

  ChannelReader(LoadContext ctx) {
    this.ctx = ctx;
  }

  /** The channel of {@code kind}, one of {@link #KINDS}; null when it is broken (reported). */
  Channel read(String kind, At c) {
    return switch (kind) {
      case "email" -> email(c);
      case "pagerduty" -> pagerDuty(c);
      case "webhook" -> webhook(c);
      case "slack" -> slack(c);
      case "alertmanager" -> alertmanager(c);
      default -> null;
    };
  }

  private Channel email(At at) {
    List<At> items = at.isSequence() ? at.items() : List.of(at);
    List<String> to = new ArrayList<>();
    for (At item : items) {
      String addr = item.string();
      if (addr != null && !EMAIL.matcher(addr).matches()) {
        item.mustBe("an email address such as oncall@shop.example");
      } else if (addr != null) {
        to.add(addr);
      }
    }
    if (at.isSequence() && items.isEmpty()) {
      at.mustBe("a list of at least one email address");
    }
    return to.isEmpty() ? null : new Channel.Email(to);
  }

  private Channel pagerDuty(At at) {
    Fields f = at.fields(PAGERDUTY_KEYS);
    if (f == null) {
      return null;
    }
    At keyAt = f.require("routing-key", "the integration's routing key, e.g. ${env:PD_KEY}");
    Template key = keyAt == null ? null : secretTemplate(keyAt);
    String url = null;
    if (f.has("url")) {
      url = ctx.plain(f.get("url"));
      ctx.checkUrl(f.get("url"), url);
    }
    return key == null ? null : new Channel.PagerDuty(key, url);
  }

  private Channel webhook(At at) {
    Fields f = at.fields(WEBHOOK_KEYS);
    if (f == null) {
      return null;
    }
    Template url = url(f, "where to post, e.g. https://hooks.example/nines");
    Template secret = f.has("secret") ? secretTemplate(f.get("secret")) : null;
    return url == null ? null : new Channel.Webhook(url, secret);
  }

  private Channel slack(At at) {
    Fields f = at.fields(SLACK_KEYS);
    if (f == null) {
      return null;
    }
    Template url = url(f, "the incoming webhook URL, e.g. ${env:SLACK_WEBHOOK_URL}");
    return url == null ? null : new Channel.Slack(url);
  }

  private Channel alertmanager(At at) {
    Fields f = at.fields(ALERTMANAGER_KEYS);
    if (f == null) {
      return null;
    }
    Template url = url(f, "Alertmanager's base URL, e.g. http://alertmanager:9093");
    return url == null ? null : new Channel.Alertmanager(url);
  }

  /** The required {@code url}: a template, checked as a URL. */
  private Template url(Fields f, String expected) {
    At urlAt = f.require("url", expected);
    Template url = urlAt == null ? null : ctx.template(urlAt, LoadContext.Scope.FLEET, true);
    ctx.checkUrl(urlAt, url);
    return url;
  }

  /** A template that should be a secret reference; plain text works but gets a warning. */
  private Template secretTemplate(At at) {
    Template t = ctx.template(at, LoadContext.Scope.FLEET, true);
    if (t != null && !t.hasSecrets()) {
      at.warning(
          "is written in the file in clear; refer to it as ${env:NAME} or ${file:/path} so that"
              + " it stays out of version control");
    }
    return t;
  }
}
