package io.nines.store.alerts;

import io.nines.availability.incident.Command;
import io.nines.availability.incident.IncidentEngine;
import io.nines.availability.incident.ServiceAlerts;
import io.nines.config.Fleet;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** An {@link AlertStore} in this process's memory, for a single coordinator. Thread-safe. */
public final class InMemoryAlertStore implements AlertStore {
  private final Supplier<Fleet> fleet;
  private final Map<String, ServiceAlerts> states = new ConcurrentHashMap<>();
  private volatile Fleet engineFleet;
  private volatile IncidentEngine engine;

  public InMemoryAlertStore(Supplier<Fleet> fleet) {
    this.fleet = fleet;
  }

  private IncidentEngine engine() {
    Fleet f = fleet.get();
    if (f != engineFleet) {
      engine = new IncidentEngine(f);
      engineFleet = f;
    }
    return engine;
  }

  @Override
  public Future<IncidentEngine.Step> apply(String serviceId, Command command) {
    IncidentEngine e = engine();
    IncidentEngine.Step[] step = new IncidentEngine.Step[1];
    states.compute(
        serviceId,
        (id, s) -> {
          step[0] = command.applyTo(e, s == null ? ServiceAlerts.initial(id) : s);
          return step[0].next();
        });
    return Future.succeededFuture(step[0]);
  }

  /** A decision and the state it was made from (null when the service had none). */
  record Applied(ServiceAlerts before, IncidentEngine.Step step) {}

  /** {@link #apply}, with the state it decided from, for {@link #undo}. */
  Applied decide(String serviceId, Command command) {
    IncidentEngine e = engine();
    Applied[] applied = new Applied[1];
    states.compute(
        serviceId,
        (id, s) -> {
          IncidentEngine.Step step = command.applyTo(e, s == null ? ServiceAlerts.initial(id) : s);
          applied[0] = new Applied(s, step);
          return step.next();
        });
    return applied[0];
  }

  /**
   * Takes a decision back (its notifications could not be queued), so that the next decision makes
   * them again; nothing when another decision followed it meanwhile.
   */
  void undo(String serviceId, Applied applied) {
    ServiceAlerts after = applied.step().next();
    if (applied.before() == null) {
      states.remove(serviceId, after);
    } else {
      states.replace(serviceId, after, applied.before());
    }
  }

  /** Puts states read back from a durable copy; before the first {@link #apply}. */
  void restore(List<ServiceAlerts> loaded) {
    loaded.forEach(a -> states.put(a.serviceId(), a));
  }

  /** The service's state now, or null. */
  ServiceAlerts current(String serviceId) {
    return states.get(serviceId);
  }

  @Override
  public Future<Optional<ServiceAlerts>> get(String serviceId) {
    return Future.succeededFuture(Optional.ofNullable(states.get(serviceId)));
  }

  @Override
  public Future<List<ServiceAlerts>> all() {
    return Future.succeededFuture(new ArrayList<>(states.values()));
  }
}
