package io.nines.channels;

import io.nines.common.Checks;
import io.nines.config.Template;

/**
 * A Prometheus Alertmanager to post alerts to. Teams configure theirs as an {@code alertmanager}
 * channel ({@link io.nines.config.Channel.Alertmanager}), which {@link Channels#send} turns into
 * this; {@link Channels#sendToAlertmanager} takes one directly.
 *
 * @param url Alertmanager's base URL, such as {@code http://alertmanager:9093}; alerts go to {@code
 *     <url>/api/v2/alerts}. May hold secret references (basic auth in a proxy's path).
 */
public record AlertmanagerTarget(Template url) {
  public AlertmanagerTarget {
    Checks.notNull(url, "alertmanager.url");
  }

  /** A target at a URL without references. */
  public static AlertmanagerTarget at(String url) {
    return new AlertmanagerTarget(Template.literal(url));
  }
}
