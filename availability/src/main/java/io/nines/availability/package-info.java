/**
 * The pure core of Nines: availability timelines and the arithmetic the product is judged on.
 *
 * <p>Nothing here does I/O or reads a clock: every operation that depends on the present takes
 * {@code now} (or a span that ends at it) as an argument. All types are immutable and thread-safe.
 *
 * <p>The flow: {@link io.nines.availability.Timelines#forLocation results of one check at one
 * location} become a location timeline; {@link io.nines.availability.Timelines#forCheck location
 * timelines merge} into a check timeline by the check's {@code down-when} rule; {@link
 * io.nines.availability.Timelines#forService check timelines merge} into a service timeline by
 * taking the worst state; {@link io.nines.availability.Availability#report a service timeline and
 * its maintenance windows} give an {@link io.nines.availability.AvailabilityReport} for any window.
 * {@link io.nines.availability.DowntimeBudget} and {@link io.nines.availability.BurnRate} judge the
 * downtime against a service's target, and {@link io.nines.availability.RiskMatrix} rates its
 * outages against its tier.
 *
 * <p>This is its own module so that Maven enforces the purity: only {@code common} and {@code
 * config} are on its main classpath, and the enforcer fails the build if Vert.x, Netty, Hazelcast
 * or a JDBC driver reaches it.
 */
package io.nines.availability;
