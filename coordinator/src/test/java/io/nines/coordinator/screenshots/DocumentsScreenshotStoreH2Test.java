package io.nines.coordinator.screenshots;

import io.nines.store.jdbc.DatabaseOptions;
import io.nines.store.testing.TestDatabases;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;

/** Screenshots as documents in an embedded H2 file. */
class DocumentsScreenshotStoreH2Test extends DocumentsScreenshotStoreContract {
  @TempDir static Path dir;

  @Override
  DatabaseOptions freshDatabase() {
    return TestDatabases.h2(dir.resolve(UUID.randomUUID().toString()));
  }
}
