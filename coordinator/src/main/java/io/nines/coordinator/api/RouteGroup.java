package io.nines.coordinator.api;

import io.vertx.ext.web.Router;

/**
 * A group of {@code /api/v1} routes of one feature. {@link Api#router(java.util.List)} is the one
 * place that mounts them, in the order given, after the API's own routes.
 */
public interface RouteGroup {
  /** Adds the group's routes to {@code router}; called before the router serves requests. */
  void mount(Router router);
}
