/**
 * Each check's state: its results, evaluation and timeline history ({@link
 * io.nines.store.checklog.CheckLog}), the Hazelcast entry processors, aggregator and merge policy
 * that work on it, and their Compact serializers. Public only because Hazelcast instantiates some
 * of them by name; nothing here is an API.
 */
package io.nines.store.checklog;
