/**
 * The channel implementations behind {@link io.nines.channels.Channels}: one class per endpoint
 * kind, the per-endpoint circuit breakers, secret rendering and message text. Not an API: use
 * {@link io.nines.channels.Channels}.
 */
package io.nines.channels.internal;
