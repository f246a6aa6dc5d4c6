package io.nines.coordinator.screenshots;

import io.nines.store.jdbc.DatabaseOptions;
import io.nines.store.testing.TestDatabases;

/**
 * Screenshots as documents in a real PostgreSQL (from {@code scripts/test-peers}); skipped with a
 * reason where there is none, except under {@code CI=true}.
 */
class DocumentsScreenshotStorePostgresTest extends DocumentsScreenshotStoreContract {
  @Override
  DatabaseOptions freshDatabase() {
    return TestDatabases.freshPostgres();
  }
}
