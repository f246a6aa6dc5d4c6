/**
 * Where raw results and each check's last evaluation live. {@link
 * io.nines.coordinator.store.ResultStore} is the seam, asynchronous throughout: {@link
 * io.nines.coordinator.store.InMemoryResultStore} for a single process, {@link
 * io.nines.coordinator.store.HazelcastResultStore} for a cluster. Both keep one {@link
 * io.nines.coordinator.store.internal.CheckLog} per check and apply results by the same code. A
 * JDBC MapStore behind the Hazelcast map comes later, without touching the timeline core or the
 * API.
 */
package io.nines.coordinator.store;
