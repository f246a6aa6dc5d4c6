package io.nines.config;

import java.time.Duration;
import java.util.List;

/**
 * A probe run on a schedule from one or more locations.
 *
 * @param id unique across the fleet
 * @param service the service it measures
 * @param every the interval between runs
 * @param timeout the most one attempt may take; below {@code every}
 * @param locations where it runs from
 * @param downWhen how many failing locations make it DOWN
 * @param retries quick retries before a failure is reported
 * @param spec what it does
 */
public record Check(
    String id,
    String service,
    Duration every,
    Duration timeout,
    List<String> locations,
    DownWhen downWhen,
    int retries,
    CheckSpec spec) {
  public Check {
    locations = List.copyOf(locations);
  }

  public String type() {
    return spec.type();
  }
}
