/**
 * Where raw results and each check's last evaluation live. {@link
 * io.nines.coordinator.store.ResultStore} is the seam, asynchronous throughout: {@link
 * io.nines.coordinator.store.InMemoryResultStore} for a single process, {@link
 * io.nines.coordinator.store.HazelcastResultStore} for a cluster. Both keep one {@link
 * io.nines.coordinator.store.internal.CheckLog} per check and apply results by the same code. A
 * durable store on JDBC sits behind both: {@link io.nines.coordinator.store.JdbcResultStore} for a
 * single process (write-through), and a write-behind MapStore behind the cluster's map ({@link
 * io.nines.coordinator.store.jdbc.Database#mapStoreConfig()}). See {@code docs/storage.md}.
 */
package io.nines.coordinator.store;
