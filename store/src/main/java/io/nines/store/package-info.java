/**
 * Every store the coordinator keeps its data in, and one {@link io.nines.store.Backend} per storage
 * mode that supplies them all: {@link io.nines.store.MemoryBackend} (a single process, in memory),
 * {@link io.nines.store.JdbcBackend} (a single process, written through to H2 or PostgreSQL) and
 * {@link io.nines.store.ClusterBackend} (Hazelcast maps, written behind to a database when there is
 * one). The stores themselves are in {@code results}, {@code documents}, {@code alerts} and {@code
 * agents}; each check's state in {@code checklog}; SQL and Flyway in {@code jdbc}. Nothing here
 * depends on the coordinator (the enforcer and an ArchUnit rule hold that). See {@code
 * docs/storage.md}.
 */
package io.nines.store;
