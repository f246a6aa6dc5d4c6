/**
 * The durable store: {@link io.nines.store.jdbc.Database} (a JDBC pool on H2 or PostgreSQL, its
 * schema migrated by Flyway at start-up), its {@link io.nines.store.jdbc.DatabaseOptions}, the
 * checks map's write-behind MapStore ({@link io.nines.store.jdbc.Database#mapStoreConfig()}),
 * per-minute {@link io.nines.store.jdbc.Rollup}s and the {@link io.nines.store.jdbc.RetentionTask}.
 * JDBC runs only on Hazelcast's MapStore threads and on named worker pools, never on an event loop.
 * See {@code docs/storage.md}.
 */
package io.nines.store.jdbc;
