/**
 * Alerting's pure core: incidents, routing (owners first, then dependent teams), root-cause
 * suppression, escalation, flapping and budget notices (the burn rate is judged by {@link
 * io.nines.availability.BurnRate}). No I/O and no clock reads: every decision of {@link
 * io.nines.availability.incident.IncidentEngine} takes {@code now}, and returns the {@link
 * io.nines.availability.incident.Notification}s to put in the outbox. The same code runs on
 * whichever member owns a service's partition.
 */
package io.nines.availability.incident;
