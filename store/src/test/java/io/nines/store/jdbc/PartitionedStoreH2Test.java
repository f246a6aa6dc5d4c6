package io.nines.store.jdbc;

import io.nines.store.testing.TestDatabases;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;

/** V5's storage on an embedded H2 file: unpartitioned tables, deletes. */
class PartitionedStoreH2Test extends PartitionedStoreContract {
  @TempDir Path dir;

  @Override
  DatabaseOptions freshDatabase() {
    return TestDatabases.h2(dir.resolve(UUID.randomUUID().toString()));
  }

  @Override
  boolean partitioned() {
    return false;
  }
}
