package io.nines.store.jdbc;

import io.nines.store.testing.TestDatabases;

/**
 * V5's storage on a real PostgreSQL (from {@code scripts/test-peers}): day partitions, dropped by
 * retention; skipped with a reason where there is none, except under {@code CI=true}.
 */
class PartitionedStorePostgresTest extends PartitionedStoreContract {
  @Override
  DatabaseOptions freshDatabase() {
    return TestDatabases.freshPostgres();
  }

  @Override
  boolean partitioned() {
    return true;
  }
}
