/**
 * Where raw results and each check's last evaluation live. {@link
 * io.nines.store.results.ResultStore} is the seam, asynchronous throughout: {@link
 * io.nines.store.results.InMemoryResultStore} for a single process, {@link
 * io.nines.store.results.HazelcastResultStore} for a cluster. Both keep one {@link
 * io.nines.store.checklog.CheckLog} per check and apply results by the same code. A durable store
 * on JDBC sits behind both: {@link io.nines.store.results.JdbcResultStore} for a single process
 * (write-through); in a cluster, {@link io.nines.store.results.WriteThroughResultStore} writes raw
 * results through and a write-behind MapStore behind the cluster's map writes the rest ({@link
 * io.nines.store.jdbc.Database#mapStoreConfig(boolean)}). See {@code docs/storage.md}.
 */
package io.nines.store.results;
