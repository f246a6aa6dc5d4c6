package io.nines.coordinator.api;

import io.nines.store.jdbc.DatabaseOptions;
import io.nines.store.testing.TestDatabases;

/**
 * A single-process restart on a real PostgreSQL (from {@code scripts/test-peers}); skipped with a
 * reason where there is none, except under {@code CI=true}.
 */
class DurableRestartPostgresTest extends DurableRestartContract {
  @Override
  DatabaseOptions freshDatabase() {
    return TestDatabases.freshPostgres();
  }
}
