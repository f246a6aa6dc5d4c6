package io.nines.config;

/**
 * How many parts must fail before the whole is DOWN: of a check, its locations ({@code 2 of 3
 * locations fail}, or {@code majority}: more than half of the locations that reported); of a
 * service, its checks ({@code any}, {@code all}, {@code majority} or {@code 2 checks fail}).
 *
 * @param failing K; 0 means a majority, -1 all of those that reported
 */
public record DownWhen(int failing) {
  public static final DownWhen MAJORITY = new DownWhen(0);

  /** One failing part is enough: a service's default (the worst of its checks). */
  public static final DownWhen ANY = new DownWhen(1);

  /** Every part that reported must fail. */
  public static final DownWhen ALL = new DownWhen(-1);

  public DownWhen {
    if (failing < -1) {
      throw new IllegalArgumentException(
          "failing: " + failing + " (expected: K >= 1, 0 for a majority, -1 for all)");
    }
  }

  /** How many of {@code reporting} parts must fail for DOWN; at least 1. */
  public int threshold(int reporting) {
    if (failing > 0) {
      return failing;
    }
    if (failing < 0) {
      return Math.max(1, reporting);
    }
    return reporting / 2 + 1;
  }

  /**
   * As written under a service: {@code any}, {@code all}, {@code majority}, {@code K checks fail}.
   */
  public String printForService() {
    if (failing == 1) {
      return "any";
    }
    if (failing < 0) {
      return "all";
    }
    return failing == 0 ? "majority" : failing + " checks fail";
  }

  /** As written in the configuration. */
  public String print(int locations) {
    return failing == 0 ? "majority" : failing + " of " + locations + " locations fail";
  }
}
