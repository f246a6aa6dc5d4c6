package io.nines.config;

import java.util.List;

/**
 * People who own services and receive notifications.
 *
 * @param id the key under {@code teams:}
 * @param name a display name; the id when not given
 * @param channels where the team is notified, in the order written
 */
public record Team(String id, String name, List<Channel> channels) {
  public Team {
    channels = List.copyOf(channels);
  }
}
