package io.nines.store.results;

import io.nines.store.jdbc.DatabaseOptions;
import io.nines.store.testing.TestDatabases;

/**
 * The durable single-process store on a real PostgreSQL (from {@code scripts/test-peers}); skipped
 * with a reason where there is none, except under {@code CI=true}.
 */
class JdbcResultStorePostgresTest extends JdbcResultStoreContract {
  @Override
  DatabaseOptions freshDatabase() {
    return TestDatabases.freshPostgres();
  }
}
