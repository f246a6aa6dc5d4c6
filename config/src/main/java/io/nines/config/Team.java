package io.nines.config;

import java.util.List;

/**
 * People who own services and receive notifications.
 *
 * @param id the key under {@code teams:}
 * @param name a display name; the id when not given
 * @param channels where the team is notified, in the order written
 * @param escalation how the team is paged for its own services' incidents
 * @param notices how the team is told of upstream outages and budget burns
 */
public record Team(
    String id, String name, List<Channel> channels, Escalation escalation, Notices notices) {
  public Team {
    channels = List.copyOf(channels);
    if (escalation == null) {
      escalation = Escalation.allAtOnce(channels);
    }
    if (notices == null) {
      notices = Notices.DEFAULTS;
    }
  }

  /** A team with the default escalation (every channel at once) and notices. */
  public Team(String id, String name, List<Channel> channels) {
    this(id, name, channels, null, null);
  }

  /** The team's channels of {@code kind}, e.g. {@code pagerduty}. */
  public List<Channel> channelsOf(String kind) {
    return channels.stream().filter(c -> c.kind().equals(kind)).toList();
  }
}
