package io.nines.availability.report;

import io.nines.availability.AvailabilityReport;
import io.nines.availability.RiskMatrix;
import io.nines.availability.State;
import io.nines.common.TimeRange;
import io.nines.config.Fleet;
import io.nines.config.Service;
import io.nines.config.Tier;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every service of a fleet on the {@link RiskMatrix}: its outages over the last {@link
 * #WINDOW_DAYS} days give the likelihood, its tier the consequence.
 *
 * @param at the instant the view was computed for ({@code now})
 * @param services one entry per service, in the fleet's order
 */
public record RiskView(Instant at, List<ServiceRisk> services) {
  /** The days the risk matrix looks back to count outages. */
  public static final int WINDOW_DAYS = 90;

  /** How the likelihood is read from the outages, in words. */
  public static final String LIKELIHOOD_RULE =
      "outages per 30 days over the observed part of the last 90 days (at least 30 days): A"
          + " at 8 or more, B at 4 or more, C at 1 or more, D above 0, E none; no data, no"
          + " rating";

  /** How the consequence is read from the tier, in words. */
  public static final String CONSEQUENCE_RULE =
      "from the tier: critical 5, important 3, non-critical 2";

  public RiskView {
    services = List.copyOf(services);
  }

  /**
   * One service on the matrix.
   *
   * @param state the service's state at the end of the window
   * @param report the service's availability over the window; its outages give the likelihood
   * @param likelihood empty when the window holds no data (no rating then)
   * @param consequence 1–5, from the tier
   * @param cell the rated cell; empty exactly when {@code likelihood} is
   */
  public record ServiceRisk(
      String id,
      String name,
      Tier tier,
      State state,
      AvailabilityReport report,
      Optional<RiskMatrix.Likelihood> likelihood,
      int consequence,
      Optional<RiskMatrix.Cell> cell) {

    /** How many outages the window held. */
    public int outages() {
      return report.outages().size();
    }

    /** How much of the window was observed. */
    public Duration observed() {
      return report.observed().length();
    }
  }

  /** The window {@link #of} reads: the {@link #WINDOW_DAYS} days up to {@code now}. */
  public static TimeRange window(Instant now) {
    return new TimeRange(now.minus(Duration.ofDays(WINDOW_DAYS)), now);
  }

  /**
   * The risk view as of {@code now}.
   *
   * @param results fetched over {@link #window(Instant)}
   */
  public static RiskView of(Fleet fleet, Instant now, FetchedTimelines results, Lives lives) {
    TimeRange window = window(now);
    List<ServiceRisk> services = new ArrayList<>();
    for (Service s : fleet.services().values()) {
      ServiceView view = FleetTimelines.service(fleet, s.id(), window, results, lives);
      AvailabilityReport r = view.report(window);
      Optional<RiskMatrix.Likelihood> likelihood =
          r.hasData()
              ? RiskMatrix.likelihood(r.outages().size(), r.observed().length())
              : Optional.empty();
      int consequence = RiskMatrix.consequence(s.tier());
      services.add(
          new ServiceRisk(
              s.id(),
              s.name(),
              s.tier(),
              view.timeline().lastState(),
              r,
              likelihood,
              consequence,
              likelihood.map(l -> RiskMatrix.cell(l, consequence))));
    }
    return new RiskView(now, services);
  }
}
