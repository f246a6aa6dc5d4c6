package io.nines.config;

import java.time.Duration;
import java.util.List;

/**
 * How a team is paged for an incident of a service it owns, until someone acknowledges it.
 *
 * <p>Step {@code i} fires at {@code opened + steps[i].after}. After the last step, when {@code
 * repeat} is set, the last step fires again every {@code repeat} until the incident is acknowledged
 * or resolved.
 *
 * @param steps in order of {@code after}; the first usually at 0
 * @param repeat the period of repeats after the last step, or null for none
 */
public record Escalation(List<Step> steps, Duration repeat) {
  public Escalation {
    steps = List.copyOf(steps);
  }

  /**
   * One step.
   *
   * @param after how long after the incident opened it fires
   * @param channelKinds the kinds of the team's channels it notifies, e.g. {@code [pagerduty,
   *     email]}
   */
  public record Step(Duration after, List<String> channelKinds) {
    public Step {
      channelKinds = List.copyOf(channelKinds);
    }
  }

  /** The default: every channel of the team at once, no repeats. */
  public static Escalation allAtOnce(List<Channel> channels) {
    return new Escalation(
        List.of(new Step(Duration.ZERO, channels.stream().map(Channel::kind).distinct().toList())),
        null);
  }
}
