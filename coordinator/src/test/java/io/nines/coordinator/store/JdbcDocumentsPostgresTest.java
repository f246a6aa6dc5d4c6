package io.nines.coordinator.store;

import io.nines.coordinator.store.jdbc.DatabaseOptions;
import io.nines.coordinator.testing.TestDatabases;

/**
 * Documents in a real PostgreSQL (from {@code scripts/test-peers}); skipped with a reason where
 * there is none, except under {@code CI=true}.
 */
class JdbcDocumentsPostgresTest extends JdbcDocumentsContract {
  @Override
  DatabaseOptions freshDatabase() {
    return TestDatabases.freshPostgres();
  }
}
