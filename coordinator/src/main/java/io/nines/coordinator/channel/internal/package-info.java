/**
 * The channel implementations behind {@link io.nines.coordinator.channel.Channels}: one class per
 * endpoint kind, the per-endpoint circuit breakers, secret rendering and message text. Not an API:
 * use {@link io.nines.coordinator.channel.Channels}.
 */
package io.nines.coordinator.channel.internal;
