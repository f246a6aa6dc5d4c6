package io.nines.store.alerts;

import io.nines.availability.incident.Command;
import io.nines.availability.incident.IncidentEngine;
import io.nines.availability.incident.ServiceAlerts;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * Where each service's {@link ServiceAlerts} lives. {@link #apply} is atomic per service: two
 * decisions for one service never interleave, so an incident opens once and a step fires once.
 */
public interface AlertStore {

  /** Applies {@code command} to the service's state and keeps the result. */
  Future<IncidentEngine.Step> apply(String serviceId, Command command);

  /** The service's state, if it has one. */
  Future<Optional<ServiceAlerts>> get(String serviceId);

  /** Every service's state. */
  Future<List<ServiceAlerts>> all();
}
