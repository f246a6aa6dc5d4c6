package io.nines.coordinator.cluster;

import io.nines.store.jdbc.DatabaseOptions;
import io.nines.store.testing.TestDatabases;

/**
 * A full-cluster restart on a real PostgreSQL (from {@code scripts/test-peers}); skipped with a
 * reason where there is none, except under {@code CI=true}.
 */
class FullClusterRestartPostgresIT extends FullClusterRestartContract {
  @Override
  DatabaseOptions freshDatabase() {
    return TestDatabases.freshPostgres();
  }
}
