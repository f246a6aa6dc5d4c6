package io.nines.store.alerts;

import io.nines.store.jdbc.DatabaseOptions;
import io.nines.store.testing.TestDatabases;

/**
 * The durable single-process outbox on a real PostgreSQL (from {@code scripts/test-peers}); skipped
 * with a reason where there is none, except under {@code CI=true}.
 */
class JdbcOutboxPostgresTest extends JdbcOutboxContract {
  @Override
  DatabaseOptions freshDatabase() {
    return TestDatabases.freshPostgres();
  }
}
