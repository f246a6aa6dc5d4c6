package io.nines.config;

import java.util.List;

/**
 * Something users depend on, measured by its checks.
 *
 * @param id the key under {@code services:}
 * @param name a display name; the id when not given
 * @param tier sets the target
 * @param targetPercent the availability target in percent, e.g. {@code 99.99}
 * @param owners team ids paged first when it fails
 * @param dependsOn service ids it depends on; acyclic across the fleet
 * @param runbook a link included in every message about it, or null
 * @param downWhen how many of its checks must be DOWN for it to be DOWN; with fewer, a DOWN check
 *     makes it DEGRADED. {@link DownWhen#ANY} (the default) makes it the worst of its checks
 * @param pageAfter how long it must be DOWN before anyone is paged or told, or null for the fleet's
 *     {@code settings.alerting.page-after}
 */
public record Service(
    String id,
    String name,
    Tier tier,
    double targetPercent,
    List<String> owners,
    List<String> dependsOn,
    String runbook,
    DownWhen downWhen,
    PageAfter pageAfter) {
  public Service {
    owners = List.copyOf(owners);
    dependsOn = List.copyOf(dependsOn);
    if (downWhen == null) {
      downWhen = DownWhen.ANY;
    }
  }

  /** A service with the fleet's confirmation time. */
  public Service(
      String id,
      String name,
      Tier tier,
      double targetPercent,
      List<String> owners,
      List<String> dependsOn,
      String runbook,
      DownWhen downWhen) {
    this(id, name, tier, targetPercent, owners, dependsOn, runbook, downWhen, null);
  }

  /** A service whose state is the worst of its checks'. */
  public Service(
      String id,
      String name,
      Tier tier,
      double targetPercent,
      List<String> owners,
      List<String> dependsOn,
      String runbook) {
    this(id, name, tier, targetPercent, owners, dependsOn, runbook, DownWhen.ANY);
  }
}
