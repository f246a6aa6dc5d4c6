package io.nines.store;

import io.nines.store.results.InMemoryResultStore;
import io.nines.store.results.JdbcResultStore;
import io.nines.store.results.ResultStore;

/** The one place a single process's storage mode is chosen. */
public final class Backends {
  private Backends() {}

  /**
   * The backend of a single process whose results go to {@code results}: a {@link JdbcBackend} when
   * they are durable ({@link JdbcResultStore}), so that the rest is durable too, else a {@link
   * MemoryBackend}; a fresh in-memory store when {@code results} is null. A cluster member's
   * backend is its own {@link ClusterBackend}.
   */
  public static Backend singleProcess(ResultStore results) {
    if (results == null) {
      return new MemoryBackend(new InMemoryResultStore());
    }
    return results instanceof JdbcResultStore durable
        ? new JdbcBackend(durable)
        : new MemoryBackend(results);
  }

  static <T> T started(T store) {
    if (store == null) {
      throw new IllegalStateException(
          "the backend is not started (expected: start(vertx, fleet) before asking for its"
              + " alerting stores or agent registry)");
    }
    return store;
  }
}
