package io.nines.store.results;

import io.nines.store.testing.TestDatabases;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link TieredResultStoreContract} on the test PostgreSQL (a fresh schema); skipped with the
 * reason when there is none, failed under {@code CI=true}.
 */
class TieredResultStorePostgresIT extends TieredResultStoreContract {
  @BeforeAll
  static void start() {
    startCluster(TestDatabases.freshPostgres());
  }
}
