package io.nines.store.documents;

import io.nines.store.jdbc.DatabaseOptions;
import io.nines.store.testing.TestDatabases;

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
