package io.nines.store.jdbc.internal;

import io.nines.store.jdbc.DatabaseOptions;
import io.nines.store.testing.TestDatabases;

/**
 * The bulk insert on a real PostgreSQL (from {@code scripts/test-peers}); skipped with a reason
 * where there is none, except under {@code CI=true}.
 */
class ResultWriterPostgresTest extends ResultWriterContract {
  @Override
  DatabaseOptions freshDatabase() {
    return TestDatabases.freshPostgres();
  }
}
