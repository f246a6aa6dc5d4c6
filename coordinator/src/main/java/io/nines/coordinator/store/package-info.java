/**
 * Where raw results live. {@link io.nines.coordinator.store.ResultStore} is the seam: this issue
 * has {@link io.nines.coordinator.store.InMemoryResultStore}; a Hazelcast map with a JDBC MapStore
 * replaces it later without touching the timeline core or the API.
 */
package io.nines.coordinator.store;
