package io.nines.config.internal;

import io.nines.config.Check;
import io.nines.config.ConfigVersion;
import io.nines.config.Fleet;
import io.nines.config.MaintenanceWindow;
import io.nines.config.Service;
import io.nines.config.Settings;
import io.nines.config.Team;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Builds a {@link Fleet} from parsed files: merges the sections of every file, hands each section
 * to its reader ({@link VarsReader}, {@link LocationsReader}, {@link SettingsReader}, {@link
 * TeamsReader}, {@link ServicesReader}, {@link CheckReader}, {@link MaintenanceReader}), which
 * validates each definition while building its record, then checks references across the fleet
 * (owners, dependencies and their cycles, services without checks).
 */
public final class FleetBuilder {
  static final List<String> TOP_KEYS =
      List.of("locations", "vars", "settings", "teams", "services", "checks", "maintenance");

  private final Diagnostics d;
  private final LoadContext ctx;
  private final Map<String, String> varOverrides;
  private final Map<String, List<At>> sections = new LinkedHashMap<>();

  /** Where services' references are written, checked once every team and service is known. */
  private Map<String, ServicesReader.Refs> refs = Map.of();

  private Set<String> teamIds = Set.of();
  private final Set<String> checkedServices = new HashSet<>();

  /** Checks per service id, to hold a service's 'K checks fail' against. */
  private final Map<String, Integer> checksPerService = new HashMap<>();

  /** Where each service with 'K checks fail' (K above 1) says so. */
  private Map<String, At> serviceDownWhenAt = Map.of();

  /**
   * @param varOverrides replace or add {@code vars:} values
   * @param env the environment, only to warn about unset {@code ${env:..}} secrets
   */
  public FleetBuilder(Diagnostics d, Map<String, String> varOverrides, Map<String, String> env) {
    this.d = d;
    this.ctx = new LoadContext(d, env);
    this.varOverrides = varOverrides;
    TOP_KEYS.forEach(k -> sections.put(k, new ArrayList<>()));
  }

  /** Adds one file's root node (null for an empty file). */
  public void addFile(String path, Node root) {
    if (root == null) {
      return;
    }
    At at = new At(path, root, "", d);
    if (at.isNull()) {
      return;
    }
    if (!at.isMapping()) {
      at.error(
          "must be a mapping of top-level keys ("
              + String.join(", ", TOP_KEYS)
              + ") but was "
              + at.describe());
      return;
    }
    Fields f = at.fields(TOP_KEYS);
    for (String key : f.keys()) {
      sections.get(key).add(f.get(key));
    }
  }

  /** Builds the fleet; the caller throws if {@link Diagnostics#hasErrors()}. */
  public Fleet build(ConfigVersion version) {
    new VarsReader(ctx, sections.get("vars"), varOverrides).read();
    new LocationsReader(ctx, sections.get("locations")).read();
    SettingsReader settingsReader = new SettingsReader(sections.get("settings"));
    Settings settings = settingsReader.read();
    TeamsReader teamsReader = new TeamsReader(ctx, sections.get("teams"));
    Map<String, Team> teams = teamsReader.read();
    teamIds = teamsReader.ids();
    String operators = settings.alerting().operators();
    At operatorsAt = settingsReader.operatorsAt();
    if (operatorsAt != null && operators != null && !teams.containsKey(operators)) {
      LoadContext.unknown(operatorsAt, "team", "teams", operators, teams.keySet());
    }
    ServicesReader servicesReader = new ServicesReader(ctx, sections.get("services"));
    Map<String, Service> services = servicesReader.read(settings);
    refs = servicesReader.refs();
    serviceDownWhenAt = servicesReader.downWhenAt();
    List<Check> checks = readChecks();
    List<MaintenanceWindow> maintenance =
        new MaintenanceReader(ctx, sections.get("maintenance")).read();
    crossCheck(services);
    ctx.checkSecrets();
    return new Fleet(
        version,
        ctx.locations,
        teams,
        services,
        checks,
        maintenance,
        settings,
        ctx.vars,
        d.warnings());
  }

  private List<Check> readChecks() {
    List<Check> checks = new ArrayList<>();
    Map<String, At> defined = new HashMap<>();
    CheckReader reader = new CheckReader(ctx);
    for (At section : sections.get("checks")) {
      for (At item : section.items()) {
        // Ids and services as written count even when the rest of the check is broken, so that
        // a duplicate is still found and its service is not said to have no checks.
        String id = Definitions.rawId(item, "id");
        boolean duplicate = id != null && Definitions.twice(defined, id, item, "check");
        String service = Definitions.rawId(item, "service");
        if (service != null) {
          checkedServices.add(service);
          checksPerService.merge(service, 1, Integer::sum);
        }
        Check c = reader.read(item);
        if (c != null && !duplicate) {
          checks.add(c);
        }
      }
    }
    return checks;
  }

  private void crossCheck(Map<String, Service> services) {
    Map<String, List<String>> graph = new LinkedHashMap<>();
    for (Map.Entry<String, ServicesReader.Refs> e : refs.entrySet()) {
      String id = e.getKey();
      ServicesReader.Refs r = e.getValue();
      if (r.ownersAt() == null || r.owners().isEmpty()) {
        (r.ownersAt() == null ? r.service() : r.ownersAt())
            .warning("has no owners, so nobody is paged when it fails; add owners: [team-id]");
      }
      Set<String> seen = new HashSet<>();
      for (At item : r.owners()) {
        String team = item.scalar();
        if (!teamIds.contains(team)) {
          LoadContext.unknown(item, "team", "teams", team, teamIds);
        } else if (!seen.add(team)) {
          item.error("was '" + team + "', which is already listed");
        }
      }
      List<String> deps = new ArrayList<>();
      seen.clear();
      for (At item : r.dependsOn()) {
        String dep = item.scalar();
        if (dep.equals(id)) {
          item.error("was '" + dep + "', the service itself; a service can't depend on itself");
        } else if (!ctx.serviceIds.contains(dep)) {
          LoadContext.unknown(item, "service", "services", dep, ctx.serviceIds);
        } else if (!seen.add(dep)) {
          item.error("was '" + dep + "', which is already listed");
        } else {
          deps.add(dep);
        }
      }
      graph.put(id, deps);
      if (!checkedServices.contains(id) && services.containsKey(id)) {
        r.service().warning("has no checks, so its availability is never measured");
      }
      Service service = services.get(id);
      At downWhenAt = serviceDownWhenAt.get(id);
      int measuredBy = checksPerService.getOrDefault(id, 0);
      if (service != null && downWhenAt != null && service.downWhen().failing() > measuredBy) {
        downWhenAt.error(
            "was '"
                + service.downWhen().printForService()
                + "' but "
                + measuredBy
                + (measuredBy == 1 ? " check measures" : " checks measure")
                + " the service, so it could never be DOWN; use K from 1 to "
                + Math.max(1, measuredBy)
                + ", or 'all'");
      }
    }
    reportCycles(graph);
  }

  /** Reports each cycle once, starting at its service declared first. */
  private void reportCycles(Map<String, List<String>> graph) {
    List<String> order = new ArrayList<>(graph.keySet());
    Map<String, Integer> state = new HashMap<>(); // 1 on the stack, 2 done
    Set<List<String>> reported = new HashSet<>();
    for (String start : order) {
      if (!state.containsKey(start)) {
        dfs(start, graph, state, new ArrayList<>(), order, reported);
      }
    }
  }

  private void dfs(
      String node,
      Map<String, List<String>> graph,
      Map<String, Integer> state,
      List<String> stack,
      List<String> order,
      Set<List<String>> reported) {
    state.put(node, 1);
    stack.add(node);
    for (String next : graph.getOrDefault(node, List.of())) {
      Integer s = state.get(next);
      if (s == null) {
        dfs(next, graph, state, stack, order, reported);
      } else if (s == 1) {
        List<String> cycle = new ArrayList<>(stack.subList(stack.indexOf(next), stack.size()));
        // Rotate to start at the service declared first, so each cycle is reported once.
        int first = 0;
        for (int i = 1; i < cycle.size(); i++) {
          if (order.indexOf(cycle.get(i)) < order.indexOf(cycle.get(first))) {
            first = i;
          }
        }
        List<String> rotated = new ArrayList<>(cycle.subList(first, cycle.size()));
        rotated.addAll(cycle.subList(0, first));
        if (reported.add(rotated)) {
          refs.get(rotated.get(0))
              .dependsOnAt()
              .error(
                  "forms a cycle: "
                      + String.join(" -> ", rotated)
                      + " -> "
                      + rotated.get(0)
                      + "; dependencies must not loop");
        }
      }
    }
    stack.remove(stack.size() - 1);
    state.put(node, 2);
  }
}
