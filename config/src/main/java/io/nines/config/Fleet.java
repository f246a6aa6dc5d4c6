package io.nines.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A whole, validated configuration: immutable, and only ever built by {@link FleetLoader}.
 *
 * @param version content hash and load time
 * @param locations the location ids checks may run from, in the order declared
 * @param teams by id, in the order declared
 * @param services by id, in the order declared
 * @param checks in the order declared
 * @param maintenance planned maintenance windows
 * @param settings fleet-wide settings
 * @param vars variables for {@code ${name}} references, after overrides
 * @param warnings problems that do not stop the fleet from loading (e.g. TLS verification off)
 */
public record Fleet(
    ConfigVersion version,
    List<String> locations,
    Map<String, Team> teams,
    Map<String, Service> services,
    List<Check> checks,
    List<MaintenanceWindow> maintenance,
    Settings settings,
    Map<String, String> vars,
    List<Problem> warnings) {
  public Fleet {
    locations = List.copyOf(locations);
    teams = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(teams));
    services = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(services));
    checks = List.copyOf(checks);
    maintenance = List.copyOf(maintenance);
    vars = Map.copyOf(vars);
    warnings = List.copyOf(warnings);
  }

  /** The check of {@code id} (the first declared of that id), from {@link CheckIndex}. */
  public Optional<Check> check(String id) {
    return Optional.ofNullable(CheckIndex.of(this).get(id));
  }

  /** The checks that measure {@code serviceId}. */
  public List<Check> checksOf(String serviceId) {
    return checks.stream().filter(c -> c.service().equals(serviceId)).toList();
  }

  /** The maintenance windows that cover {@code serviceId}. */
  public List<MaintenanceWindow> maintenanceOf(String serviceId) {
    return maintenance.stream().filter(m -> m.services().contains(serviceId)).toList();
  }
}
