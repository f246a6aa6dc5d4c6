package io.nines.coordinator.alerting;

import io.nines.coordinator.store.jdbc.DatabaseOptions;
import io.nines.coordinator.testing.TestDatabases;

/**
 * The durable single-process alert store on a real PostgreSQL (from {@code scripts/test-peers});
 * skipped with a reason where there is none, except under {@code CI=true}.
 */
class JdbcAlertStorePostgresTest extends JdbcAlertStoreContract {
  @Override
  DatabaseOptions freshDatabase() {
    return TestDatabases.freshPostgres();
  }
}
