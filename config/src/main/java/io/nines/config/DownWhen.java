package io.nines.config;

/**
 * How many locations must fail before a check is DOWN: {@code 2 of 3 locations fail}, or {@code
 * majority} (more than half of the locations that reported).
 *
 * @param failing K; 0 means a majority
 */
public record DownWhen(int failing) {
  public static final DownWhen MAJORITY = new DownWhen(0);

  /** How many of {@code reporting} locations must fail for DOWN; at least 1. */
  public int threshold(int reporting) {
    if (failing > 0) {
      return failing;
    }
    return reporting / 2 + 1;
  }

  /** As written in the configuration. */
  public String print(int locations) {
    return failing == 0 ? "majority" : failing + " of " + locations + " locations fail";
  }
}
