/**
 * The durable store: {@link io.nines.coordinator.store.jdbc.Database} (a JDBC pool on H2 or
 * PostgreSQL, its schema migrated by Flyway at start-up), its {@link
 * io.nines.coordinator.store.jdbc.DatabaseOptions}, the checks map's write-behind MapStore ({@link
 * io.nines.coordinator.store.jdbc.Database#mapStoreConfig()}), per-minute {@link
 * io.nines.coordinator.store.jdbc.Rollup}s and the {@link
 * io.nines.coordinator.store.jdbc.RetentionTask}. JDBC runs only on Hazelcast's MapStore threads
 * and on named worker pools, never on an event loop. See {@code docs/storage.md}.
 */
package io.nines.coordinator.store.jdbc;
