package io.nines.coordinator;

import io.nines.common.Checks;
import io.nines.coordinator.alerting.Sender;
import java.util.Set;

/**
 * How a coordinator alerts.
 *
 * @param sender delivers notifications (channels, or the demo inbox)
 * @param adminTokens bearer tokens that may acknowledge incidents, used only when {@link
 *     CoordinatorOptions#adminTokens()} is empty (that is the one place to set admin tokens; this
 *     stays for callers that set them here). Empty in both lets anyone who reaches the API
 *     acknowledge (only sensible on loopback, as {@code nines up} runs)
 * @param periodMillis how often services are evaluated and due notifications delivered
 */
public record AlertingOptions(Sender sender, Set<String> adminTokens, long periodMillis) {
  public AlertingOptions {
    Checks.notNull(sender, "sender");
    adminTokens = Set.copyOf(adminTokens);
    Checks.checkPositive(periodMillis, "periodMillis");
  }
}
