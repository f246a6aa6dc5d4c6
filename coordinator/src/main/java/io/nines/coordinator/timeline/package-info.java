/**
 * The pure core of Nines: availability timelines and the arithmetic the product is judged on.
 *
 * <p>Nothing here does I/O or reads a clock: every operation that depends on the present takes
 * {@code now} (or a span that ends at it) as an argument. All types are immutable and thread-safe.
 *
 * <p>The flow: {@link io.nines.coordinator.timeline.Timelines#forLocation results of one check at
 * one location} become a location timeline; {@link io.nines.coordinator.timeline.Timelines#forCheck
 * location timelines merge} into a check timeline by the check's {@code down-when} rule; {@link
 * io.nines.coordinator.timeline.Timelines#forService check timelines merge} into a service timeline
 * by taking the worst state; {@link io.nines.coordinator.timeline.Availability#report a service
 * timeline and its maintenance windows} give an {@link
 * io.nines.coordinator.timeline.AvailabilityReport} for any window.
 */
package io.nines.coordinator.timeline;
