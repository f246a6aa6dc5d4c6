/**
 * The HTTP API: every {@code /api/v1} route, mounted in one place ({@link
 * io.nines.coordinator.api.Api#router}), with one error reply and one parameter parser ({@link
 * io.nines.coordinator.api.Replies}), authentication and token scopes. Handlers parse and reply;
 * the features (fleet, maintenance, config history, alerting) and the read models do the work. The
 * top of the coordinator's arrows: nothing below depends on this package.
 */
package io.nines.coordinator.api;
