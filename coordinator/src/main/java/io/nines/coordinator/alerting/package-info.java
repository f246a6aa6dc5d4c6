/**
 * Alerting's shell around the pure engine ({@link io.nines.availability.incident}): the loop that
 * runs it once a second for the services this member owns, reposts, fleet health notices, and the
 * senders that hand notifications to the channels. Alert state and the outbox are stores ({@link
 * io.nines.store.alerts}), supplied by the coordinator's {@link io.nines.store.Backend}.
 */
package io.nines.coordinator.alerting;
