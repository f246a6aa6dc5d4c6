/**
 * The store's internals: the per-check state ({@link
 * io.nines.coordinator.store.internal.CheckLog}), the Hazelcast entry processors, aggregator and
 * merge policy that work on it, and their Compact serializers. Public only because Hazelcast
 * instantiates some of them by name; nothing here is an API.
 */
package io.nines.coordinator.store.internal;
