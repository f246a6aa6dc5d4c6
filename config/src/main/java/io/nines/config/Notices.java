package io.nines.config;

/**
 * How a team is told of things that are not its own outages.
 *
 * @param upstream an outage of a service that one of the team's services depends on: told once per
 *     root-cause outage, naming every exposed service of the team
 * @param budget a service of the team burning its downtime budget too fast, or having spent it: a
 *     notice goes to non-paging channels only (never PagerDuty); a page triggers the first
 *     escalation step and is resolved when the burn stops or the month ends
 * @param rootCauseSuppression when the team's service is down because a service it depends on is
 *     down, do not page: the team heard of the root cause's outage already (a notice naming its
 *     exposed services, or a page when it owns the root cause). The team's own incident pages if
 *     its service stays down for its {@code page-after} after the root cause recovered
 */
public record Notices(Mode upstream, Mode budget, boolean rootCauseSuppression) {

  /** A notice goes to the team's non-paging channels; a page goes through its escalation. */
  public enum Mode {
    NOTICE,
    PAGE
  }

  public static final Notices DEFAULTS = new Notices(Mode.NOTICE, Mode.NOTICE, true);
}
