package io.nines.config;

/**
 * How a team is told of things that are not its own outages.
 *
 * @param upstream an outage of a service that one of the team's services depends on
 * @param budget a service of the team burning its downtime budget too fast, or having spent it
 * @param rootCauseSuppression when the team's service is down because a service it depends on is
 *     down, send one notice linking to that incident instead of paging; the team's own incident
 *     pages if its service stays down after the upstream recovers
 */
public record Notices(Mode upstream, Mode budget, boolean rootCauseSuppression) {

  /** A notice goes to the team's non-paging channels; a page goes through its escalation. */
  public enum Mode {
    NOTICE,
    PAGE
  }

  public static final Notices DEFAULTS = new Notices(Mode.NOTICE, Mode.NOTICE, true);
}
