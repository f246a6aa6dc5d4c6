/**
 * Alerting's shell around the pure engine ({@link io.nines.availability.incident}): the loop that
 * runs it once a second for the services this member owns, alert state and the outbox (in memory,
 * in Hazelcast, in JDBC), reposts, fleet health notices, and the senders that hand notifications to
 * the channels.
 */
package io.nines.coordinator.alerting;
